"""Every bad check-in API.md names is a 400 naming the field, never a 500, and changes
nothing; recorded_at is bounded by enrolment and by the clock."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from recovery.models import CheckIn, Patient
from tests.api.support import field_errors, nothing_created

from .good_bodies import NOW, iso

BAD_CHECKINS = [
    ({"pain_score": "7"}, "pain_score"),
    ({"pain_score": 7.5}, "pain_score"),
    ({"pain_score": 7.0}, "pain_score"),
    ({"pain_score": True}, "pain_score"),
    ({"pain_score": None}, "pain_score"),
    ({"pain_score": [7]}, "pain_score"),
    ({"pain_score": -1}, "pain_score"),
    ({"pain_score": 11}, "pain_score"),
    ({"pain_score": 10**30}, "pain_score"),
    ({}, "pain_score"),
    ({"pain_score": 3, "temperature_c": "37.2"}, "temperature_c"),
    ({"pain_score": 3, "temperature_c": True}, "temperature_c"),
    ({"pain_score": 3, "temperature_c": 33.9}, "temperature_c"),
    ({"pain_score": 3, "temperature_c": 43.1}, "temperature_c"),
    ({"pain_score": 3, "temperature_c": 10**400}, "temperature_c"),
    ({"pain_score": 3, "symptoms": ["fever", "headache"]}, "symptoms"),
    ({"pain_score": 3, "symptoms": "fever"}, "symptoms"),
    ({"pain_score": 3, "symptoms": [True]}, "symptoms"),
    ({"pain_score": 3, "symptoms": None}, "symptoms"),
    ({"pain_score": 3, "symptoms": {"fever": True}}, "symptoms"),
    ({"pain_score": 3, "notes": "x" * 2001}, "notes"),
    ({"pain_score": 3, "notes": 5}, "notes"),
    ({"pain_score": 3, "notes": None}, "notes"),
    ({"pain_score": 3, "notes": "a\x00b"}, "notes"),
    ({"pain_score": 3, "id": "not-a-uuid"}, "id"),
    ({"pain_score": 3, "id": 12345}, "id"),
    ({"pain_score": 3, "recorded_at": "2026-03-10T11:00:00"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": "2026-03-10"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": "yesterday"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": 1773140400}, "recorded_at"),
    (
        {"pain_score": 3, "recorded_at": iso(NOW + dt.timedelta(minutes=5, seconds=1))},
        "recorded_at",
    ),
    ({"pain_score": 3, "recorded_at": "2026-03-10T13:06:00+01:00"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": "0001-01-01T00:00:00+14:00"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": "9999-12-31T23:59:59-14:00"}, "recorded_at"),
]


@pytest.fixture
def enrolled(patient):
    """The patient enrolled ten days before NOW."""
    Patient.objects.filter(pk=patient.pk).update(enrolled_at=NOW - dt.timedelta(days=10))
    patient.refresh_from_db()
    return patient


@pytest.mark.parametrize(("body", "field"), BAD_CHECKINS, ids=[repr(b) for b, _ in BAD_CHECKINS])
def test_bad_checkin_is_a_400_naming_the_field(api, enrolled, body, field):
    with time_machine.travel(NOW, tick=False), nothing_created():
        response = api(enrolled.user).post("/api/v1/checkins/", body, format="json")
    assert field in field_errors(response)


def test_recorded_at_before_enrolment_minus_one_day_is_refused(api, enrolled):
    too_early = enrolled.enrolled_at - dt.timedelta(days=1, seconds=1)
    with time_machine.travel(NOW, tick=False):
        client = api(enrolled.user)
        with nothing_created():
            response = client.post(
                "/api/v1/checkins/", {"pain_score": 3, "recorded_at": iso(too_early)}, format="json"
            )
        assert "recorded_at" in field_errors(response)
        just_in = enrolled.enrolled_at - dt.timedelta(days=1)
        response = client.post(
            "/api/v1/checkins/", {"pain_score": 3, "recorded_at": iso(just_in)}, format="json"
        )
    assert response.status_code == 201, response.content


def test_recorded_at_up_to_five_minutes_ahead_is_accepted(api, enrolled):
    with time_machine.travel(NOW, tick=False):
        response = api(enrolled.user).post(
            "/api/v1/checkins/",
            {"pain_score": 3, "recorded_at": "2026-03-10T13:05:00+01:00"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_at"] == "2026-03-10T12:05:00Z"
    assert CheckIn.objects.get().recorded_at == NOW + dt.timedelta(minutes=5)


def test_good_checkin_at_the_edges_is_accepted(api, enrolled):
    body = {
        "pain_score": 10,
        "temperature_c": 43,
        "symptoms": ["leg_numbness", "leg_numbness"],
        "notes": "x" * 2000,
    }
    response = api(enrolled.user).post("/api/v1/checkins/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["temperature_c"] == 43.0
    assert response.json()["symptoms"] == ["leg_numbness"]
    body = {"pain_score": 0, "temperature_c": 34.0, "symptoms": []}
    assert api(enrolled.user).post("/api/v1/checkins/", body, format="json").status_code == 201


def test_timestamps_in_answers_carry_an_offset(api, enrolled):
    response = api(enrolled.user).post("/api/v1/checkins/", {"pain_score": 3}, format="json")
    recorded = dt.datetime.fromisoformat(response.json()["recorded_at"])
    assert recorded.utcoffset() == dt.timedelta(0)
    assert abs(recorded - timezone.now()) < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-10T10:00:00+25:00",
        "2026-02-30T10:00:00Z",
        "2026-03-10T25:00:00Z",
        "2026-03-10 10:00:00+01:00 extra",
        "+2026-03-10T10:00:00Z",
    ],
)
def test_impossible_recorded_at_is_a_400(api, enrolled, value):
    with time_machine.travel(NOW, tick=False), nothing_created():
        response = api(enrolled.user).post(
            "/api/v1/checkins/", {"pain_score": 3, "recorded_at": value}, format="json"
        )
    assert "recorded_at" in field_errors(response)
