"""Dispatching reminders into the outbox and sending them, called directly (no worker)."""

import datetime as dt

import pytest
import time_machine

from outbox.models import Message
from reminders import dispatch as reminders_dispatch
from reminders.messages import reminder_email
from reminders.models import Reminder, ReminderOptOut
from tests.factories import CheckInFactory
from tests.support.outbox import html_of

from .conftest import NY
from .support import dispatch, messages_of, run, send

DAY_1 = dt.datetime(2026, 2, 21, 9, 0, tzinfo=NY)


@pytest.fixture
def procedure(ny_patient, record):
    return record(ny_patient, cause="osteoporosis")


def test_dispatcher_queues_exactly_the_due_reminders_once_after_commit(
    procedure, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        woken = dispatch(django_capture_on_commit_callbacks)
        again = dispatch(django_capture_on_commit_callbacks)
    due = procedure.reminders.filter(offset_days=1)
    assert set(due.values_list("kind", flat=True)) == {"checkin", "lifting_restriction", "activity"}
    messages = Message.objects.filter(pk__in=woken)
    assert sorted(messages.values_list("ref_id", flat=True)) == sorted(
        due.values_list("pk", flat=True)
    )
    assert set(messages.values_list("ref_type", "category", "channel", "status")) == {
        ("reminder", "reminder", "email", "queued")
    }
    assert again == []  # queued reminders are not queued twice
    # Queued, still `scheduled` (PROTOCOL.md section 5) until a message is accepted.
    assert set(due.values_list("status", flat=True)) == {"scheduled"}
    assert due.filter(claimed_at__isnull=False).count() == 3


def test_sent_once_with_name_dates_one_click_unsubscribe_and_a_sign_in_link(
    procedure, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example"
    reminder = procedure.reminders.get(kind="lifting_restriction", offset_days=1)
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        woken = dispatch(django_capture_on_commit_callbacks)
        assert send(woken) == 3
        assert send(woken) == 0  # a doubled task claims nothing
    [message] = [m for m in mailoutbox if m.extra_headers["X-Reminder-Id"] == str(reminder.pk)]
    assert message.to == ["rosa@patient.test"]
    assert message.subject == "No heavy lifting yet"
    text, html = message.body, html_of(message)
    for body in (text, html):
        assert "Rosa" in body
        assert "Friday 27 February 2026" in body  # the first day without the restriction
        assert "https://tracker.example/app/l/" in body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://tracker.example/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in text
    reminder.refresh_from_db()
    assert (reminder.status, reminder.reason) == ("sent", "")
    assert reminder.sent_at == DAY_1 + dt.timedelta(minutes=1)
    # The stored row forgot the sign-in secret once sent.
    assert messages_of(reminder).get().secret == ""


def test_follow_up_email_names_the_day_it_is_due(
    procedure, mailoutbox, django_capture_on_commit_callbacks
):
    reminder = procedure.reminders.get(kind="followup_imaging")
    with time_machine.travel(reminder.due_at, tick=False):
        run(django_capture_on_commit_callbacks)
    [message] = [m for m in mailoutbox if m.extra_headers["X-Reminder-Id"] == str(reminder.pk)]
    assert "Friday 20 March 2026" in message.body


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
        run(django_capture_on_commit_callbacks)
    with time_machine.travel(DAY_1 + dt.timedelta(days=1, minutes=1), tick=False):
        run(django_capture_on_commit_callbacks)
    checkin_1.refresh_from_db()
    checkin_2.refresh_from_db()
    assert (checkin_1.status, checkin_1.reason) == ("skipped", reminders_dispatch.REASON_CHECKED_IN)
    assert checkin_2.status == "sent"
    assert not messages_of(checkin_1).exists()
    assert [m.extra_headers["X-Reminder-Id"] for m in mailoutbox].count(str(checkin_2.pk)) == 1


def test_a_reminder_more_than_a_day_late_is_skipped_with_the_reason(
    procedure, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAY_1 + dt.timedelta(days=1, hours=1), tick=False):
        woken = dispatch(django_capture_on_commit_callbacks)
    late = procedure.reminders.filter(offset_days=1)
    assert set(late.values_list("status", "reason")) == {
        ("skipped", reminders_dispatch.REASON_LATE)
    }
    assert set(Message.objects.filter(pk__in=woken).values_list("ref_id", flat=True)) == set(
        procedure.reminders.filter(offset_days=2).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("kind", ["checkin", "all"])
def test_an_opted_out_kind_is_skipped_and_others_still_go_out(
    procedure, ny_patient, mailoutbox, django_capture_on_commit_callbacks, kind
):
    ReminderOptOut.objects.create(patient=ny_patient, kind=kind)
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        run(django_capture_on_commit_callbacks)
    rows = procedure.reminders.filter(offset_days=1)
    skipped = set(rows.filter(status="skipped").values_list("kind", flat=True))
    if kind == "all":
        assert skipped == {"checkin", "lifting_restriction", "activity"}
        assert mailoutbox == []
    else:
        assert skipped == {"checkin"}
        assert len(mailoutbox) == 2
    assert set(rows.filter(status="skipped").values_list("reason", flat=True)) == {
        reminders_dispatch.REASON_OPTED_OUT
    }


def test_a_discharged_patients_due_reminder_is_skipped(
    procedure, ny_patient, mailoutbox, django_capture_on_commit_callbacks
):
    # A row the discharge did not cancel (written by hand, say): the dispatcher still says no.
    type(ny_patient).objects.filter(pk=ny_patient.pk).update(
        status="discharged", discharge_reason="recovered"
    )
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        run(django_capture_on_commit_callbacks)
    rows = procedure.reminders.filter(offset_days=1)
    assert set(rows.values_list("status", "reason")) == {
        ("skipped", "The patient was discharged (recovered).")
    }
    assert mailoutbox == []


def test_smtp_failure_retries_with_the_outboxs_backoff_and_ends_failed_with_the_reason(
    procedure, settings, django_capture_on_commit_callbacks
):
    from tests.support.smtp import free_port

    # A real SMTP connection to a port where nothing listens.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    reminder = procedure.reminders.get(kind="activity")
    now = DAY_1 + dt.timedelta(minutes=1)
    with time_machine.travel(now, tick=False):
        dispatch(django_capture_on_commit_callbacks)
    message = messages_of(reminder).get()
    for attempt, wait in [(1, 60), (2, 120)]:
        with time_machine.travel(now, tick=False):
            assert send([message.pk]) == 0
            assert send([message.pk]) == 0  # backing off: not due again yet
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("queued", attempt)
        assert message.next_attempt_at == now + dt.timedelta(seconds=wait)
        assert message.last_error.startswith("ConnectionRefusedError")
        reminder.refresh_from_db()
        assert reminder.status == "scheduled"
        now = message.next_attempt_at
    with time_machine.travel(now, tick=False):
        send([message.pk])
    reminder.refresh_from_db()
    assert reminder.status == "failed"
    assert reminder.reason.startswith("Not delivered (email: ConnectionRefusedError")


def test_a_message_whose_worker_died_mid_send_goes_out_again_after_the_lease(
    procedure, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from outbox.sending import outbox_sweep

    settings.OUTBOX_SENDING_LEASE_SECONDS = 300
    reminder = procedure.reminders.get(kind="activity")
    start = DAY_1 + dt.timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        dispatch(django_capture_on_commit_callbacks)
        # The worker claims the message and dies before recording anything.
        messages_of(reminder).update(status="sending", claimed_at=start, attempts=1)
    with time_machine.travel(start + dt.timedelta(seconds=299), tick=False):
        assert messages_of(reminder).get().pk not in outbox_sweep()
        assert dispatch(django_capture_on_commit_callbacks) == []  # never queued twice
    with time_machine.travel(start + dt.timedelta(seconds=301), tick=False):
        outbox_sweep()
    message = messages_of(reminder).get()
    with time_machine.travel(message.next_attempt_at, tick=False):
        assert message.pk in outbox_sweep()
        assert send([message.pk]) == 1
    reminder.refresh_from_db()
    message.refresh_from_db()
    assert reminder.status == "sent" and (message.status, message.attempts) == ("sent", 2)
    assert [m.extra_headers["X-Reminder-Id"] for m in mailoutbox] == [str(reminder.pk)]


def test_other_reminders_repeat_the_restriction_only_while_it_holds(procedure):
    early = procedure.reminders.get(kind="activity")  # day 1 of 7
    late = procedure.reminders.get(kind="brace_review")  # day 30
    early_mail = reminder_email(reminder=early, token="t")
    late_mail = reminder_email(reminder=late, token="t")
    assert "no heavy lifting until Friday 27 February 2026" in early_mail.body_text
    assert "until <strong>Friday 27 February 2026</strong>" in early_mail.body_html
    assert "heavy lifting" not in late_mail.body_text


def test_a_reminder_is_sent_when_one_patient_message_is_accepted_and_copies_do_not_count(
    procedure, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from outbox.signals import messages_settled

    reminder = procedure.reminders.get(kind="activity")
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        dispatch(django_capture_on_commit_callbacks)
    about = {"ref_type": "reminder", "ref_id": reminder.pk, "body_text": "x"}
    copy = Message.objects.create(
        channel="email", to="ann@care.test", category="reminder-copy", status="sent", **about
    )
    with transaction.atomic():
        messages_settled.send(sender="reminder", messages=[copy])
    assert Reminder.objects.get(pk=reminder.pk).status == "scheduled"
