"""Who may use which endpoint: one matrix over (endpoint, method, actor) -> status.

Anonymous callers get 401, the wrong role 403, and anything outside the caller's care a 404
(never revealing that it exists), like pretix's src/tests/api/test_permissions.py.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.support import nothing_created, row_counts
from tests.factories import CareTeamFactory, CheckInFactory, ClinicianFactory, ProcedureFactory

ACTORS = ["anonymous", "patient", "other_patient", "clinician", "other_clinician"]


def new_patient_body():
    return {
        "email": "new.patient@patient.test",
        "first_name": "Nina",
        "last_name": "New",
        "date_of_birth": "1948-02-03",
    }


def procedure_body():
    return {
        "procedure_type": "vertebroplasty",
        "performed_on": (timezone.now().date() - dt.timedelta(days=2)).isoformat(),
        "vertebral_levels": ["T12"],
        "cause": "osteoporosis",
        "pre_procedure_pain": 8,
    }


# (method, path template, body factory, {actor: status}). {patient} and {procedure} are the
# team's patient and their procedure; the other team's clinician and the other patient must
# not learn they exist.
MATRIX = [
    ("get", "/api/v1/me/", None, [401, 200, 200, 200, 200]),
    ("post", "/api/v1/me/mfa/", None, [401, 403, 403, 201, 201]),
    ("get", "/api/v1/patients/", None, [401, 403, 403, 200, 200]),
    ("post", "/api/v1/patients/", new_patient_body, [401, 403, 403, 201, 201]),
    ("get", "/api/v1/patients/{patient}/", None, [401, 403, 403, 200, 404]),
    (
        "patch",
        "/api/v1/patients/{patient}/",
        lambda: {"reminder_hour": 8},
        [401, 403, 403, 200, 404],
    ),
    ("post", "/api/v1/patients/{patient}/enrollment-code/", None, [401, 403, 403, 201, 404]),
    ("get", "/api/v1/patients/{patient}/procedures/", None, [401, 403, 403, 200, 404]),
    ("post", "/api/v1/patients/{patient}/procedures/", procedure_body, [401, 403, 403, 201, 404]),
    ("get", "/api/v1/patients/{patient}/checkins/", None, [401, 403, 403, 200, 404]),
    ("get", "/api/v1/procedures/", None, [401, 200, 200, 200, 200]),
    ("get", "/api/v1/procedures/{procedure}/", None, [401, 200, 404, 200, 404]),
    (
        "patch",
        "/api/v1/procedures/{procedure}/",
        lambda: {"pre_procedure_pain": 7},
        [401, 403, 403, 200, 404],
    ),
    ("get", "/api/v1/checkins/", None, [401, 200, 200, 403, 403]),
    ("post", "/api/v1/checkins/", lambda: {"pain_score": 4}, [401, 201, 201, 403, 403]),
]

CASES = [
    pytest.param(method, path, body, actor, statuses[i], id=f"{method} {path} as {actor}")
    for method, path, body, statuses in MATRIX
    for i, actor in enumerate(ACTORS)
]


@pytest.fixture
def cast(api, patient, other_patient, clinician, other_clinician, procedure):
    CheckInFactory(patient=patient)
    ProcedureFactory(patient=other_patient)
    CheckInFactory(patient=other_patient)
    users = {
        "anonymous": None,
        "patient": patient.user,
        "other_patient": other_patient.user,
        "clinician": clinician,
        "other_clinician": other_clinician,
    }
    return {name: api(user) for name, user in users.items()}


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


def ids(response) -> list:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


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


# --- Caregivers (API.md "Caregivers") ------------------------------------------------------
#
# Three more actors: the patient's caregiver, the other patient's caregiver, and a caregiver
# of the patient whose link was revoked (a token that once saw the patient: 404s and empty
# lists from then on, never data).

CAREGIVER_ACTORS = ["caregiver", "other_caregiver", "revoked_caregiver"]

# Every row of MATRIX as the three caregivers see it.
CAREGIVER_STATUSES = {
    ("get", "/api/v1/me/"): [200, 200, 200],
    # A second factor is for clinicians only (accounts/, merged alongside).
    ("post", "/api/v1/me/mfa/"): [403, 403, 403],
    ("get", "/api/v1/patients/"): [403, 403, 403],
    ("post", "/api/v1/patients/"): [403, 403, 403],
    ("get", "/api/v1/patients/{patient}/"): [403, 403, 403],
    ("patch", "/api/v1/patients/{patient}/"): [403, 403, 403],
    ("post", "/api/v1/patients/{patient}/enrollment-code/"): [403, 403, 403],
    ("get", "/api/v1/patients/{patient}/procedures/"): [403, 403, 403],
    ("post", "/api/v1/patients/{patient}/procedures/"): [403, 403, 403],
    ("get", "/api/v1/patients/{patient}/checkins/"): [403, 403, 403],
    ("get", "/api/v1/procedures/"): [403, 403, 403],
    ("get", "/api/v1/procedures/{procedure}/"): [403, 403, 403],
    ("patch", "/api/v1/procedures/{procedure}/"): [403, 403, 403],
    ("get", "/api/v1/checkins/"): [200, 200, 200],
    # The revoked caregiver names no patient they still help: a field error on `patient`.
    ("post", "/api/v1/checkins/"): [201, 201, 400],
}


def invitation_body():
    return {"email": "helper@care.test", "name": "Hal Helper", "relationship": "neighbour"}


# New endpoints, for all eight actors (ACTORS, then CAREGIVER_ACTORS). {link} is the link of
# the patient's caregiver.
CAREGIVER_MATRIX = [
    ("get", "/api/v1/me/caregivers/", None, [401, 200, 200, 403, 403, 403, 403, 403]),
    ("post", "/api/v1/me/caregivers/", invitation_body, [401, 201, 201, 403, 403, 403, 403, 403]),
    (
        "patch",
        "/api/v1/me/caregivers/{link}/",
        lambda: {"receives_reminders": True},
        [401, 200, 404, 403, 403, 403, 403, 403],
    ),
    ("delete", "/api/v1/me/caregivers/{link}/", None, [401, 204, 404, 403, 403, 403, 403, 403]),
    (
        "get",
        "/api/v1/patients/{patient}/caregivers/",
        None,
        [401, 403, 403, 200, 404, 403, 403, 403],
    ),
    (
        "post",
        "/api/v1/patients/{patient}/caregivers/",
        invitation_body,
        [401, 403, 403, 201, 404, 403, 403, 403],
    ),
    (
        "delete",
        "/api/v1/patients/{patient}/caregivers/{link}/",
        None,
        [401, 403, 403, 204, 404, 403, 403, 403],
    ),
    ("get", "/api/v1/plan/", None, [401, 200, 200, 403, 403, 200, 200, 404]),
    ("get", "/api/v1/plan/?patient={patient}", None, [401, 200, 404, 403, 403, 200, 404, 404]),
    ("post", "/api/v1/plan/calendar-url/", None, [401, 200, 200, 403, 403, 403, 403, 403]),
    ("get", "/api/v1/checkins/?patient={patient}", None, [401, 200, 200, 403, 403, 200, 200, 200]),
    (
        "get",
        "/api/v1/patients/{patient}/reminders/",
        None,
        [401, 403, 403, 200, 404, 403, 403, 403],
    ),
    ("get", "/api/v1/me/access-log/", None, [401, 200, 200, 403, 403, 403, 403, 403]),
    ("get", "/api/v1/alerts/", None, [401, 403, 403, 200, 200, 403, 403, 403]),
    ("get", "/api/v1/dashboard/", None, [401, 403, 403, 200, 200, 403, 403, 403]),
]

CAREGIVER_CASES = [
    pytest.param(
        method,
        path,
        body,
        actor,
        CAREGIVER_STATUSES[(method, path)][i],
        id=f"{method} {path} as {actor}",
    )
    for method, path, body, _ in MATRIX
    for i, actor in enumerate(CAREGIVER_ACTORS)
] + [
    pytest.param(method, path, body, actor, statuses[i], id=f"{method} {path} as {actor}")
    for method, path, body, statuses in CAREGIVER_MATRIX
    for i, actor in enumerate(ACTORS + CAREGIVER_ACTORS)
]


def test_every_endpoint_of_the_matrix_says_what_caregivers_get():
    assert {(method, path) for method, path, _, _ in MATRIX} == set(CAREGIVER_STATUSES)


@pytest.fixture
def caregiver_cast(cast, api, caregiver, other_caregiver, patient):
    from tests.factories import CaregiverFactory, CareLinkFactory

    revoked = CaregiverFactory(email="rex@care.test")
    CareLinkFactory(patient=patient, caregiver=revoked, status="revoked")
    users = {
        "caregiver": caregiver,
        "other_caregiver": other_caregiver,
        "revoked_caregiver": revoked,
    }
    return {**cast, **{name: api(user) for name, user in users.items()}}


def links_state() -> list:
    from caregivers.models import CareLink

    return list(CareLink.objects.order_by("id").values_list("id", "status", "receives_reminders"))


def shows_data(body) -> bool:
    """Whether a 200 carries anything of a patient: a non-empty list, or an object."""
    if isinstance(body, dict) and "results" in body:
        return bool(body["results"])
    return True


@pytest.mark.parametrize(("method", "path", "body", "actor", "expected"), CAREGIVER_CASES)
def test_caregiver_scope_matrix(
    caregiver_cast, patient, procedure, link, method, path, body, actor, expected
):
    url = path.format(patient=patient.pk, procedure=procedure.pk, link=link.pk)
    before = (row_counts(), links_state())
    response = getattr(caregiver_cast[actor], method)(url, body() if body else None, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert (row_counts(), links_state()) == before
    if expected == 400:
        assert list(response.json()) == ["patient"]
    elif expected >= 401:
        assert "detail" in response.json()
    if expected == 404:
        missing = url.replace(f"/{patient.pk}/", "/999999/").replace(f"/{link.pk}/", "/999999/")
        missing = missing.replace(f"patient={patient.pk}", "patient=999999")
        again = getattr(caregiver_cast[actor], method)(
            missing, body() if body else None, format="json"
        )
        assert again.status_code == 404
        assert again.json() == response.json()
    if actor == "revoked_caregiver" and expected == 200 and "checkins" in url:
        assert not shows_data(response.json())  # never data


def test_a_caregiver_sees_only_the_checkins_of_their_own_patient(
    api, patient, other_patient, caregiver, other_caregiver
):
    mine = CheckInFactory(patient=patient)
    theirs = CheckInFactory(patient=other_patient)
    assert ids(api(caregiver).get("/api/v1/checkins/")) == [str(mine.pk)]
    assert ids(api(other_caregiver).get("/api/v1/checkins/")) == [str(theirs.pk)]
    assert ids(api(caregiver).get("/api/v1/checkins/", {"patient": other_patient.pk})) == []


def test_caregivers_get_403_on_the_fhir_export(api, patient, caregiver, other_caregiver):
    for user in (caregiver, other_caregiver):
        response = api(user).get(f"/fhir/Patient/{patient.pk}/$everything")
        assert response.status_code == 403
