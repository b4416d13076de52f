"""The reminder dispatcher queues a whole batch in a constant number of queries, and the outbox
sends a batch of reminder emails over one SMTP connection, each marked on its own
(bench/RESULTS.md)."""

import datetime as dt
import smtplib
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outbox import sending
from outbox.models import Message, SmsOptOut
from outbox.tasks import messages_send_task
from recovery.services import procedure_record
from reminders.models import Reminder
from reminders.tasks import reminders_dispatch_task
from tests.factories import CaregiverFactory, CareLinkFactory, PatientFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
DAY_1 = dt.datetime(2026, 2, 21, 9, 1, tzinfo=NY)


def planned(team, n: int, *, channel="email", phone="") -> list:
    """A patient whose plan starts the day before DAY_1 (three reminders due on day 1)."""
    patient = PatientFactory(
        team=team,
        timezone="America/New_York",
        user__email=f"r{n}@p.test",
        phone=phone,
        sms_consent_at=timezone.now() if phone else None,
        reminder_channel=channel,
    )
    with time_machine.travel(dt.datetime(2026, 2, 20, 15, tzinfo=NY), tick=False):
        procedure_record(
            patient=patient,
            data={
                "procedure_type": "kyphoplasty",
                "performed_on": dt.date(2026, 2, 20),
                "vertebral_levels": ["L1"],
                "cause": "trauma",
                "pre_procedure_pain": 8,
            },
        )
    return patient


def dispatch(capture) -> list[int]:
    with (
        time_machine.travel(DAY_1, tick=False),
        patch.object(messages_send_task, "delay") as wake,
        capture(execute=True),
    ):
        reminders_dispatch_task()
    return [pk for call in wake.call_args_list for pk in call.args[0]]


@pytest.fixture
def queued(team, django_capture_on_commit_callbacks) -> list[int]:
    """The outbox ids the dispatcher woke on day 1 of a fresh plan (after commit)."""
    planned(team, 0)
    return dispatch(django_capture_on_commit_callbacks)


def test_a_batch_goes_out_over_one_connection_each_reminder_marked_sent(smtp_settings, queued):
    assert len(queued) == 3  # day 1: check-in, lifting restriction, activity
    real_connect = smtplib.SMTP.connect
    with (
        time_machine.travel(DAY_1, tick=False),
        patch("smtplib.SMTP.connect", autospec=True, side_effect=real_connect) as connect,
    ):
        assert sending.messages_send(ids=queued) == 3
    assert connect.call_count == 1
    assert len(smtp_settings.inbox.wait_for(3)) == 3
    assert set(Reminder.objects.values_list("status", flat=True).filter(sent_at__isnull=False)) == {
        "sent"
    }
    assert Reminder.objects.filter(status="sent").count() == 3


def test_a_batch_sent_twice_sends_once(smtp_settings, queued):
    with time_machine.travel(DAY_1, tick=False):
        sending.messages_send(ids=queued)
        assert sending.messages_send(ids=queued) == 0
    assert len(smtp_settings.inbox.wait_for(3)) == 3


def test_server_down_records_a_failed_attempt_for_each(smtp_settings, queued):
    smtp_settings.stop()
    with time_machine.travel(DAY_1, tick=False):
        assert sending.messages_send(ids=queued) == 0
    for message in Message.objects.filter(pk__in=queued):
        assert (message.status, message.attempts) == ("queued", 1)
        assert message.next_attempt_at > message.created_at
    assert set(
        Reminder.objects.filter(claimed_at__isnull=False).values_list("status", flat=True)
    ) == {"scheduled"}


def count_dispatch_queries(team, capture, start: int, patients: int) -> tuple[int, int]:
    """Queries of one dispatcher run over `patients` fresh patients of every kind: email,
    SMS and both (one of them STOPped), each with a caregiver who gets copies."""
    channels = [("email", ""), ("sms", "+12025550{:03d}"), ("both", "+12025551{:03d}")]
    for n in range(start, start + patients):
        channel, phone = channels[n % 3]
        patient = planned(team, n, channel=channel, phone=phone.format(n))
        caregiver = CaregiverFactory(email=f"c{n}@care.test")
        CareLinkFactory(patient=patient, caregiver=caregiver, receives_reminders=True)
    SmsOptOut.objects.get_or_create(number=f"+12025551{start + 2:03d}")
    with CaptureQueriesContext(connection) as queries:
        woken = dispatch(capture)
    return len(queries), len(woken)


def test_the_dispatchers_queries_do_not_grow_with_the_batch(
    team, django_capture_on_commit_callbacks
):
    from outbox.services import heartbeat_record

    heartbeat_record(name="reminders-dispatch")  # its first tick inserts, every other updates
    small, small_messages = count_dispatch_queries(team, django_capture_on_commit_callbacks, 0, 3)
    Reminder.objects.update(status="sent", sent_at=timezone.now())  # day 1 handled
    large, large_messages = count_dispatch_queries(team, django_capture_on_commit_callbacks, 3, 12)
    assert large_messages > 3 * small_messages  # the larger batch really is larger
    assert large == small, (small, large)
