"""The request itself: a malformed body, media type, size, query or id is refused with JSON
(400, 415, 413 where API.md says so), never a 500, and changes nothing."""

import json

import pytest

from recovery.models import Patient, Procedure
from tests.api.support import field_errors, nothing_created
from tests.factories import PatientFactory

from .good_bodies import good_patient

WRITES = [
    ("post", "/api/v1/checkins/", "patient"),
    ("post", "/api/v1/patients/", "clinician"),
    ("patch", "/api/v1/patients/{patient}/", "clinician"),
    ("post", "/api/v1/patients/{patient}/procedures/", "clinician"),
    ("patch", "/api/v1/procedures/{procedure}/", "clinician"),
    ("post", "/api/v1/auth/token/", None),
    ("post", "/api/v1/auth/token/refresh/", None),
    ("post", "/api/v1/auth/logout/", None),
    ("post", "/api/v1/auth/activate/", None),
]

BAD_BODIES = [
    ("application/json", b'{"pain_score": 3,', 400),
    ("application/json", b"[1, 2, 3]", 400),
    ("application/json", b'[{"pain_score": 3}]', 400),
    ("application/json", b'"hello"', 400),
    ("application/json", b"null", 400),
    ("application/json", b"", 400),
    ("application/json", b'{"pain_score": NaN, "temperature_c": NaN}', 400),
    ("application/json", b'{"pain_score": 3, "temperature_c": Infinity}', 400),
    ("application/json", b"\xff\xfe{}", 400),
    ("application/json", b"[" * 30000 + b"]" * 30000, 400),
    ("application/json", b'{"a":' * 10000 + b"1" + b"}" * 10000, 400),
    ("text/plain", b'{"pain_score": 3}', 415),
    ("application/x-www-form-urlencoded", b"pain_score=3", 415),
    ("multipart/form-data; boundary=x", b"--x--", 415),
    ("application/json", b'{"notes": "' + b"x" * (64 * 1024) + b'"}', 413),
]


@pytest.mark.parametrize(("method", "path", "role"), WRITES)
@pytest.mark.parametrize(("content_type", "raw", "expected"), BAD_BODIES)
def test_malformed_requests_are_refused_with_json(
    api, patient, procedure, clinician, method, path, role, content_type, raw, expected
):
    client = api({"patient": patient.user, "clinician": clinician, None: None}[role])
    url = path.format(patient=patient.pk, procedure=procedure.pk)
    if method == "patch" and raw == b"":
        expected = 200  # DRF reads an empty body as {}: a PATCH that changes nothing
    before_patient = Patient.objects.values().get(pk=patient.pk)
    before_procedure = Procedure.objects.values().get(pk=procedure.pk)
    with nothing_created():
        response = client.generic(method.upper(), url, raw, content_type=content_type)
    assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)
    assert Patient.objects.values().get(pk=patient.pk) == before_patient
    after_procedure = Procedure.objects.values().get(pk=procedure.pk)
    if expected == 200:  # the empty PATCH saved the row unchanged
        del before_procedure["updated_at"], after_procedure["updated_at"]
    assert after_procedure == before_procedure


def test_a_body_just_under_the_limit_is_read(api, patient):
    body = json.dumps({"pain_score": 3, "notes": "y" * 2000, "pad": "z" * 60000}).encode()
    assert len(body) < 64 * 1024
    response = api(patient.user).generic(
        "POST", "/api/v1/checkins/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_an_unknown_ordering_is_a_400(api, clinician, patient):
    response = api(clinician).get("/api/v1/patients/", {"ordering": "password"})
    assert "ordering" in field_errors(response)


@pytest.mark.parametrize(
    "query",
    [
        {"page": "0"},
        {"page": "abc"},
        {"page": "99"},
        {"page_size": "-1"},
        {"page_size": "abc"},
        {"page_size": "100000"},
        {"search": "\x00"},
        {"search": "x" * 5000},
    ],
)
def test_odd_list_queries_never_500(api, clinician, patient, query):
    for path in ("/api/v1/patients/", "/api/v1/procedures/"):
        response = api(clinician).get(path, query)
        assert response.status_code in (200, 400, 404), (path, query, response.content)
        assert response.json()


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/patients/", "search=a%00b", "search"),
        ("/api/v1/patients/", "ordering=risk%00", "ordering"),
        ("/api/v1/procedures/", "page=1%00", "page"),
        ("/health/", "x%00=1", "x"),
    ],
)
def test_a_nul_in_the_query_string_is_a_400_naming_it(api, clinician, patient, path, query, field):
    # PostgreSQL refuses NUL in any text value, so it must be stopped before a query is built.
    response = api(clinician).get(f"{path}?{query}")
    assert response.status_code == 400, response.content
    assert response.json() == {field: ["Null characters are not allowed."]}


def test_page_size_is_capped_at_200(api, clinician, team):
    PatientFactory.create_batch(201, team=team)
    response = api(clinician).get("/api/v1/patients/", {"page_size": 500})
    assert response.json()["count"] == 201
    assert len(response.json()["results"]) == 200
    response = api(clinician).get("/api/v1/patients/", {"page_size": 3})
    assert len(response.json()["results"]) == 3
    assert response.json()["next"]


def test_ids_beyond_bigint_are_not_found(api, clinician, patient):
    huge = 10**20
    client = api(clinician)
    assert client.get(f"/api/v1/patients/{huge}/").status_code == 404
    assert client.get(f"/api/v1/procedures/{huge}/").status_code == 404
    assert client.get(f"/api/v1/patients/{huge}/checkins/").status_code == 404
    with nothing_created():
        response = client.post("/api/v1/patients/", good_patient(team=huge), format="json")
    assert "team" in field_errors(response)


def test_a_content_length_that_is_not_a_number_is_a_400(api, patient):
    with nothing_created():
        response = api(patient.user).generic(
            "POST",
            "/api/v1/checkins/",
            b'{"pain_score": 3}',
            content_type="application/json",
            CONTENT_LENGTH="abc",
        )
    assert response.status_code == 400
    assert response.json()["detail"]
