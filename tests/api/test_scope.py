"""Who may use which endpoint: one matrix over (endpoint, method, actor) -> status.

Anonymous callers get 401, the wrong role 403, and anything outside the caller's care a 404
(never revealing that it exists), like pretix's src/tests/api/test_permissions.py.
"""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from tests.api.support import nothing_created, row_counts
from tests.factories import CareTeamFactory, CheckInFactory, ClinicianFactory, ProcedureFactory

from .scope_matrix import CASES, ids


@pytest.mark.parametrize(("method", "path", "body", "actor", "expected"), CASES)
def test_scope_matrix(cast, patient, procedure, method, path, body, actor, expected):
    url = path.format(patient=patient.pk, procedure=procedure.pk)
    before = row_counts()
    response = getattr(cast[actor], method)(url, body() if body else None, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert row_counts() == before
        assert "detail" in response.json()
    if expected == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")
    if expected == 404:
        # The same answer as for an id that does not exist at all.
        missing = url.replace(f"/{patient.pk}/", "/999999/").replace(
            f"/{procedure.pk}/", "/999999/"
        )
        again = getattr(cast[actor], method)(missing, body() if body else None, format="json")
        assert again.status_code == 404
        assert again.json() == response.json()


def test_refused_patch_changes_nothing(api, patient, procedure, other_clinician):
    api(other_clinician).patch(
        f"/api/v1/patients/{patient.pk}/", {"last_name": "Changed"}, format="json"
    )
    api(patient.user).patch(
        f"/api/v1/procedures/{procedure.pk}/", {"pre_procedure_pain": 1}, format="json"
    )
    patient.refresh_from_db()
    procedure.refresh_from_db()
    assert patient.last_name == "Stone"
    assert procedure.pre_procedure_pain == 8


def test_a_bad_or_expired_token_is_401(patient):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get("/api/v1/me/").status_code == 401

    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "bob@patient.test", "password": "correct-horse-battery-staple"},
        format="json",
    )
    access = response.json()["access"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)):
        assert client.get("/api/v1/me/").status_code == 401


def test_lists_hold_only_rows_in_scope(
    api, patient, other_patient, procedure, clinician, other_clinician
):
    other_procedure = ProcedureFactory(patient=other_patient)
    mine = CheckInFactory(patient=patient)
    theirs = CheckInFactory(patient=other_patient)

    assert ids(api(clinician).get("/api/v1/patients/")) == [patient.pk]
    assert ids(api(other_clinician).get("/api/v1/patients/")) == [other_patient.pk]
    assert ids(api(clinician).get("/api/v1/procedures/")) == [procedure.pk]
    assert ids(api(other_clinician).get("/api/v1/procedures/")) == [other_procedure.pk]
    assert ids(api(patient.user).get("/api/v1/procedures/")) == [procedure.pk]
    assert ids(api(other_patient.user).get("/api/v1/procedures/")) == [other_procedure.pk]
    assert ids(api(patient.user).get("/api/v1/checkins/")) == [str(mine.pk)]
    assert ids(api(other_patient.user).get("/api/v1/checkins/")) == [str(theirs.pk)]
    assert ids(api(clinician).get(f"/api/v1/patients/{patient.pk}/checkins/")) == [str(mine.pk)]
    assert ids(api(clinician).get(f"/api/v1/patients/{patient.pk}/procedures/")) == [procedure.pk]
    # Searching cannot reach across teams either.
    assert ids(api(clinician).get("/api/v1/patients/", {"search": "Dave"})) == []


def test_a_clinician_of_two_teams_sees_both(api, patient, other_patient, team, other_team):
    both = ClinicianFactory(teams=[team, other_team])
    assert sorted(ids(api(both).get("/api/v1/patients/"))) == sorted([patient.pk, other_patient.pk])
    lonely = ClinicianFactory(teams=[CareTeamFactory()])
    assert ids(api(lonely).get("/api/v1/patients/")) == []
    assert api(lonely).get(f"/api/v1/patients/{patient.pk}/").status_code == 404


def test_a_replayed_checkin_id_of_another_patient_is_refused(api, patient, other_patient):
    theirs = CheckInFactory(patient=other_patient, pain_score=2)
    with nothing_created():
        response = api(patient.user).post(
            "/api/v1/checkins/", {"id": str(theirs.pk), "pain_score": 2}, format="json"
        )
    assert response.status_code == 409
    assert "pain_score" not in response.json()


@pytest.mark.parametrize(
    ("method", "path", "actor"),
    [
        ("delete", "/api/v1/patients/{patient}/", "clinician"),
        ("put", "/api/v1/patients/{patient}/", "clinician"),
        ("delete", "/api/v1/procedures/{procedure}/", "clinician"),
        ("put", "/api/v1/procedures/{procedure}/", "clinician"),
        ("delete", "/api/v1/checkins/", "patient"),
        ("patch", "/api/v1/checkins/", "patient"),
        ("get", "/api/v1/patients/{patient}/enrollment-code/", "clinician"),
        ("get", "/api/v1/auth/activate/", "anonymous"),
    ],
)
def test_methods_the_contract_does_not_name_are_405(cast, patient, procedure, method, path, actor):
    url = path.format(patient=patient.pk, procedure=procedure.pk)
    before = row_counts()
    response = getattr(cast[actor], method)(url, {}, format="json")
    assert response.status_code == 405, response.content
    assert row_counts() == before
