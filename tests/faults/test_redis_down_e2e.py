"""Redis stopped while check-ins arrive (issue 6): each check-in is stored with its alert
(201), every clinician email waits in the outbox, and once Redis is back the running
worker's sweeper sends each exactly once.

The broker is a redis-server of our own (never the machine's): the test process and a real
worker both use it; it is SIGKILLed (losing whatever it held) and started again on the port.
"""

import time

import pytest

from notifications.models import AlertNotification
from recovery.models import Alert, CheckIn
from tests.support.worker import Worker, broker, require_services, wait_until

from .conftest import (
    alert_emails,
    all_sent,
    outbox_ids,
    post_urgent_checkin,
)

pytestmark = pytest.mark.e2e

PATIENTS = 3


def test_checkins_during_a_redis_outage_are_stored_and_emailed_once_when_it_is_back(
    transactional_db, throwaway_redis, smtp_server, api, care_team, operated_patients
):
    require_services()
    patients = operated_patients(PATIENTS)
    worker = Worker(
        smtp_port=smtp_server.port, broker_url=throwaway_redis.url, name="redis-outage"
    ).start()
    try:
        with broker(throwaway_redis.url):
            throwaway_redis.kill()
            assert not throwaway_redis.answers()

            started = time.monotonic()
            for patient in patients:
                post_urgent_checkin(api, patient)
            # The broker's absence costs a check-in at most a few seconds, never the 201.
            assert time.monotonic() - started < 10 * PATIENTS

            # Stored: every check-in with its alert, every email queued in the outbox.
            assert CheckIn.objects.count() == PATIENTS
            assert Alert.objects.filter(rule="fever").count() == PATIENTS
            assert AlertNotification.objects.count() == PATIENTS * len(care_team)
            emails = list(alert_emails().values_list("pk", "status"))
            assert len(emails) == PATIENTS * len(care_team)
            assert {status for _, status in emails} == {"queued"}
            time.sleep(2)  # the worker's beat keeps ticking into a dead broker
            assert smtp_server.inbox.messages == []

            throwaway_redis.start()  # the same port, empty: every wake-up it held is gone

            ids = [pk for pk, _ in emails]
            assert wait_until(lambda: all_sent(ids), timeout=90), worker.log.read_text()[-3000:]
            time.sleep(3)  # several more sweeps: nothing goes out twice

        received = smtp_server.inbox.messages
        assert outbox_ids(received) == {pk: 1 for pk in ids}
        for patient in patients:
            link = f"/dashboard/patients/{patient.pk}/"
            to = sorted(m["To"] for m in received if link in m.get_body(("plain",)).get_content())
            assert to == sorted(c.email for c in care_team)
    finally:
        worker.stop()
