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


# Fast clocks for a real worker: the dispatcher every second, the outbox's sweeper every second
# with a 3-second lease, 1-second backoff base, and enough attempts to outlast a short outage.
FAST_REMINDERS = {
    "REMINDER_DISPATCH_SECONDS": "1",
    "OUTBOX_SWEEP_SECONDS": "1",
    "OUTBOX_SENDING_LEASE_SECONDS": "3",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "OUTBOX_MAX_ATTEMPTS": "8",
}


@pytest.fixture
def start_worker(transactional_db):
    """start_worker(smtp_port, name=..., concurrency=..., extra_env=...) -> a real Celery
    worker with beat (tests/support/worker.py) on the reminder fast clocks; all are stopped
    at the end."""
    import os

    from tests.support.worker import Worker, purge_broker, require_services

    require_services()
    broker = os.environ["CELERY_BROKER_URL"]
    purge_broker(broker)
    started = []

    def _start(smtp_port: int, *, extra_env: dict | None = None, **options):
        worker = Worker(
            smtp_port=smtp_port,
            broker_url=broker,
            extra_env={**FAST_REMINDERS, **(extra_env or {})},
            **options,
        )
        started.append(worker)
        return worker.start()

    yield _start
    for worker in started:
        worker.stop()
    purge_broker(broker)
