"""Concurrent requests on PostgreSQL: each thread has its own connection, as gunicorn workers do.
Double-clicked enrolments and a code typed on two phones at once must not 500 or double up."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from recovery.models import EnrollmentCode, Patient
from tests.api.support import race, require_postgresql
from tests.factories import PatientFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_enrolment_creates_one_patient(api, clinician):
    require_postgresql()
    body = {
        "email": "twice@patient.test",
        "first_name": "Tess",
        "last_name": "Twice",
        "date_of_birth": "1950-01-01",
    }
    clients = [api(clinician) for _ in range(4)]
    answers = race(4, lambda: clients.pop().post("/api/v1/patients/", body, format="json"))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201, 400, 400, 400], answers
    assert all("email" in body for status, body in answers if status == 400)
    assert User.objects.filter(email="twice@patient.test").count() == 1
    assert Patient.objects.count() == 1
    assert EnrollmentCode.objects.count() == 1


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_one_code_activates_once_under_concurrency(api, clinician):
    require_postgresql()
    body = {
        "email": "code@patient.test",
        "first_name": "Cody",
        "last_name": "Code",
        "date_of_birth": "1950-01-01",
    }
    code = api(clinician).post("/api/v1/patients/", body, format="json").json()["enrollment_code"]
    passwords = [f"distinct-passphrase-{i}-x" for i in range(4)]

    def activate():
        return APIClient().post(
            "/api/v1/auth/activate/",
            {"code": code, "password": passwords.pop()},
            format="json",
        )

    answers = race(4, activate)
    assert sorted(status for status, _ in answers) == [200, 400, 400, 400], answers
    assert EnrollmentCode.objects.get().used_at is not None
    user = User.objects.get(email="code@patient.test")
    assert sum(user.check_password(f"distinct-passphrase-{i}-x") for i in range(4)) == 1


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_two_patients_patched_to_one_email_at_once(api, clinician, team):
    require_postgresql()
    patients = PatientFactory.create_batch(4, team=team)
    requests = [(api(clinician), f"/api/v1/patients/{patient.pk}/") for patient in patients]

    def patch():
        client, url = requests.pop()
        return client.patch(url, {"email": "same@patient.test"}, format="json")

    answers = race(4, patch)
    assert sorted(status for status, _ in answers) == [200, 400, 400, 400], answers
    assert User.objects.filter(email="same@patient.test").count() == 1


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refreshes_with_one_token_give_exactly_one_200(patient):
    """Issue 23, low 8 (API.md "Patient app"): rotation spends the token once."""
    require_postgresql()
    from tests.factories import PASSWORD

    for _attempt in range(3):  # a few rounds: the race must be lost every time, not by luck
        pair = APIClient().post(
            "/api/v1/auth/token/",
            {"email": patient.user.email, "password": PASSWORD},
            format="json",
        )
        refresh = pair.json()["refresh"]
        answers = race(
            4,
            lambda token=refresh: APIClient().post(
                "/api/v1/auth/token/refresh/", {"refresh": token}, format="json"
            ),
        )
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200, 401, 401, 401], answers
