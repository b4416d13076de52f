"""What a caregiver may do: check in for the patient (the same rules, the same alerts), read
their check-ins and plan; and revocation, which takes effect on the next request."""

import uuid

import pytest
from django.test import Client

from caregivers.models import CareLink
from recovery.models import Alert, CheckIn
from reminders.models import CalendarFeed
from tests.api.support import field_errors, nothing_created
from tests.factories import CareLinkFactory, CheckInFactory, PatientFactory


def post(client, body):
    return client.post("/api/v1/checkins/", body, format="json")


def test_a_caregiver_checks_in_for_their_one_patient_with_the_same_rules(
    api, caregiver, patient, procedure
):
    response = post(api(caregiver), {"pain_score": 3, "temperature_c": 38.4})
    assert response.status_code == 201, response.content
    body = response.json()
    # The guidance goes back to whoever entered it; the alert is the patient's, as ever.
    assert [(a["rule"], a["severity"]) for a in body["alerts"]] == [("fever", "urgent")]
    assert body["guidance"]["severity"] == "urgent"
    assert body["patient"] == patient.pk
    assert body["entered_by"] == {"id": caregiver.pk, "name": "Ann Hill", "role": "caregiver"}
    checkin = CheckIn.objects.get()
    assert (checkin.patient, checkin.entered_by) == (patient, caregiver)
    assert Alert.objects.get().patient == patient


def test_a_patients_own_checkin_names_the_patient(api, patient):
    body = post(api(patient.user), {"pain_score": 2}).json()
    assert body["entered_by"] == {"id": patient.user.pk, "name": "", "role": "patient"}
    assert CheckIn.objects.get().entered_by == patient.user


def test_with_two_patients_the_caregiver_must_say_for_whom(api, caregiver, patient):
    second = PatientFactory(team=patient.team)
    CareLinkFactory(patient=second, caregiver=caregiver)
    client = api(caregiver)
    with nothing_created():
        assert "patient" in field_errors(post(client, {"pain_score": 2}))
    response = post(client, {"pain_score": 2, "patient": second.pk})
    assert response.status_code == 201
    assert CheckIn.objects.get().patient == second


@pytest.mark.parametrize("value", ["given", "7", 7.0, True, -1])
def test_a_patient_outside_their_care_or_a_bad_id_is_a_field_error_on_patient(
    api, caregiver, other_patient, value
):
    value = other_patient.pk if value == "given" else value
    with nothing_created():
        response = post(api(caregiver), {"pain_score": 2, "patient": value})
    assert list(field_errors(response)) == ["patient"]


def test_an_offline_replay_by_the_caregiver_is_the_same_answer(api, caregiver, patient):
    body = {"id": str(uuid.uuid4()), "pain_score": 6, "symptoms": ["fever"]}
    first = post(api(caregiver), body)
    again = post(api(caregiver), {**body, "patient": patient.pk})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert post(api(caregiver), {**body, "pain_score": 7}).status_code == 409


def test_a_caregiver_lists_all_their_patients_checkins_and_may_narrow(
    api, caregiver, patient, other_patient
):
    second = PatientFactory(team=patient.team)
    CareLinkFactory(patient=second, caregiver=caregiver)
    mine = CheckInFactory(patient=patient, entered_by=patient.user)
    theirs = CheckInFactory(patient=second, entered_by=caregiver)
    CheckInFactory(patient=other_patient)
    client = api(caregiver)

    rows = client.get("/api/v1/checkins/").json()["results"]
    assert {r["id"] for r in rows} == {str(mine.pk), str(theirs.pk)}
    narrowed = client.get("/api/v1/checkins/", {"patient": second.pk}).json()["results"]
    assert [(r["id"], r["entered_by"]["role"]) for r in narrowed] == [(str(theirs.pk), "caregiver")]
    outside = client.get("/api/v1/checkins/", {"patient": other_patient.pk})
    assert outside.json()["results"] == []
    assert "patient" in field_errors(client.get("/api/v1/checkins/", {"patient": "x"}))


def test_the_plan_needs_the_patient_with_two_and_is_404_outside_care(
    api, caregiver, patient, other_patient, procedure
):
    client = api(caregiver)
    one = client.get("/api/v1/plan/")
    assert one.status_code == 200
    assert one.json()["procedure"]["id"] == procedure.pk
    assert one.json()["calendar_url"]
    second = PatientFactory(team=patient.team)
    CareLinkFactory(patient=second, caregiver=caregiver)
    assert "patient" in field_errors(client.get("/api/v1/plan/"))
    assert client.get("/api/v1/plan/", {"patient": second.pk}).json()["procedure"] is None
    assert client.get("/api/v1/plan/", {"patient": other_patient.pk}).status_code == 404


def test_me_lists_the_patients_of_active_links_only(api, caregiver, patient):
    revoked = PatientFactory(team=patient.team)
    CareLinkFactory(patient=revoked, caregiver=caregiver, status="revoked")
    me = api(caregiver).get("/api/v1/me/").json()
    assert me["role"] == "caregiver"
    team = {
        "name": patient.team.name,
        "phone": patient.team.phone,
        "emergency_number": patient.team.emergency_number,
    }
    assert me["patients"] == [
        {
            "id": patient.pk,
            "first_name": "Bob",
            "last_name": "Stone",
            "care_team": team,
            "open_alerts": {"emergency": 0, "urgent": 0, "warning": 0, "info": 0},
        }
    ]
    assert me["care_team"] == team
    assert "patient_id" not in me


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/patients/",
        "/api/v1/patients/{patient}/",
        "/api/v1/patients/{patient}/checkins/",
        "/api/v1/alerts/",
        "/api/v1/dashboard/",
        "/api/v1/me/access-log/",
        "/api/v1/me/caregivers/",
        "/fhir/Patient/{patient}/$everything",
    ],
)
def test_caregivers_get_403_on_clinician_routes_and_the_access_log(api, caregiver, patient, path):
    assert api(caregiver).get(path.format(patient=patient.pk)).status_code == 403


def test_a_caregiver_gets_403_on_the_dashboard(caregiver):
    browser = Client()
    browser.force_login(caregiver)
    assert browser.get("/dashboard/").status_code == 403


# --- Revocation ----------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["patient", "clinician"])
def test_revoking_ends_jwt_and_session_access_at_the_next_request(
    api, caregiver, link, patient, clinician, procedure, by
):
    CheckInFactory(patient=patient)
    jwt = api(caregiver)
    session = Client()
    session.force_login(caregiver)
    for client in (jwt, session):
        assert len(client.get("/api/v1/checkins/").json()["results"]) == 1
        assert client.get("/api/v1/plan/").status_code == 200
    old_feed = CalendarFeed.objects.get(patient=patient).token_digest

    if by == "patient":
        response = api(patient.user).delete(f"/api/v1/me/caregivers/{link.pk}/")
    else:
        response = api(clinician).delete(f"/api/v1/patients/{patient.pk}/caregivers/{link.pk}/")
    assert response.status_code == 204

    for client in (jwt, session):
        assert client.get("/api/v1/checkins/").json()["results"] == []
        assert client.get("/api/v1/plan/").status_code == 404
        assert client.get("/api/v1/plan/", {"patient": patient.pk}).status_code == 404
        assert client.get("/api/v1/me/").json()["patients"] == []
        with nothing_created():
            refused = client.post(
                "/api/v1/checkins/", '{"pain_score": 1}', content_type="application/json"
            )
        assert "patient" in field_errors(refused)
    # The calendar URL the caregiver had stops working.
    assert CalendarFeed.objects.get(patient=patient).token_digest != old_feed
    link.refresh_from_db()
    assert link.status == "revoked"


def test_revoking_one_patient_leaves_the_caregivers_other_patients(api, caregiver, link, patient):
    second = PatientFactory(team=patient.team)
    CareLinkFactory(patient=second, caregiver=caregiver)
    api(patient.user).delete(f"/api/v1/me/caregivers/{link.pk}/")
    me = api(caregiver).get("/api/v1/me/").json()
    assert [p["id"] for p in me["patients"]] == [second.pk]
    assert api(caregiver).get("/api/v1/plan/").status_code == 200  # the one left


def test_revoking_an_invitation_before_it_is_accepted(api, patient):
    link = CareLinkFactory(patient=patient, caregiver=None, status="invited", email="x@care.test")
    assert api(patient.user).delete(f"/api/v1/me/caregivers/{link.pk}/").status_code == 204
    assert CareLink.objects.get().status == "revoked"


def test_a_clinician_of_another_team_cannot_revoke(api, link, patient, other_clinician):
    url = f"/api/v1/patients/{patient.pk}/caregivers/{link.pk}/"
    assert api(other_clinician).delete(url).status_code == 404
    link.refresh_from_db()
    assert link.status == "active"


def test_a_patient_cannot_revoke_another_patients_caregiver(api, other_caregiver, patient):
    theirs = CareLink.objects.get(caregiver=other_caregiver)
    assert api(patient.user).delete(f"/api/v1/me/caregivers/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "active"


def test_a_caregivers_me_carries_care_team_once_shared_and_per_patient_always(
    api, caregiver, patient, other_patient
):
    """API.md: a caregiver's /api/v1/me/ carries care_team. Patients of one team: at the top,
    as a patient's; of two teams: only on each entry of `patients`, never a guess."""
    patient.team.phone, patient.team.emergency_number = "+1 555 0100", "911"
    patient.team.save()
    other_patient.team.phone, other_patient.team.emergency_number = "+34 900 000 000", "112"
    other_patient.team.save()
    client = api(caregiver)
    me = client.get("/api/v1/me/").json()
    assert me["care_team"] == {
        "name": patient.team.name,
        "phone": "+1 555 0100",
        "emergency_number": "911",
    }
    CareLinkFactory(patient=other_patient, caregiver=caregiver)
    me = client.get("/api/v1/me/").json()
    assert "care_team" not in me
    numbers = {p["id"]: p["care_team"]["emergency_number"] for p in me["patients"]}
    assert numbers == {patient.pk: "911", other_patient.pk: "112"}
