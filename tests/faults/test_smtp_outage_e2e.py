"""The mail server refusing connections (issue 6), for alert emails through the outbox:
retried with backoff and each delivered once when it recovers; after the last try, `failed`
with the reason, which /health/ counts and the dashboard shows the care team."""

import os
import time

import pytest
from django.test import Client

from tests.support.worker import Worker, purge_broker, require_services, wait_until

from .conftest import (
    alert_emails,
    all_sent,
    outbox_ids,
    post_urgent_checkin,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def start_worker(transactional_db):
    require_services()
    url = os.environ["CELERY_BROKER_URL"]
    purge_broker(url)
    started = []

    def start(smtp_port: int, **extra_env) -> Worker:
        worker = Worker(
            smtp_port=smtp_port,
            broker_url=url,
            name=f"smtp-outage-{len(started)}",
            extra_env={"OUTBOX_RETRY_BASE_SECONDS": "1", **extra_env},
        )
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()
    purge_broker(url)


def test_smtp_down_then_up_delivers_each_alert_email_once(
    start_worker, smtp_server, api, care_team, operated_patients
):
    patients = operated_patients(2)
    smtp_server.stop()  # refusing connections from now on
    worker = start_worker(smtp_server.port, OUTBOX_MAX_ATTEMPTS="10")
    for patient in patients:
        post_urgent_checkin(api, patient)
    ids = list(alert_emails().values_list("pk", flat=True))
    assert len(ids) == len(patients) * len(care_team)

    def each_refused_once() -> bool:
        rows = alert_emails()
        return all(r.attempts >= 1 and "ConnectionRefusedError" in r.last_error for r in rows)

    assert wait_until(each_refused_once), worker.log.read_text()[-3000:]
    # Waiting for a retry, not given up: still queued, a later attempt scheduled.
    rows = list(alert_emails())
    assert {r.status for r in rows} <= {"queued", "sending"}
    assert all(r.sent_at is None for r in rows)

    smtp_server.start()  # the same port again
    assert wait_until(lambda: all_sent(ids), timeout=90), worker.log.read_text()[-3000:]
    time.sleep(3)  # more sweeps: nothing is sent twice
    assert outbox_ids(smtp_server.inbox.messages) == {pk: 1 for pk in ids}
    # Backoff, not a tight loop: a handful of attempts in the outage, not hundreds.
    assert max(alert_emails().values_list("attempts", flat=True)) <= 6


def test_smtp_down_for_good_ends_failed_with_the_reason_shown_to_the_care_team(
    start_worker, smtp_server, api, care_team, operated_patients, clinician
):
    [patient] = operated_patients(1)
    smtp_server.stop()
    worker = start_worker(smtp_server.port, OUTBOX_MAX_ATTEMPTS="2")
    post_urgent_checkin(api, patient)

    def all_failed() -> bool:
        statuses = set(alert_emails().values_list("status", flat=True))
        return statuses == {"failed"}

    assert wait_until(all_failed, timeout=60), worker.log.read_text()[-3000:]
    for row in alert_emails():
        assert row.attempts == 2
        assert row.last_error.startswith("ConnectionRefusedError")
    assert smtp_server.inbox.messages == []

    # /health/ counts it (anyone may read it: no reason, no address there).
    pipeline = Client().get("/health/").json()["pipeline"]
    assert pipeline["failed_emails"] == len(care_team)
    assert pipeline["failed_notifications"] == len(care_team)

    # The dashboard says so on every page, with the reason, to the team concerned.
    dashboard = Client()
    dashboard.force_login(clinician)
    body = dashboard.get("/dashboard/").content.decode()
    start = body.index('id="failed-notifications"')
    banner = body[start : body.index("</div>", start)]
    assert f"{len(care_team)} notifications could not be delivered" in banner
    assert "ConnectionRefusedError" in banner
