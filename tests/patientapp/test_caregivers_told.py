"""The caregiver's side of calling back (issue 24): their phone, the patient's choice to tell
them, their /me counts and the open warning sign first on their home page."""

import pytest
from django.utils import timezone

from caregivers.models import CareLink
from recovery import services
from tests.factories import CaregiverFactory, CareLinkFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def fever(patient):
    ProcedureFactory(patient=patient)
    return services.checkin_record(patient=patient, data={"pain_score": 2, "temperature_c": 38.9})


def test_the_patient_turns_a_caregivers_alerts_off(api, patient, link):
    client = api(patient.user)
    response = client.patch(
        f"/api/v1/me/caregivers/{link.pk}/", {"receives_alerts": False}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["receives_alerts"] is False
    bad = client.patch(f"/api/v1/me/caregivers/{link.pk}/", {"receives_alerts": 0}, format="json")
    assert bad.status_code == 400 and "receives_alerts" in bad.json()
    empty = client.patch(f"/api/v1/me/caregivers/{link.pk}/", {}, format="json")
    assert empty.status_code == 400
    link.refresh_from_db()
    assert (link.receives_alerts, link.receives_reminders) == (False, False)


def test_a_caregivers_me_counts_open_alerts_per_patient_in_one_query(
    api, patient, caregiver, other_patient, django_assert_max_num_queries
):
    fever(patient)
    client = api(caregiver)
    with django_assert_max_num_queries(20) as one:
        client.get("/api/v1/me/")
    CareLinkFactory(patient=other_patient, caregiver=caregiver)
    fever(other_patient)
    with django_assert_max_num_queries(len(one.captured_queries)):
        me = client.get("/api/v1/me/").json()
    counts = {row["id"]: row["open_alerts"] for row in me["patients"]}
    assert counts[patient.pk] == {"emergency": 0, "urgent": 1, "warning": 0, "info": 0}
    assert counts[other_patient.pk]["urgent"] == 1


def test_another_patients_caregiver_sees_no_count_of_this_one(api, patient, other_caregiver):
    fever(patient)
    me = api(other_caregiver).get("/api/v1/me/").json()
    assert patient.pk not in {row["id"] for row in me["patients"]}


def test_the_caregiver_home_shows_the_open_sign_first_with_the_teams_numbers(
    app_client, patient, caregiver
):
    patient.team.phone = "+12025550100"
    patient.team.save()
    client = app_client(caregiver)
    assert 'id="open-alert"' not in client.get("/app/").content.decode()
    fever(patient)
    body = client.get("/app/").content.decode()
    main = body.split('id="main"', 1)[1]
    assert main.index('id="open-alert"') < main.index('id="today-title"')
    assert "Bob reported a warning sign" in body
    assert 'href="tel:+12025550100"' in body
    assert "Contact your care team today" in body
    # The patient's own home page has no such panel (they saw the guidance at check-in).
    assert 'id="open-alert"' not in app_client(patient.user).get("/app/").content.decode()


def test_the_caregiver_gives_a_phone_and_yes_to_texts(app_client, patient, caregiver, link):
    client = app_client(caregiver)
    assert client.get("/app/caregiver/phone/").status_code == 200
    refused = client.post("/app/caregiver/phone/", {"phone": "", "texts": "on"})
    assert refused.status_code == 400
    assert "To get texts, type your mobile number." in refused.content.decode()
    assert client.post("/app/caregiver/phone/", {"phone": "banana"}).status_code == 400
    saved = client.post("/app/caregiver/phone/", {"phone": "(202) 555-0143", "texts": "on"})
    assert saved.status_code == 302
    link.refresh_from_db()
    assert link.phone == "+12025550143" and link.sms_consent_at is not None
    client.post("/app/caregiver/phone/", {"phone": "(202) 555-0143"})
    link.refresh_from_db()
    assert link.sms_consent_at is None


def test_a_patient_cannot_use_the_caregiver_phone_page(app_client, patient):
    response = app_client(patient.user).post("/app/caregiver/phone/", {"phone": "2025550143"})
    assert response.status_code == 302
    assert not CareLink.objects.exclude(phone="").exists()


def test_a_revoked_caregiver_is_not_told(patient):
    revoked = CareLinkFactory(
        patient=patient, caregiver=CaregiverFactory(email="x@care.test"), status="revoked"
    )
    revoked.sms_consent_at = timezone.now()
    revoked.save()
    fever(patient)
    from outbox.models import Message

    assert not Message.objects.filter(to="x@care.test").exists()
