"""Dispatching and sending, with the send task called directly (no worker)."""

import datetime as dt
from unittest.mock import patch

import pytest
import time_machine

from reminders import services
from reminders.models import Reminder, ReminderOptOut
from reminders.tasks import reminders_dispatch_task, reminders_send_task
from tests.factories import CheckInFactory
from tests.support.smtp import free_port

from .conftest import NY

DAY_1 = dt.datetime(2026, 2, 21, 9, 0, tzinfo=NY)


@pytest.fixture
def procedure(ny_patient, record):
    return record(ny_patient, cause="osteoporosis")


def dispatch(django_capture_on_commit_callbacks) -> list[int]:
    """Run the dispatcher and return the ids it woke send tasks for (after commit)."""
    with (
        patch.object(reminders_send_task, "delay") as wake,
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders_dispatch_task()
    return [pk for call in wake.call_args_list for pk in call.args[0]]


def test_dispatcher_hands_out_exactly_the_due_reminders_after_commit(
    procedure, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        handed = dispatch(django_capture_on_commit_callbacks)
        again = dispatch(django_capture_on_commit_callbacks)
    due = procedure.reminders.filter(offset_days=1)
    assert sorted(handed) == sorted(due.values_list("pk", flat=True))
    assert set(due.values_list("kind", flat=True)) == {"checkin", "lifting_restriction", "activity"}
    assert again == []  # handed rows are leased, not handed twice
    assert procedure.reminders.filter(claimed_at__isnull=False).count() == 3


def test_send_delivers_once_with_name_dates_and_one_click_unsubscribe(
    procedure, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example"
    reminder = procedure.reminders.get(kind="lifting_restriction", offset_days=1)
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        dispatch(django_capture_on_commit_callbacks)
        assert services.reminder_send(reminder_id=reminder.pk) == "sent"
        assert services.reminder_send(reminder_id=reminder.pk) == "not-claimed"
    [message] = mailoutbox
    assert message.to == ["rosa@patient.test"]
    assert message.subject == "No heavy lifting yet"
    text = message.body
    html = message.alternatives[0][0]
    for body in (text, html):
        assert "Rosa" in body
        assert "Friday 27 February 2026" in body  # the first day without the restriction
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://tracker.example/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in text
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.reason) == ("sent", 1, "")
    assert reminder.sent_at == DAY_1 + dt.timedelta(minutes=1)


def test_follow_up_email_names_the_day_it_is_due(
    procedure, mailoutbox, django_capture_on_commit_callbacks
):
    reminder = procedure.reminders.get(kind="followup_imaging")
    with time_machine.travel(reminder.due_at, tick=False):
        dispatch(django_capture_on_commit_callbacks)
        services.reminder_send(reminder_id=reminder.pk)
    [message] = mailoutbox
    assert "Friday 20 March 2026" in message.body


def test_an_undispatched_or_future_reminder_is_not_sent_by_a_stray_task(procedure, mailoutbox):
    due = procedure.reminders.get(kind="checkin", offset_days=1)
    future = procedure.reminders.get(kind="checkin", offset_days=2)
    Reminder.objects.filter(pk=future.pk).update(claimed_at=DAY_1)
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        assert services.reminder_send(reminder_id=due.pk) == "not-claimed"
        assert services.reminder_send(reminder_id=future.pk) == "not-claimed"
    assert mailoutbox == []


def test_checkin_reminder_is_skipped_when_the_patient_checked_in_that_local_day(
    procedure, ny_patient, mailoutbox, django_capture_on_commit_callbacks
):
    # Both check-ins are on 21 Feb in New York; the second is 22 Feb in UTC (04:30Z), so
    # only the patient's own calendar day says the day-2 reminder must still go out.
    CheckInFactory(patient=ny_patient, recorded_at=dt.datetime(2026, 2, 21, 0, 30, tzinfo=NY))
    CheckInFactory(patient=ny_patient, recorded_at=dt.datetime(2026, 2, 21, 23, 30, tzinfo=NY))
    checkin_1 = procedure.reminders.get(kind="checkin", offset_days=1)
    checkin_2 = procedure.reminders.get(kind="checkin", offset_days=2)
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        dispatch(django_capture_on_commit_callbacks)
        assert services.reminder_send(reminder_id=checkin_1.pk) == "skipped"
    with time_machine.travel(DAY_1 + dt.timedelta(days=1, minutes=1), tick=False):
        dispatch(django_capture_on_commit_callbacks)
        assert services.reminder_send(reminder_id=checkin_2.pk) == "sent"
    checkin_1.refresh_from_db()
    assert checkin_1.reason == services.REASON_CHECKED_IN
    assert len(mailoutbox) == 1


def test_a_reminder_more_than_a_day_late_is_skipped_with_the_reason(
    procedure, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAY_1 + dt.timedelta(days=1, hours=1), tick=False):
        handed = dispatch(django_capture_on_commit_callbacks)
    late = procedure.reminders.filter(offset_days=1)
    assert set(late.values_list("status", "reason")) == {("skipped", services.REASON_LATE)}
    assert set(handed) == set(
        procedure.reminders.filter(offset_days=2).values_list("pk", flat=True)
    )
    assert mailoutbox == []


@pytest.mark.parametrize("kind", ["checkin", "all"])
def test_an_opted_out_kind_is_skipped_and_others_still_go_out(
    procedure, ny_patient, mailoutbox, django_capture_on_commit_callbacks, kind
):
    ReminderOptOut.objects.create(patient=ny_patient, kind=kind)
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        for pk in dispatch(django_capture_on_commit_callbacks):
            services.reminder_send(reminder_id=pk)
    rows = procedure.reminders.filter(offset_days=1)
    skipped = set(rows.filter(status="skipped").values_list("kind", flat=True))
    if kind == "all":
        assert skipped == {"checkin", "lifting_restriction", "activity"}
        assert mailoutbox == []
    else:
        assert skipped == {"checkin"}
        assert len(mailoutbox) == 2
    assert set(rows.filter(status="skipped").values_list("reason", flat=True)) == {
        services.REASON_OPTED_OUT
    }


def test_smtp_failure_retries_with_backoff_and_ends_failed_with_the_reason(
    procedure, settings, django_capture_on_commit_callbacks
):
    # A real SMTP connection to a port where nothing listens.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.REMINDER_MAX_ATTEMPTS = 3
    settings.REMINDER_RETRY_BASE_SECONDS = 60
    reminder = procedure.reminders.get(kind="activity")
    now = DAY_1 + dt.timedelta(minutes=1)
    for attempt, wait in [(1, 60), (2, 120)]:
        with time_machine.travel(now, tick=False):
            assert reminder.pk in dispatch(django_capture_on_commit_callbacks)
            assert services.reminder_send(reminder_id=reminder.pk) == "retry"
            assert dispatch(django_capture_on_commit_callbacks) == []  # backing off
        reminder.refresh_from_db()
        assert (reminder.status, reminder.attempts) == ("scheduled", attempt)
        assert reminder.next_attempt_at == now + dt.timedelta(seconds=wait)
        assert reminder.reason.startswith(f"Attempt {attempt} failed: ConnectionRefusedError")
        now = reminder.next_attempt_at
    with time_machine.travel(now, tick=False):
        dispatch(django_capture_on_commit_callbacks)
        assert services.reminder_send(reminder_id=reminder.pk) == "failed"
    reminder.refresh_from_db()
    assert reminder.status == "failed"
    assert reminder.reason.startswith("Attempt 3 failed: ConnectionRefusedError")


def test_a_reminder_whose_worker_died_mid_send_is_handed_out_again_after_the_lease(
    procedure, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.REMINDER_LEASE_SECONDS = 300
    reminder = procedure.reminders.get(kind="activity")
    start = DAY_1 + dt.timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        dispatch(django_capture_on_commit_callbacks)
        # The worker claims it and dies before recording anything.
        Reminder.objects.filter(pk=reminder.pk).update(sending_at=start, attempts=1)
    with time_machine.travel(start + dt.timedelta(seconds=299), tick=False):
        assert reminder.pk not in dispatch(django_capture_on_commit_callbacks)
    with time_machine.travel(start + dt.timedelta(seconds=301), tick=False):
        assert reminder.pk in dispatch(django_capture_on_commit_callbacks)
        assert services.reminder_send(reminder_id=reminder.pk) == "sent"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 2)
    assert len(mailoutbox) == 1


def test_a_worker_dying_on_the_last_attempt_ends_failed(
    procedure, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_MAX_ATTEMPTS = 2
    reminder = procedure.reminders.get(kind="activity")
    start = DAY_1 + dt.timedelta(minutes=1)
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=start, sending_at=start, attempts=2)
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        assert reminder.pk not in dispatch(django_capture_on_commit_callbacks)
    reminder.refresh_from_db()
    assert reminder.status == "failed"
    assert "worker stopped" in reminder.reason


def test_other_reminders_repeat_the_restriction_only_while_it_holds(procedure, mailoutbox):
    early = procedure.reminders.get(kind="activity")  # day 1 of 7
    late = procedure.reminders.get(kind="brace_review")  # day 30
    for reminder in (early, late):
        message = services.reminder_message(reminder=reminder)
        message.send()
    early_mail, late_mail = mailoutbox
    assert "no heavy lifting until Friday 27 February 2026" in early_mail.body
    assert "until <strong>Friday 27 February 2026</strong>" in early_mail.alternatives[0][0]
    assert "heavy lifting" not in late_mail.body
