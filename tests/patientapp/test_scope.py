"""A patient only ever sees their own data; another patient's anything is a 404."""

import uuid

import pytest
from django.utils import timezone

from recovery.models import CheckIn
from tests.factories import CheckInFactory, ProcedureFactory
from tests.patientapp.support import walk_checkin


@pytest.fixture
def both(patient, other_patient):
    ProcedureFactory(patient=patient)
    ProcedureFactory(patient=other_patient, pre_procedure_pain=9)
    mine = CheckInFactory(patient=patient, pain_score=2, notes="mine-note")
    theirs = CheckInFactory(patient=other_patient, pain_score=9, notes="their-note")
    return mine, theirs


def test_another_patients_checkin_result_is_a_404(app_client, patient, both):
    mine, theirs = both
    client = app_client(patient.user)
    assert client.get(f"/app/checkin/done/{mine.pk}/").status_code == 200
    assert client.get(f"/app/checkin/done/{theirs.pk}/").status_code == 404
    assert client.get(f"/app/checkin/done/{uuid.uuid4()}/").status_code == 404


def test_history_shows_only_the_patients_own_checkins(app_client, patient, both):
    body = app_client(patient.user).get("/app/history/").content.decode()
    assert "mine-note" in body and "their-note" not in body


def test_a_clinicians_view_is_in_the_access_log_by_name(app_client, patient, clinician, api):
    clinician.first_name, clinician.last_name = "Alice", "Ames"
    clinician.save()
    api(clinician).get(f"/api/v1/patients/{patient.pk}/")
    body = app_client(patient.user).get("/app/access-log/").content.decode()
    assert "Alice Ames" in body and "looked at your details" in body


def test_reusing_another_patients_checkin_id_stores_nothing(app_client, patient, both):
    _mine, theirs = both
    client = app_client(patient.user)
    fields = walk_checkin(client, pain=3)
    fields["id"] = [str(theirs.pk)]
    response = client.post("/app/checkin/review/", fields)
    assert response.status_code == 400
    assert CheckIn.objects.filter(patient=patient).count() == 1


def test_the_queue_endpoint_replays_and_refuses_clashes(app_client, patient, procedure):
    client = app_client(patient.user)
    body = {
        "id": str(uuid.uuid4()),
        "recorded_at": timezone.now().isoformat(),
        "pain_score": 3,
        "temperature_c": None,
        "symptoms": ["chest_pain"],
        "notes": "",
        "account": patient.user.pk,  # the queue names who queued it (issue 23 item 6)
    }
    first = client.post("/app/api/checkins/", body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["guidance"]["severity"] == "emergency"
    again = client.post("/app/api/checkins/", body, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    clash = client.post(
        "/app/api/checkins/", {**body, "pain_score": 4}, content_type="application/json"
    )
    assert clash.status_code == 409
    bad = client.post(
        "/app/api/checkins/",
        {**body, "id": str(uuid.uuid4()), "pain_score": 11},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "pain_score" in bad.json()
    assert CheckIn.objects.count() == 1


def test_the_queue_endpoint_needs_the_csrf_token(patient, procedure):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    response = client.post("/app/api/checkins/", {"pain_score": 3}, content_type="application/json")
    assert response.status_code == 403
    assert CheckIn.objects.count() == 0
