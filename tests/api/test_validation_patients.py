"""Every bad patient API.md names (created or patched) is a 400 naming the field, never a
500, and changes nothing; the team must be one in the caller's care."""

import pytest

from recovery.models import Patient
from tests.api.support import field_errors, nothing_created
from tests.factories import CareTeamFactory, ClinicianFactory

from .good_bodies import good_patient

BAD_PATIENTS = [
    (good_patient(timezone="Mars/Olympus"), "timezone"),
    (good_patient(timezone=""), "timezone"),
    (good_patient(timezone=1), "timezone"),
    (good_patient(reminder_hour=24), "reminder_hour"),
    (good_patient(reminder_hour=-1), "reminder_hour"),
    (good_patient(reminder_hour="9"), "reminder_hour"),
    (good_patient(reminder_hour=9.0), "reminder_hour"),
    (good_patient(has_osteoporosis="true"), "has_osteoporosis"),
    (good_patient(has_osteoporosis=1), "has_osteoporosis"),
    (good_patient(email="bob@patient.test"), "email"),
    (good_patient(email="BOB@patient.test"), "email"),
    (good_patient(email="not-an-email"), "email"),
    (good_patient(email=...), "email"),
    (good_patient(first_name=""), "first_name"),
    (good_patient(first_name=7), "first_name"),
    (good_patient(first_name="A\x00"), "first_name"),
    (good_patient(last_name="x" * 151), "last_name"),
    (good_patient(date_of_birth="2999-01-01"), "date_of_birth"),
    (good_patient(date_of_birth="03/02/1948"), "date_of_birth"),
    (good_patient(team="1"), "team"),
    (good_patient(team=999999), "team"),
]


@pytest.mark.parametrize(("body", "field"), BAD_PATIENTS, ids=[f for _, f in BAD_PATIENTS])
def test_bad_patient_is_a_400_naming_the_field(api, patient, clinician, body, field):
    with nothing_created():
        response = api(clinician).post("/api/v1/patients/", body, format="json")
    assert field in field_errors(response)


def test_a_team_outside_the_callers_scope_is_a_field_error(api, clinician, other_team):
    with nothing_created():
        response = api(clinician).post(
            "/api/v1/patients/", good_patient(team=other_team.pk), format="json"
        )
    assert "team" in field_errors(response)


def test_team_is_required_when_the_clinician_has_two(api, clinician, team):
    second = CareTeamFactory()
    clinician.care_teams.add(second)
    with nothing_created():
        response = api(clinician).post("/api/v1/patients/", good_patient(), format="json")
    assert "team" in field_errors(response)
    response = api(clinician).post("/api/v1/patients/", good_patient(team=second.pk), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["team"] == second.pk


def test_team_is_optional_for_a_clinician_with_one(api, clinician, team):
    response = api(clinician).post("/api/v1/patients/", good_patient(), format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["team"] == team.pk
    assert row["timezone"] == "Europe/Berlin"
    assert row["has_osteoporosis"] is True
    body = good_patient(email="min@patient.test", timezone=..., reminder_hour=...)
    row = api(clinician).post("/api/v1/patients/", body, format="json").json()
    assert (row["timezone"], row["reminder_hour"]) == ("UTC", 9)


BAD_PATIENT_PATCHES = [
    ({"timezone": "Nowhere/City"}, "timezone"),
    ({"reminder_hour": 24}, "reminder_hour"),
    ({"email": "alice@clinic.test"}, "email"),
    ({"team": None}, "team"),
    ({"first_name": None}, "first_name"),
    ({"has_osteoporosis": None}, "has_osteoporosis"),
]


@pytest.mark.parametrize(("body", "field"), BAD_PATIENT_PATCHES)
def test_bad_patient_patch_is_a_400_and_changes_nothing(api, patient, clinician, body, field):
    before = Patient.objects.values().get(pk=patient.pk)
    response = api(clinician).patch(f"/api/v1/patients/{patient.pk}/", body, format="json")
    assert field in field_errors(response)
    assert Patient.objects.values().get(pk=patient.pk) == before


def test_patch_to_a_team_outside_scope_is_a_field_error(api, patient, clinician, other_team):
    response = api(clinician).patch(
        f"/api/v1/patients/{patient.pk}/", {"team": other_team.pk}, format="json"
    )
    assert "team" in field_errors(response)
    patient.refresh_from_db()
    assert patient.team_id != other_team.pk


def test_patch_keeps_own_email_and_changes_the_login_email(api, patient, clinician):
    url = f"/api/v1/patients/{patient.pk}/"
    assert (
        api(clinician).patch(url, {"email": "bob@patient.test"}, format="json").status_code == 200
    )
    response = api(clinician).patch(url, {"email": "Robert@Patient.test"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "robert@patient.test"
    patient.user.refresh_from_db()
    assert patient.user.email == "robert@patient.test"


def test_a_clinician_with_no_team_cannot_create_patients(api, db):
    loner = ClinicianFactory()
    with nothing_created():
        response = api(loner).post("/api/v1/patients/", good_patient(), format="json")
    assert "team" in field_errors(response)
