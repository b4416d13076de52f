"""Bulk planning at scale: 10,000 procedures write every reminder in one bulk pass.

The < 10 s target is measured by bench/run (bench/RESULTS.md), not by a timed test here.
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from recovery.models import Procedure
from reminders.models import Reminder
from reminders.planning import plans_create
from tests.factories import PatientFactory, ProcedureFactory

pytestmark = pytest.mark.e2e

UTC = dt.UTC


def test_ten_thousand_procedures_plan_every_reminder_in_one_bulk_pass(transactional_db):
    # The production database path: plans_create writes new plans with PostgreSQL's COPY.
    assert connection.vendor == "postgresql", "run through scripts/test (PostgreSQL)"
    patients = PatientFactory.create_batch(10, timezone="America/New_York")
    procedures = [
        ProcedureFactory.build(
            patient=patients[i % 10], cause="osteoporosis" if i % 2 else "trauma"
        )
        for i in range(10_000)
    ]
    Procedure.objects.bulk_create(procedures, batch_size=2000)
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=UTC), tick=True):
        written = plans_create(procedures=procedures)
    assert written == 5_000 * 35 + 5_000 * 51
    assert Reminder.objects.count() == written
