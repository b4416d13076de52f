"""The scope tests' matrix (tests/api/test_scope*.py): every endpoint, method and actor of
API.md with the status that actor gets."""

import datetime as dt

import pytest
from django.utils import timezone

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
    (
        "post",
        "/api/v1/patients/{patient}/discharge/",
        lambda: {"reason": "recovered"},
        [401, 403, 403, 200, 404],
    ),
    ("get", "/api/v1/me/export/", None, [401, 200, 200, 403, 403]),
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
    # Bone health (bonehealth/): clinicians only.
    ("get", "/api/v1/patients/{patient}/bone-health/", None, [401, 403, 403, 200, 404]),
    (
        "patch",
        "/api/v1/patients/{patient}/bone-health/",
        lambda: {"gp_name": "Dr Lee"},
        [401, 403, 403, 200, 404],
    ),
    ("get", "/api/v1/patients/{patient}/bone-health/letter/", None, [401, 403, 403, 200, 404]),
    ("get", "/api/v1/bone-health/worklist/", None, [401, 403, 403, 200, 200]),
    (
        "get",
        "/api/v1/bone-health/indicators/?from=2026-01-01&to=2027-01-01",
        None,
        [401, 403, 403, 200, 200],
    ),
]

CASES = [
    pytest.param(method, path, body, actor, statuses[i], id=f"{method} {path} as {actor}")
    for method, path, body, statuses in MATRIX
    for i, actor in enumerate(ACTORS)
]


def ids(response) -> list:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]
