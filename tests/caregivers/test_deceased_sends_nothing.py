"""Issue 23, low 7: after a patient died, no enrollment code, password reset or caregiver
invitation is emailed (the requests answer as the contract says; nothing is queued)."""

import pytest
from django.test import Client

from outbox.models import Message
from recovery import lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def deceased(patient, clinician):
    lifecycle.patient_discharge(patient=patient, by=clinician, reason="deceased", note="")
    Message.objects.all().delete()
    return patient


def test_no_enrollment_code(api, clinician, deceased):
    response = api(clinician).post(f"/api/v1/patients/{deceased.pk}/enrollment-code/")
    assert response.status_code == 409
    assert "died" in response.json()["detail"]
    assert not Message.objects.exists()


def test_no_password_reset_and_the_same_answer(api, deceased):
    response = api(None).post(
        "/api/v1/auth/password-reset/", {"email": deceased.user.email}, format="json"
    )
    assert response.status_code == 204
    assert not Message.objects.filter(status="queued").exists()


def test_no_caregiver_invitation(api, clinician, deceased):
    body = {"email": "son@care.test", "name": "Sam", "relationship": "son"}
    response = api(clinician).post(
        f"/api/v1/patients/{deceased.pk}/caregivers/", body, format="json"
    )
    assert response.status_code == 409
    assert not Message.objects.exists()


def test_the_dashboard_says_so(clinician, deceased):
    client = Client()
    client.force_login(clinician)
    for path, body in [
        (f"/dashboard/patients/{deceased.pk}/enrollment-code/", {}),
        (
            f"/dashboard/patients/{deceased.pk}/caregivers/new/",
            {"email": "son@care.test", "name": "Sam", "relationship": "son"},
        ),
    ]:
        response = client.post(path, body, follow=True)
        assert response.status_code == 200, path
        assert "died" in response.content.decode()
    assert not Message.objects.exists()


def test_the_dashboards_caregiver_invitation_is_throttled(clinician, patient, settings):
    """Issue 23, low 9: the API's limit holds on the dashboard's form too."""
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "caregiver_invitation": "2/hour"}
    client = Client()
    client.force_login(clinician)
    path = f"/dashboard/patients/{patient.pk}/caregivers/new/"
    for n in range(2):
        body = {"email": f"c{n}@care.test", "name": "C", "relationship": "son"}
        assert client.post(path, body).status_code == 302
    refused = client.post(path, {"email": "c9@care.test", "name": "C", "relationship": "son"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Message.objects.filter(category="caregiver-invitation").count() == 2
