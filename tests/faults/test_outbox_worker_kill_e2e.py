"""A worker SIGKILLed in the middle of a batch of alert emails (issue 6): after a new worker
starts every email arrives, none lost, and at most the one in flight at the kill twice.

The SMTP server holds each message half a second before answering, so the kill lands while
the batch is being worked through; the killed worker's in-flight row stays `sending` until
its lease runs out, then the sweeper hands it out again."""

import asyncio
import time
from dataclasses import dataclass

import pytest

from tests.support.smtp import Inbox, SmtpServer
from tests.support.worker import Worker, purge_broker, require_services, wait_until

from .conftest import alert_emails, all_sent, outbox_ids, post_urgent_checkin

pytestmark = pytest.mark.e2e

PATIENTS = 5


@dataclass
class SlowInbox(Inbox):
    delay: float = 0.5

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp():
    server = SmtpServer()
    server.inbox = SlowInbox(delay=0.5)
    server.start()
    yield server
    server.stop()


def test_a_worker_killed_mid_batch_loses_no_alert_email(
    transactional_db, slow_smtp, api, care_team, operated_patients
):
    import os

    require_services()
    url = os.environ["CELERY_BROKER_URL"]
    purge_broker(url)
    patients = operated_patients(PATIENTS)
    # Queued while no worker runs: the whole batch waits in the outbox and on the broker.
    for patient in patients:
        post_urgent_checkin(api, patient)
    ids = list(alert_emails().values_list("pk", flat=True))
    assert len(ids) == PATIENTS * len(care_team)

    doomed = Worker(smtp_port=slow_smtp.port, broker_url=url, concurrency=1, name="doomed")
    heir = Worker(smtp_port=slow_smtp.port, broker_url=url, concurrency=1, name="heir")
    try:
        doomed.start()
        slow_smtp.inbox.wait_for(3, timeout=60)
        doomed.kill()  # SIGKILL to the whole process group, mid-batch
        delivered_before = len(slow_smtp.inbox.messages)
        assert 0 < delivered_before < len(ids), "the kill missed the batch"
        assert not all_sent(ids)

        heir.start()
        assert wait_until(lambda: all_sent(ids), timeout=90), heir.log.read_text()[-3000:]
        time.sleep(3)  # more sweeps: nothing else goes out
        counts = outbox_ids(slow_smtp.inbox.messages)
        assert set(counts) == set(ids)  # none lost
        # At most the one message in flight at the kill arrives twice.
        assert sum(counts.values()) - len(ids) <= 1, counts
    finally:
        doomed.kill()
        heir.stop()
        purge_broker(url)
