"""Two escalation sweeps at the same moment on PostgreSQL send each re-send once."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from notifications import services as notify
from outbox.models import Message
from recovery.models import Alert
from tests.factories import ClinicianFactory, PatientFactory
from tests.support.worker import require_services

pytestmark = pytest.mark.e2e


def test_concurrent_escalation_sweeps_send_each_resend_once(transactional_db, team, clinician):
    require_services()
    ClinicianFactory(email="erin@clinic.test", teams=[team])
    past = timezone.now() - dt.timedelta(minutes=1)
    for _ in range(30):
        Alert.objects.create(
            patient=PatientFactory(team=team),
            rule="embolism_signs",
            severity="emergency",
            message="m",
            notified_at=past,
            next_escalation_at=past,
        )
    barrier = threading.Barrier(4)
    sent: list[int] = []
    errors: list[BaseException] = []

    def sweep():
        try:
            barrier.wait()
            sent.append(notify.escalations_send())
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Without the row locks two sweeps would both pick the same alerts and one would die on
    # the (alert, clinician, round) constraint.
    assert errors == []
    assert sum(sent) == 60  # 30 alerts x 2 clinicians, whoever sent them
    assert Message.objects.filter(category="alert-emergency").count() == 60
    assert set(Alert.objects.values_list("escalations_sent", flat=True)) == {1}
