"""`_since` with an offset PostgreSQL cannot store (beyond ±15:59) was a 500 (found by the
fuzzer): the instant is converted to UTC before it reaches a query."""

from datetime import UTC, datetime

from interop.views import parse_since
from tests.interop.test_everything import everything_url


def test_parse_since_answers_the_same_instant_in_utc():
    parsed = parse_since("0404-06-17T16:14:22-16:06")
    assert parsed.tzinfo is UTC
    assert parsed == datetime(404, 6, 18, 8, 20, 22, tzinfo=UTC)


def test_a_far_offset_is_a_200_not_a_database_error(api, clinician, patient):
    response = api(clinician).get(everything_url(patient.pk, _since="0404-06-17T16:14:22-16:06"))
    assert response.status_code == 200, response.content
    assert response.json()["resourceType"] == "Bundle"


def test_an_instant_before_year_one_in_utc_is_a_400(api, clinician, patient):
    response = api(clinician).get(everything_url(patient.pk, _since="0001-01-01T00:00:00+15:00"))
    assert response.status_code == 400, response.content
    assert "out of range" in response.content.decode()
