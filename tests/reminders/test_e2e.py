"""Reminders through beat, the outbox, a real worker on Redis and a real SMTP server on
loopback."""

import asyncio
import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass

import pytest
from django.utils import timezone

from outbox.models import Message
from outbox.tasks import messages_send_task
from reminders.models import Reminder
from tests.factories import PatientFactory, vertebroplasty_today
from tests.support.smtp import Inbox, SmtpServer
from tests.support.worker import wait_until

pytestmark = pytest.mark.e2e


def planned_patient(team, email="walt@patient.test"):
    """A patient whose plan starts today: every reminder is in the future until we say."""
    patient = PatientFactory(team=team, first_name="Walt", user__email=email)
    procedure = vertebroplasty_today(patient)
    return patient, procedure


def make_due(procedure, count: int) -> list[int]:
    """Bring the first `count` reminders' due time to a minute ago (the rest stay future)."""
    ids = list(
        procedure.reminders.exclude(kind="checkin")
        .order_by("due_at", "kind")
        .values_list("pk", flat=True)[:count]
    )
    Reminder.objects.filter(pk__in=ids).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    return ids


def reminder_ids(messages) -> Counter:
    return Counter(int(m["X-Reminder-Id"]) for m in messages)


def all_sent(ids) -> bool:
    return Reminder.objects.filter(pk__in=ids, status="sent").count() == len(ids)


def test_due_reminders_arrive_once_and_future_ones_do_not(
    start_worker, smtp_server, team, settings
):
    patient, procedure = planned_patient(team)
    due = make_due(procedure, 3)
    start_worker(smtp_server.port)
    assert wait_until(lambda: all_sent(due)), list(procedure.reminders.values("pk", "status"))
    time.sleep(3)  # three more dispatcher ticks: nothing else may go out
    messages = smtp_server.inbox.wait_for(3)
    assert reminder_ids(messages) == Counter({pk: 1 for pk in due})
    message = messages[0]
    assert message["To"] == "walt@patient.test"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip().startswith(f"<{settings.SITE_URL}/unsubscribe/")
    assert "Walt" in message.get_body(("plain",)).get_content()
    assert "Walt" in message.get_body(("html",)).get_content()
    future = procedure.reminders.exclude(pk__in=due)
    assert set(future.values_list("status", flat=True)) == {"scheduled"}
    assert not future.filter(claimed_at__isnull=False).exists()


def test_duplicate_send_tasks_send_one_email(start_worker, smtp_server, team):
    from reminders.dispatch import reminders_dispatch

    patient, procedure = planned_patient(team)
    [pk] = make_due(procedure, 1)
    reminders_dispatch()  # queued, its wake-up sent to the broker after commit
    [message] = Message.objects.filter(ref_type="reminder", ref_id=pk)
    for _ in range(4):  # ... and the broker delivers the task five times
        messages_send_task.delay([message.pk])
    start_worker(smtp_server.port, concurrency=2)
    assert wait_until(lambda: all_sent([pk]))
    time.sleep(3)
    assert reminder_ids(smtp_server.inbox.wait_for(1)) == Counter({pk: 1})
    message.refresh_from_db()
    assert message.attempts == 1


def test_smtp_down_then_up_ends_with_each_reminder_sent_once(start_worker, smtp_server, team):
    patient, procedure = planned_patient(team)
    due = make_due(procedure, 3)
    smtp_server.stop()
    start_worker(smtp_server.port)

    messages = Message.objects.filter(ref_type="reminder", ref_id__in=due)

    def failed_once() -> bool:
        rows = list(messages.all())  # a fresh query each time (a QuerySet caches)
        return len(rows) == 3 and all(m.attempts >= 1 and m.last_error for m in rows)

    assert wait_until(failed_once), list(messages.values("status", "attempts", "last_error"))
    assert set(Reminder.objects.filter(pk__in=due).values_list("status", flat=True)) == {
        "scheduled"
    }
    smtp_server.start()  # the same port again
    assert wait_until(lambda: all_sent(due))
    time.sleep(3)
    assert reminder_ids(smtp_server.inbox.wait_for(3)) == Counter({pk: 1 for pk in due})


def test_smtp_down_for_good_ends_failed_with_the_reason(start_worker, smtp_server, team):
    patient, procedure = planned_patient(team)
    [pk] = make_due(procedure, 1)
    smtp_server.stop()
    start_worker(smtp_server.port, extra_env={"OUTBOX_MAX_ATTEMPTS": "2"})
    assert wait_until(lambda: Reminder.objects.get(pk=pk).status == "failed")
    reminder = Reminder.objects.get(pk=pk)
    assert Message.objects.get(ref_type="reminder", ref_id=pk).attempts == 2
    assert reminder.reason.startswith("Not delivered (email: ConnectionRefusedError")


@dataclass
class SlowInbox(Inbox):
    """Holds each message a while before answering 250: a worker killed meanwhile never
    learns the server took it (the one message "in doubt")."""

    delay: float = 1.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def test_a_worker_killed_mid_batch_and_restarted_loses_none(start_worker, team):
    smtp = SmtpServer()
    smtp.inbox = SlowInbox(delay=1.0)
    smtp.start()
    try:
        patient, procedure = planned_patient(team)
        due = make_due(procedure, 6)
        worker = start_worker(smtp.port, concurrency=1, name="doomed")
        smtp.inbox.wait_for(2, timeout=60)
        worker.kill()  # SIGKILL to the whole process group, mid-batch
        delivered_before = len(smtp.inbox.messages)
        assert delivered_before < 6, "the kill came too late to test anything"
        assert not all_sent(due)
        start_worker(smtp.port, concurrency=1, name="heir")
        assert wait_until(lambda: all_sent(due), timeout=90)
        time.sleep(3)
        counts = reminder_ids(smtp.inbox.wait_for(6))
        assert set(counts) == set(due)  # none lost
        # At most the one message in flight at the kill arrives twice.
        assert sum(counts.values()) - len(due) <= 1, counts
    finally:
        smtp.stop()


def test_two_dispatchers_at_once_never_queue_the_same_reminder(transactional_db, team):
    """SKIP LOCKED lets dispatchers on several machines share the due rows (PostgreSQL)."""
    import threading
    from unittest.mock import patch

    from django.db import connection

    from reminders import dispatch
    from tests.support.worker import require_services

    require_services()
    assert connection.vendor == "postgresql"
    due = []
    for n in range(4):
        _, procedure = planned_patient(team, email=f"p{n}@patient.test")
        due += make_due(procedure, 40)
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            for _ in range(5):
                dispatch.reminders_dispatch(batch=7)
        finally:
            connection.close()

    with patch.object(messages_send_task, "delay"):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    queued = Message.objects.filter(ref_type="reminder", category="reminder")
    assert sorted(queued.values_list("ref_id", flat=True)) == sorted(due)  # once, none twice
