"""Structured logs with a request id, and never health data in them."""

import json
import logging
import uuid

import pytest

from lib.logging import JsonLogFormatter, RequestIdFilter


class Capture(logging.Handler):
    """The production pipeline (request-id filter, JSON formatter) into a list."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonLogFormatter())

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    handler = Capture()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(previous)


def test_every_line_is_json_with_the_request_id(api, patient, log_lines):
    response = api(patient.user).get("/api/v1/checkins/", HTTP_X_REQUEST_ID="trace-abc-123")

    assert response["X-Request-ID"] == "trace-abc-123"
    records = [json.loads(line) for line in log_lines]
    access = [r for r in records if r["name"] == "tracker.access"]
    assert access, log_lines
    assert access[0]["request_id"] == "trace-abc-123"
    assert access[0]["route"] == "checkin-list"
    assert access[0]["status"] == 200
    assert {"time", "level", "message"} <= access[0].keys()


def test_a_request_id_is_made_when_missing_or_unfit(client, db):
    made = client.get("/health/")["X-Request-ID"]
    assert uuid.UUID(made)
    forged = client.get("/health/", HTTP_X_REQUEST_ID='x" injected\nlevel=ERROR')
    assert forged["X-Request-ID"] != 'x" injected\nlevel=ERROR'
    assert uuid.UUID(forged["X-Request-ID"])


def test_django_error_lines_carry_the_request_id_too(api, patient, log_lines):
    api(patient.user).post(
        "/api/v1/checkins/", {"pain_score": "7"}, format="json", HTTP_X_REQUEST_ID="bad-req-0001"
    )
    bad = [json.loads(line) for line in log_lines if "Bad Request" in line]
    assert bad and bad[0]["request_id"] == "bad-req-0001"


def test_no_health_data_reaches_the_logs(api, patient, clinician, procedure, log_lines):
    note = "secret-note-" + uuid.uuid4().hex
    client = api(patient.user)
    stored = client.post(
        "/api/v1/checkins/",
        {
            "pain_score": 9,
            "temperature_c": 39.47,  # two decimals: a duration_ms (one decimal) never matches it
            "symptoms": ["chest_pain", "leg_numbness", "bowel_bladder_change"],
            "notes": note,
        },
        format="json",
    )
    assert stored.status_code == 201, stored.content
    refused = client.post(
        "/api/v1/checkins/",
        {"pain_score": 11, "symptoms": ["shortness_of_breath"], "notes": note},
        format="json",
    )
    assert refused.status_code == 400
    listed = api(clinician).get("/api/v1/patients/", {"search": patient.last_name})
    assert listed.status_code == 200

    text = "\n".join(log_lines)
    assert log_lines
    for secret in (
        note,
        "chest_pain",
        "leg_numbness",
        "bowel_bladder_change",
        "shortness_of_breath",
        "39.47",
        patient.last_name,
        patient.first_name,
        patient.user.email,
    ):
        assert secret not in text, secret
