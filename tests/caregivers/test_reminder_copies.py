"""Copies of the patient's reminders for caregivers the patient chose: written with the
`sent` mark (outbox rows), stopped by revocation, and unsubscribed by the caregiver alone."""

import datetime as dt
import smtplib
from unittest.mock import patch

import pytest
import time_machine

from caregivers.models import CaregiverReminderOptOut
from outbox.models import Message
from outbox.tasks import messages_send_task
from recovery.services import procedure_record
from reminders import services
from reminders.models import Reminder, ReminderOptOut
from reminders.tasks import reminders_dispatch_task, reminders_send_task
from tests.factories import CaregiverFactory, CareLinkFactory, PatientFactory
from tests.reminders.conftest import NY, procedure_data

pytestmark = pytest.mark.django_db

DAY_1 = dt.datetime(2026, 2, 21, 9, 1, tzinfo=NY)


@pytest.fixture
def ny_patient(team):
    return PatientFactory(
        team=team, first_name="Rosa", user__email="rosa@patient.test", timezone="America/New_York"
    )


@pytest.fixture
def procedure(ny_patient):
    with time_machine.travel(dt.datetime(2026, 2, 20, 15, 0, tzinfo=NY), tick=False):
        return procedure_record(patient=ny_patient, data=procedure_data(cause="osteoporosis"))


@pytest.fixture
def ann(ny_patient):
    user = CaregiverFactory(email="ann@care.test", first_name="Ann", last_name="Diaz")
    CareLinkFactory(patient=ny_patient, caregiver=user, receives_reminders=True)
    return user


def dispatch(capture) -> list[int]:
    with patch.object(reminders_send_task, "delay") as wake, capture(execute=True):
        reminders_dispatch_task()
    return [pk for call in wake.call_args_list for pk in call.args[0]]


def send_batch(ids, capture) -> list[int]:
    """Send a dispatched batch; return the outbox ids woken after commit."""
    with patch.object(messages_send_task, "delay") as wake, capture(execute=True):
        services.reminders_send(reminder_ids=ids)
    return [pk for call in wake.call_args_list for pk in call.args[0]]


def copies():
    return Message.objects.filter(category="reminder-copy").order_by("id")


def test_a_sent_reminder_queues_one_copy_per_caregiver_who_asked(
    procedure, ann, ny_patient, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example"
    quiet = CaregiverFactory(email="quiet@care.test")
    CareLinkFactory(patient=ny_patient, caregiver=quiet, receives_reminders=False)
    with time_machine.travel(DAY_1, tick=False):
        handed = dispatch(django_capture_on_commit_callbacks)
        woken = send_batch(handed, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 3  # the patient's own three reminders of day 1
    assert Reminder.objects.filter(pk__in=handed, status="sent").count() == 3
    assert [c.to for c in copies()] == ["ann@care.test"] * 3
    assert woken == list(copies().values_list("pk", flat=True))
    copy = copies().first()
    assert copy.subject.startswith("For Rosa: ")
    assert "Hello Ann Diaz" in copy.body_text
    assert "https://tracker.example/unsubscribe/caregiver/" in copy.body_text
    assert copy.headers["List-Unsubscribe"].startswith(
        "<https://tracker.example/unsubscribe/caregiver/"
    )
    assert "/unsubscribe/caregiver/" in copy.body_html


def test_a_copys_signin_link_is_bound_to_the_caregiver(
    procedure, ann, ny_patient, django_capture_on_commit_callbacks
):
    from patientapp.models import SignInLink

    with time_machine.travel(DAY_1, tick=False):
        send_batch(dispatch(django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    copy = copies().first()
    assert "/app/l/" in copy.body_text and "/app/l/" in copy.body_html
    # The patient's three links, and one per copy bound to Ann: hers signs in Ann.
    mine = SignInLink.objects.filter(user=ann)
    assert mine.count() == copies().count() == 3
    assert {link.patient for link in mine} == {ny_patient}
    assert SignInLink.objects.filter(user=None).count() == 3


def test_the_single_send_path_queues_the_copy_too(
    procedure, ann, django_capture_on_commit_callbacks
):
    reminder = procedure.reminders.get(kind="checkin", offset_days=1)
    with time_machine.travel(DAY_1, tick=False):
        dispatch(django_capture_on_commit_callbacks)
        assert services.reminder_send(reminder_id=reminder.pk) == "sent"
    assert [c.to for c in copies()] == ["ann@care.test"]


def test_no_copy_when_the_patients_message_was_not_accepted(
    procedure, ann, django_capture_on_commit_callbacks
):
    reminder = procedure.reminders.get(kind="checkin", offset_days=1)
    with (
        time_machine.travel(DAY_1, tick=False),
        patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPException),
    ):
        dispatch(django_capture_on_commit_callbacks)
        assert services.reminder_send(reminder_id=reminder.pk) == "retry"
    assert not copies().exists()


def test_no_copy_when_the_patient_opted_out_and_the_reminder_is_skipped(
    procedure, ann, ny_patient, django_capture_on_commit_callbacks
):
    ReminderOptOut.objects.create(patient=ny_patient, kind="all")
    with time_machine.travel(DAY_1, tick=False):
        send_batch(dispatch(django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    assert not copies().exists()


def test_revoking_stops_the_copies(
    api, procedure, ann, ny_patient, django_capture_on_commit_callbacks
):
    link = ny_patient.care_links.get()
    assert api(ny_patient.user).delete(f"/api/v1/me/caregivers/{link.pk}/").status_code == 204
    with time_machine.travel(DAY_1, tick=False):
        send_batch(dispatch(django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    assert Reminder.objects.filter(status="sent").count() == 3
    assert not copies().exists()


def test_a_caregivers_unsubscribe_link_stops_only_their_copies(
    client, procedure, ann, ny_patient, django_capture_on_commit_callbacks
):
    reminder = procedure.reminders.get(kind="checkin", offset_days=1)
    with time_machine.travel(DAY_1, tick=False):
        dispatch(django_capture_on_commit_callbacks)
        services.reminder_send(reminder_id=reminder.pk)
    copy = copies().get()
    url = copy.headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")
    url = url[url.index("/unsubscribe/") :]
    page = client.get(url)
    assert page.status_code == 200
    assert "Rosa still gets their own reminders" in page.content.decode()
    assert not CaregiverReminderOptOut.objects.exists()  # a GET changes nothing
    # RFC 8058 one-click: no cookie, no CSRF token.
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    link = ny_patient.care_links.get()
    assert list(CaregiverReminderOptOut.objects.values_list("link", "kind")) == [
        (link.pk, "checkin")
    ]
    assert not ReminderOptOut.objects.exists()  # the patient's reminders go on

    with time_machine.travel(DAY_1 + dt.timedelta(days=1), tick=False):
        handed = dispatch(django_capture_on_commit_callbacks)
        send_batch(handed, django_capture_on_commit_callbacks)
    day_2 = Reminder.objects.filter(pk__in=handed)
    assert day_2.filter(status="sent").count() == len(handed) > 0
    # Day 2's copies: every kind but the one Ann stopped.
    assert "checkin" in set(day_2.values_list("kind", flat=True))
    assert copies().count() == 1 + len(handed) - 1


def test_a_tampered_caregiver_unsubscribe_link_is_a_404(client):
    response = client.post("/unsubscribe/caregiver/not-a-token/")
    assert response.status_code == 404
    assert not CaregiverReminderOptOut.objects.exists()


def test_revoking_cancels_the_links_unsent_emails_only(
    api, procedure, ann, ny_patient, django_capture_on_commit_callbacks
):
    reminder = procedure.reminders.get(kind="checkin", offset_days=1)
    with time_machine.travel(DAY_1, tick=False):
        dispatch(django_capture_on_commit_callbacks)
        services.reminder_send(reminder_id=reminder.pk)
    kept = api(ny_patient.user).post(
        "/api/v1/me/caregivers/",
        {"email": "kept@care.test", "name": "Kim Kept", "relationship": "son"},
        format="json",
    )
    assert kept.status_code == 201
    invited = api(ny_patient.user).post(
        "/api/v1/me/caregivers/",
        {"email": "new@care.test", "name": "Nia New", "relationship": "friend"},
        format="json",
    )
    link = ny_patient.care_links.get(caregiver=ann)
    client = api(ny_patient.user)
    assert client.delete(f"/api/v1/me/caregivers/{link.pk}/").status_code == 204
    assert client.delete(f"/api/v1/me/caregivers/{invited.json()['id']}/").status_code == 204
    statuses = dict(Message.objects.values_list("to", "status"))
    assert statuses["ann@care.test"] == "cancelled"  # the unsent copy
    assert statuses["new@care.test"] == "cancelled"  # the unsent invitation
    assert statuses["kept@care.test"] == "queued"  # another link's email goes out
