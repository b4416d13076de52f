"""Emails go out in batches over one SMTP connection, each still claimed and marked alone."""

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.utils import timezone

from outbox import services
from outbox.models import OutgoingEmail
from outbox.tasks import outgoing_emails_send_task

pytestmark = pytest.mark.django_db

Status = OutgoingEmail.Status


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


def queued(n: int, **fields) -> list[OutgoingEmail]:
    return [
        OutgoingEmail.objects.create(
            to=f"p{i}@patient.test", subject=f"s{i}", body_text="t", category="test", **fields
        )
        for i in range(n)
    ]


def test_batch_sends_each_queued_email_once_over_one_connection(smtp_settings):
    rows = queued(3)
    (done,) = queued(1, status=Status.SENT)
    with patch(
        "smtplib.SMTP.connect", autospec=True, side_effect=__import__("smtplib").SMTP.connect
    ) as connect:
        sent = services.outgoing_emails_send(email_ids=[r.pk for r in rows] + [done.pk])
    assert sent == 3
    assert connect.call_count == 1
    messages = smtp_settings.inbox.wait_for(3)
    assert sorted(m["To"] for m in messages) == [
        "p0@patient.test",
        "p1@patient.test",
        "p2@patient.test",
    ]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_batch_claimed_twice_is_sent_once(smtp_settings):
    ids = [r.pk for r in queued(2)]
    assert services.outgoing_emails_send(email_ids=ids) == 2
    assert services.outgoing_emails_send(email_ids=ids) == 0
    assert len(smtp_settings.inbox.wait_for(2)) == 2
    assert list(OutgoingEmail.objects.values_list("attempts", flat=True)) == [1, 1]


def test_emails_not_yet_due_are_not_claimed(smtp_settings):
    (later,) = queued(1, next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert services.outgoing_emails_send(email_ids=[later.pk]) == 0
    later.refresh_from_db()
    assert later.status == Status.QUEUED


def test_server_down_leaves_the_batch_queued_for_a_later_attempt(smtp_settings):
    rows = queued(2)
    smtp_settings.stop()
    assert services.outgoing_emails_send(email_ids=[r.pk for r in rows]) == 0
    for row in OutgoingEmail.objects.all():
        assert row.status == Status.QUEUED
        assert row.attempts == 1
        assert row.last_error
        assert row.next_attempt_at > row.created_at


def test_wake_hands_ids_to_the_broker_in_batches():
    with patch.object(outgoing_emails_send_task, "delay") as delay:
        services.outgoing_emails_wake(range(120))
    assert [len(call.args[0]) for call in delay.call_args_list] == [50, 50, 20]
