"""Who may use which endpoint, as the patient's caregivers see it (API.md "Caregivers"): the
matrix of tests/api/scope_matrix.py for three more actors, and the caregivers' own endpoints."""

import pytest

from tests.api.support import row_counts
from tests.factories import CheckInFactory

from .scope_matrix import ACTORS, MATRIX, ids

# Three more actors: the patient's caregiver, the other patient's caregiver, and a caregiver
# of the patient whose link was revoked (a token that once saw the patient: 404s and empty
# lists from then on, never data).

CAREGIVER_ACTORS = ["caregiver", "other_caregiver", "revoked_caregiver"]

# Every row of MATRIX as the three caregivers see it.
CAREGIVER_STATUSES = {
    ("get", "/api/v1/me/"): [200, 200, 200],
    ("post", "/api/v1/me/mfa/"): [403, 403, 403],
    ("post", "/api/v1/patients/{patient}/discharge/"): [403, 403, 403],
    ("get", "/api/v1/me/export/"): [403, 403, 403],
    ("get", "/api/v1/patients/{patient}/bone-health/"): [403, 403, 403],
    ("patch", "/api/v1/patients/{patient}/bone-health/"): [403, 403, 403],
    ("get", "/api/v1/patients/{patient}/bone-health/letter/"): [403, 403, 403],
    ("get", "/api/v1/bone-health/worklist/"): [403, 403, 403],
    ("get", "/api/v1/bone-health/indicators/?from=2026-01-01&to=2027-01-01"): [403, 403, 403],
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
