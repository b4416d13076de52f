import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recovery.services import procedure_record
from tests.factories import PatientFactory

NY = ZoneInfo("America/New_York")


def procedure_data(**overrides) -> dict:
    data = {
        "procedure_type": "kyphoplasty",
        "performed_on": dt.date(2026, 2, 20),
        "vertebral_levels": ["L1"],
        "cause": "trauma",
        "pre_procedure_pain": 8,
    }
    return {**data, **overrides}


@pytest.fixture
def ny_patient(team):
    return PatientFactory(
        team=team,
        first_name="Rosa",
        last_name="Diaz",
        user__email="rosa@patient.test",
        timezone="America/New_York",
        reminder_hour=9,
    )


@pytest.fixture
def record():
    """record(patient, at=<aware datetime>, **fields) -> a procedure recorded through the
    service at that moment (the plan is built in the same transaction)."""

    def _record(patient, *, at=None, **fields):
        at = at or dt.datetime(2026, 2, 20, 15, 0, tzinfo=NY)
        with time_machine.travel(at, tick=False):
            return procedure_record(patient=patient, data=procedure_data(**fields))

    return _record
