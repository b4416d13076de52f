"""Emails go out in batches over one SMTP connection, each still claimed and marked alone."""

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outbox import sending, services
from outbox.models import Message
from outbox.tasks import messages_send_task

pytestmark = pytest.mark.django_db

Status = Message.Status


def queued(n: int, **fields) -> list[Message]:
    sms = fields.get("channel") == "sms"
    return [
        Message.objects.create(
            to=f"+1202555{i:04d}" if sms else f"p{i}@patient.test",
            subject="" if sms else f"s{i}",
            body_text="t",
            category="test",
            **fields,
        )
        for i in range(n)
    ]


def test_batch_sends_each_queued_email_once_over_one_connection(smtp_settings):
    rows = queued(3)
    (done,) = queued(1, status=Status.SENT)
    with patch(
        "smtplib.SMTP.connect", autospec=True, side_effect=__import__("smtplib").SMTP.connect
    ) as connect:
        sent = sending.messages_send(ids=[r.pk for r in rows] + [done.pk])
    assert sent == 3
    assert connect.call_count == 1
    messages = smtp_settings.inbox.wait_for(3)
    assert sorted(m["To"] for m in messages) == [
        "p0@patient.test",
        "p1@patient.test",
        "p2@patient.test",
    ]
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_batch_claimed_twice_is_sent_once(smtp_settings):
    ids = [r.pk for r in queued(2)]
    assert sending.messages_send(ids=ids) == 2
    assert sending.messages_send(ids=ids) == 0
    assert len(smtp_settings.inbox.wait_for(2)) == 2
    assert list(Message.objects.values_list("attempts", flat=True)) == [1, 1]


def test_emails_not_yet_due_are_not_claimed(smtp_settings):
    (later,) = queued(1, next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert sending.messages_send(ids=[later.pk]) == 0
    later.refresh_from_db()
    assert later.status == Status.QUEUED


def test_server_down_leaves_the_batch_queued_for_a_later_attempt(smtp_settings):
    rows = queued(2)
    smtp_settings.stop()
    assert sending.messages_send(ids=[r.pk for r in rows]) == 0
    for row in Message.objects.all():
        assert row.status == Status.QUEUED
        assert row.attempts == 1
        assert row.last_error
        assert row.next_attempt_at > row.created_at


def test_wake_hands_ids_to_the_broker_in_batches():
    with patch.object(messages_send_task, "delay") as delay:
        services.messages_wake(range(120))
    assert [len(call.args[0]) for call in delay.call_args_list] == [50, 50, 20]


def sends_queries(ids: list[int]) -> int:
    with CaptureQueriesContext(connection) as queries:
        sending.messages_send(ids=ids)
    return len(queries)


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_batch_costs_a_fixed_few_queries_plus_one_mark_per_message(channel, request):
    """Claim, read (and for SMS the STOP list) once per batch; then one UPDATE per message, the
    moment its transport accepted it (the at-least-once window stays one message wide)."""
    request.getfixturevalue("smtp_settings" if channel == "email" else "sms_settings")
    small = [r.pk for r in queued(3, channel=channel)]
    large = [r.pk for r in queued(9, channel=channel)]
    fixed = 3 if channel == "sms" else 2
    assert sends_queries(small) == fixed + 3
    assert sends_queries(large) == fixed + 9
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}
