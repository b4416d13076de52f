"""Helpers for the alert tests: record a check-in through the service, list what fired."""

import datetime as dt

import pytest

from recovery import services
from tests.factories import ClinicianFactory


def record(patient, *, at, pain, temp=None, symptoms=(), checkin_id=None):
    """Store a check-in through checkin_record (the code path of POST /api/v1/checkins/)."""
    data = {"recorded_at": at, "pain_score": pain, "symptoms": list(symptoms)}
    if temp is not None:
        data["temperature_c"] = temp
    if checkin_id is not None:
        data["id"] = checkin_id
    return services.checkin_record(patient=patient, data=data)


def fired(result) -> set[str]:
    return {alert.rule for alert in result.alerts}


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def second_clinician(team):
    return ClinicianFactory(email="erin@clinic.test", teams=[team])
