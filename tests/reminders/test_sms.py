"""Reminders by SMS: the patient's channel choice, consent, STOP, and what a text may say."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from outbox.models import Message, SmsOptOut
from outbox.signals import messages_settled
from reminders import dispatch as reminders_dispatch
from reminders.models import Reminder
from tests.factories import CaregiverFactory, CareLinkFactory

from .conftest import NY
from .support import dispatch, messages_of

DAY_1 = dt.datetime(2026, 2, 21, 9, 0, tzinfo=NY)
PHONE = "+12025550142"


@pytest.fixture
def procedure(ny_patient, record):
    return record(ny_patient, cause="osteoporosis")


@pytest.fixture
def caregiver_link(ny_patient):
    user = CaregiverFactory(email="ann@care.test", first_name="Ann", last_name="Diaz")
    return CareLinkFactory(patient=ny_patient, caregiver=user, receives_reminders=True)


def choose(patient, channel, *, phone=PHONE, consent=True):
    type(patient).objects.filter(pk=patient.pk).update(
        phone=phone, sms_consent_at=timezone.now() if consent else None, reminder_channel=channel
    )


def queued_channels(procedure, capture) -> dict[str, set[str]]:
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        dispatch(capture)
    reminder = procedure.reminders.get(kind="lifting_restriction", offset_days=1)
    return {m.channel: m for m in messages_of(reminder, category="reminder")}


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("email", {"email"}), ("sms", {"sms"}), ("both", {"email", "sms"})],
)
def test_the_patients_channel_choice_decides_the_messages(
    procedure, ny_patient, django_capture_on_commit_callbacks, channel, expected
):
    choose(ny_patient, channel)
    messages = queued_channels(procedure, django_capture_on_commit_callbacks)
    assert set(messages) == expected
    if "sms" in messages:
        assert messages["sms"].to == PHONE


def test_the_sms_says_only_that_a_reminder_is_ready_with_the_sign_in_link(
    procedure, ny_patient, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example"
    choose(ny_patient, "sms")
    sms = queued_channels(procedure, django_capture_on_commit_callbacks)["sms"]
    body = sms.body_text
    assert body.startswith("Your recovery reminder for today is ready.")
    assert "https://tracker.example/app/l/" in body and "Reply STOP" in body
    # The link's token is the outbox's secret, never in the stored body; no clinical detail.
    assert sms.secret and sms.secret not in body
    for word in ("lifting", "Rosa", "Diaz", "kyphoplasty", "pain", "February"):
        assert word.lower() not in body.lower()
    assert len(body) < 160


def test_the_sms_is_in_the_patients_language(
    procedure, ny_patient, django_capture_on_commit_callbacks
):
    choose(ny_patient, "sms")
    type(ny_patient).objects.filter(pk=ny_patient.pk).update(language="es")
    sms = queued_channels(procedure, django_capture_on_commit_callbacks)["sms"]
    assert sms.body_text.startswith("Su recordatorio de recuperación de hoy está listo.")


def test_no_sms_to_a_number_that_texted_stop_email_still_goes_for_both(
    procedure, ny_patient, django_capture_on_commit_callbacks
):
    choose(ny_patient, "both")
    SmsOptOut.objects.create(number=PHONE)
    assert set(queued_channels(procedure, django_capture_on_commit_callbacks)) == {"email"}


def test_sms_only_and_stopped_is_skipped_with_the_reason(
    procedure, ny_patient, django_capture_on_commit_callbacks
):
    choose(ny_patient, "sms")
    SmsOptOut.objects.create(number=PHONE)
    assert queued_channels(procedure, django_capture_on_commit_callbacks) == {}
    rows = procedure.reminders.filter(offset_days=1)
    assert set(rows.values_list("status", "reason")) == {
        ("skipped", reminders_dispatch.REASON_TEXTS_STOPPED)
    }


def test_caregiver_copies_stay_email(
    procedure, ny_patient, caregiver_link, django_capture_on_commit_callbacks
):
    choose(ny_patient, "sms")
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=1), tick=False):
        dispatch(django_capture_on_commit_callbacks)
    reminder = procedure.reminders.get(kind="lifting_restriction", offset_days=1)
    copies = messages_of(reminder, category="reminder-copy")
    assert set(copies.values_list("channel", "to")) == {("email", "ann@care.test")}


def settle(message, status, error=""):
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(status=status, last_error=error)
        message.status, message.last_error = status, error
        message.sent_at = timezone.now() if status == "sent" else None
        messages_settled.send(sender="reminder", messages=[message])


def test_sent_when_one_patient_message_is_accepted_failed_when_all_failed(
    procedure, ny_patient, django_capture_on_commit_callbacks
):
    choose(ny_patient, "both")
    first = queued_channels(procedure, django_capture_on_commit_callbacks)
    settle(first["sms"], "failed", "PermanentSendError: bad number")
    reminder = procedure.reminders.get(kind="lifting_restriction", offset_days=1)
    assert Reminder.objects.get(pk=reminder.pk).status == "scheduled"  # the email may still go
    settle(first["email"], "sent")
    assert Reminder.objects.get(pk=reminder.pk).status == "sent"
    other = procedure.reminders.get(kind="activity", offset_days=1)
    both = {m.channel: m for m in messages_of(other, category="reminder")}
    settle(both["email"], "failed", "SMTPRecipientsRefused: no such user")
    settle(both["sms"], "failed", "PermanentSendError: bad number")
    other.refresh_from_db()
    assert other.status == "failed"
    assert (
        "email: SMTPRecipientsRefused" in other.reason and "sms: PermanentSendError" in other.reason
    )


def test_an_sms_cancelled_at_send_time_by_stop_skips_an_sms_only_reminder(
    procedure, ny_patient, django_capture_on_commit_callbacks
):
    choose(ny_patient, "sms")
    sms = queued_channels(procedure, django_capture_on_commit_callbacks)["sms"]
    settle(sms, "cancelled", "the number texted STOP: no SMS is sent to it")
    reminder = Reminder.objects.get(pk=sms.ref_id)
    assert reminder.status == "skipped" and "texted STOP" in reminder.reason


def test_a_queued_sms_cancelled_by_an_inbound_stop_is_settled_by_the_dispatcher(
    procedure, ny_patient, django_capture_on_commit_callbacks
):
    """STOP cancels the queued SMS at once, outside any send (no settled hook): the dispatcher
    finds the reminder queued with nothing left to go out and records it skipped."""
    from outbox.delivery import sms_keyword_received

    choose(ny_patient, "sms")
    sms = queued_channels(procedure, django_capture_on_commit_callbacks)["sms"]
    assert sms_keyword_received(number=PHONE, body="STOP") == "stop"
    assert Message.objects.get(pk=sms.pk).status == "cancelled"
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=2), tick=False):
        dispatch(django_capture_on_commit_callbacks)
    assert Reminder.objects.get(pk=sms.ref_id).status == "scheduled"  # not stale yet
    with time_machine.travel(DAY_1 + dt.timedelta(minutes=7), tick=False):
        dispatch(django_capture_on_commit_callbacks)
    reminder = Reminder.objects.get(pk=sms.ref_id)
    assert reminder.status == "skipped" and "texted STOP" in reminder.reason
