import datetime as dt

import pytest
import time_machine

from tests.dashboard.conftest import browser_client  # noqa: F401 (a fixture, shared)
from tests.factories import PatientFactory, ProcedureFactory

# Every test here runs on a fixed clock: noon UTC on TODAY, and the patients are in UTC.
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def on_pathway(team):
    """make(days_ago, **procedure fields) -> a patient of the team whose osteoporotic
    fracture's index date was `days_ago` days before TODAY."""

    def make(days_ago: int, *, patient=None, **procedure):
        patient = patient or PatientFactory(team=team)
        performed_on = TODAY - dt.timedelta(days=days_ago)
        ProcedureFactory(patient=patient, performed_on=performed_on, **procedure)
        return patient

    return make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The factories set a real password on every account; hash strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
