"""No input, however malformed, produces a 500: arbitrary JSON into every field of every
write endpoint, and arbitrary query strings into the lists (hypothesis)."""

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CheckInFactory

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.integers().map(lambda n: n * 10**300)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(
        ["fever", "L1", "UTC", "2026-03-10", "2026-03-10T10:00:00+01:00", "kyphoplasty", ""]
    )
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)

FIELDS = {
    "checkin": ["id", "recorded_at", "pain_score", "temperature_c", "symptoms", "notes"],
    "patient": [
        "email",
        "first_name",
        "last_name",
        "date_of_birth",
        "timezone",
        "reminder_hour",
        "has_osteoporosis",
        "team",
    ],
    "procedure": [
        "procedure_type",
        "performed_on",
        "vertebral_levels",
        "cause",
        "pre_procedure_pain",
        "height_loss_percent",
        "fracture_date",
        "lifting_restriction_days",
    ],
    "auth": ["email", "password", "refresh", "code"],
}

WRITES = [
    ("post", "/api/v1/checkins/", "patient", "checkin"),
    ("post", "/api/v1/patients/", "clinician", "patient"),
    ("patch", "/api/v1/patients/{patient}/", "clinician", "patient"),
    ("post", "/api/v1/patients/{patient}/procedures/", "clinician", "procedure"),
    ("patch", "/api/v1/procedures/{procedure}/", "clinician", "procedure"),
    ("post", "/api/v1/auth/token/", None, "auth"),
    ("post", "/api/v1/auth/token/refresh/", None, "auth"),
    ("post", "/api/v1/auth/logout/", None, "auth"),
    ("post", "/api/v1/auth/activate/", None, "auth"),
]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    # Fuzzing hunts 500s, not abuse limits: 40 check-ins in a row from one patient would
    # meet the check-in throttle (tests/trust/test_abuse_limits.py covers it) and answer 429.
    settings.THROTTLE_RATES = {scope: "100000/min" for scope in settings.THROTTLE_RATES}


def bodies(kind):
    fields = FIELDS[kind]
    return st.dictionaries(st.sampled_from(fields), JSON_VALUES, max_size=len(fields)) | JSON_VALUES


def assert_handled(response):
    assert response.status_code < 500, response.content
    if response.status_code != 204:
        assert response["Content-Type"].startswith("application/json"), response.content
        json.loads(response.content)


@pytest.mark.parametrize(("method", "path", "role", "kind"), WRITES)
def test_no_body_is_a_500(api, patient, procedure, clinician, method, path, role, kind):
    client = api({"patient": patient.user, "clinician": clinician, None: None}[role])
    url = path.format(patient=patient.pk, procedure=procedure.pk)

    @FUZZ
    @given(body=bodies(kind))
    def run(body):
        raw = json.dumps(body).encode()
        assert_handled(client.generic(method.upper(), url, raw, content_type="application/json"))

    run()


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {"pain_score": st.integers(0, 10)},
        optional={"temperature_c": JSON_SCALARS, "symptoms": JSON_VALUES, "notes": JSON_SCALARS},
    )
)
def test_no_replay_is_a_500(api, patient, body):
    # A stored check-in replayed with arbitrary changes: a 200 or a 409, or a 400.
    checkin = CheckInFactory(patient=patient, pain_score=4)
    response = api(patient.user).post(
        "/api/v1/checkins/", {**body, "id": str(checkin.pk)}, format="json"
    )
    assert_handled(response)
    assert response.status_code in (200, 400, 409)


QUERY_KEYS = ["search", "ordering", "page", "page_size", "format"]


@FUZZ
@given(
    query=st.dictionaries(st.sampled_from(QUERY_KEYS), st.text(max_size=30), max_size=5),
    path=st.sampled_from(
        [
            "/api/v1/patients/",
            "/api/v1/procedures/",
            "/api/v1/patients/{patient}/checkins/",
            "/api/v1/patients/{patient}/procedures/",
        ]
    ),
)
def test_no_list_query_is_a_500(api, clinician, patient, query, path):
    assert_handled(api(clinician).get(path.format(patient=patient.pk), query))


@FUZZ
@given(
    segment=st.text(min_size=1, max_size=30) | st.integers().map(str) | st.just(str(uuid.uuid4()))
)
def test_no_path_id_is_a_500(api, clinician, segment):
    for template in ("/api/v1/patients/{}/", "/api/v1/procedures/{}/"):
        response = api(clinician).get(template.format(segment))
        assert response.status_code < 500, (segment, response.content)
