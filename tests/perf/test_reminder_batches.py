"""Dispatched reminders go out in batches over one SMTP connection, each claimed and marked
on its own (bench/RESULTS.md)."""

import datetime as dt
import smtplib
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recovery.services import procedure_record
from reminders import services
from reminders.models import Reminder
from reminders.tasks import reminders_dispatch_task, reminders_send_task
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
DAY_1 = dt.datetime(2026, 2, 21, 9, 1, tzinfo=NY)


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


@pytest.fixture
def handed(team, django_capture_on_commit_callbacks) -> list[int]:
    """The ids the dispatcher handed out on day 1 of a fresh plan (after commit)."""
    patient = PatientFactory(team=team, timezone="America/New_York", user__email="r@p.test")
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
    with (
        time_machine.travel(DAY_1, tick=False),
        patch.object(reminders_send_task, "delay") as wake,
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders_dispatch_task()
    return [pk for call in wake.call_args_list for pk in call.args[0]]


def test_a_batch_goes_out_over_one_connection_each_marked_sent(smtp_settings, handed):
    assert len(handed) == 3  # day 1: check-in, lifting restriction, activity
    real_connect = smtplib.SMTP.connect
    with (
        time_machine.travel(DAY_1, tick=False),
        patch("smtplib.SMTP.connect", autospec=True, side_effect=real_connect) as connect,
    ):
        outcomes = services.reminders_send(reminder_ids=handed)
    assert outcomes == {"sent": 3}
    assert connect.call_count == 1
    assert len(smtp_settings.inbox.wait_for(3)) == 3
    assert set(Reminder.objects.filter(pk__in=handed).values_list("status", flat=True)) == {"sent"}


def test_a_batch_sent_twice_sends_once(smtp_settings, handed):
    with time_machine.travel(DAY_1, tick=False):
        services.reminders_send(reminder_ids=handed)
        assert services.reminders_send(reminder_ids=handed) == {"not-claimed": 3}
    assert len(smtp_settings.inbox.wait_for(3)) == 3


def test_server_down_records_a_failed_attempt_for_each(smtp_settings, handed):
    smtp_settings.stop()
    with time_machine.travel(DAY_1, tick=False):
        outcomes = services.reminders_send(reminder_ids=handed)
    assert "sent" not in outcomes
    for reminder in Reminder.objects.filter(pk__in=handed):
        assert reminder.status == "scheduled"
        assert reminder.attempts == 1
        assert reminder.next_attempt_at is not None


def test_wake_hands_ids_to_the_broker_in_batches():
    with patch.object(reminders_send_task, "delay") as delay:
        services.reminders_wake(range(120))
    assert [len(call.args[0]) for call in delay.call_args_list] == [50, 50, 20]
