"""End to end on PostgreSQL, Redis and a real worker with beat: the daily denosumab_overdue
rule opens its alert from beat's schedule, once (tests/bonehealth has the rule's arithmetic)."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from bonehealth.models import BoneHealthRecord
from outbox.models import PipelineHeartbeat
from recovery.models import Alert
from tests.factories import ProcedureFactory
from tests.support.worker import Worker, purge_broker, require_services, wait_until

pytestmark = pytest.mark.e2e


def test_beat_runs_denosumab_overdue_and_opens_one_warning(transactional_db, patient, smtp_server):
    require_services()
    today = timezone.now().date()
    ProcedureFactory(patient=patient, performed_on=today - dt.timedelta(days=400))
    BoneHealthRecord.objects.create(
        patient=patient, treatment="denosumab", last_dose_on=today - dt.timedelta(days=230)
    )
    broker = os.environ["CELERY_BROKER_URL"]
    purge_broker(broker)
    worker = Worker(
        smtp_port=smtp_server.port,
        broker_url=broker,
        extra_env={"DENOSUMAB_OVERDUE_SWEEP_SECONDS": "1"},
    ).start()
    try:
        assert wait_until(lambda: Alert.objects.filter(rule="denosumab_overdue").exists()), (
            worker.log.read_text()[-3000:]
        )
        # Beat keeps running it every second: still one alert, counted once today.
        assert wait_until(
            lambda: PipelineHeartbeat.objects.filter(
                name="denosumab-overdue", ticked_at__gt=timezone.now() - dt.timedelta(seconds=1)
            ).exists()
        )
    finally:
        worker.stop()
        purge_broker(broker)
    alert = Alert.objects.get(rule="denosumab_overdue")
    assert (alert.severity, alert.status, alert.occurrences) == ("warning", "open", 1)
    patient.summary.refresh_from_db()
    assert patient.summary.open_warning == 1  # the trigger kept the list row in step
