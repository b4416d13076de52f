"""Copies of the patient's reminders for caregivers the patient chose: outbox rows queued by
the dispatcher with the patient's own messages, stopped by revocation, and unsubscribed by the
caregiver alone."""

import datetime as dt
import smtplib
from unittest.mock import patch

import pytest
import time_machine

from caregivers.models import CaregiverReminderOptOut
from outbox import sending
from outbox.models import Message
from recovery.services import procedure_record
from reminders.models import Reminder, ReminderOptOut
from tests.factories import CaregiverFactory, CareLinkFactory, PatientFactory
from tests.reminders.conftest import NY, procedure_data
from tests.reminders.support import dispatch

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


def send_batch(ids, capture=None) -> int:
    """What the worker does with the ids the dispatcher woke."""
    return sending.messages_send(ids=ids)


def reminder_ids(ids) -> list[int]:
    return list(
        Message.objects.filter(pk__in=ids, category="reminder").values_list("ref_id", flat=True)
    )


def copies():
    return Message.objects.filter(category="reminder-copy").order_by("id")


def test_a_sent_reminder_queues_one_copy_per_caregiver_who_asked(
    procedure, ann, ny_patient, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example"
    quiet = CaregiverFactory(email="quiet@care.test")
    CareLinkFactory(patient=ny_patient, caregiver=quiet, receives_reminders=False)
    with time_machine.travel(DAY_1, tick=False):
        woken = dispatch(django_capture_on_commit_callbacks)
        send_batch(woken)
    # The patient's own three reminders of day 1, and Ann's three copies, woken together.
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@care.test"] * 3 + ["rosa@patient.test"] * 3
    assert Reminder.objects.filter(pk__in=reminder_ids(woken), status="sent").count() == 3
    assert [c.to for c in copies()] == ["ann@care.test"] * 3
    assert set(copies().values_list("pk", flat=True)) < set(woken)
    assert set(copies().values_list("ref_type", "status")) == {("reminder", "sent")}
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
        send_batch(dispatch(django_capture_on_commit_callbacks))
    copy = copies().first()
    assert "/app/l/" in copy.body_text and "/app/l/" in copy.body_html
    # The patient's three links, and one per copy bound to Ann: hers signs in Ann.
    mine = SignInLink.objects.filter(user=ann)
    assert mine.count() == copies().count() == 3
    assert {link.patient for link in mine} == {ny_patient}
    assert SignInLink.objects.filter(user=None).count() == 3


def test_a_copy_points_at_its_reminder_and_never_decides_its_state(
    procedure, ann, django_capture_on_commit_callbacks
):
    """Before the one outbox a copy was written when the patient's message was accepted; now
    the dispatcher queues it with the patient's message, and only the patient's message
    decides whether the reminder is sent."""
    reminder = procedure.reminders.get(kind="checkin", offset_days=1)
    with time_machine.travel(DAY_1, tick=False):
        dispatch(django_capture_on_commit_callbacks)
    copy = copies().get(ref_id=reminder.pk)
    own = Message.objects.get(ref_type="reminder", ref_id=reminder.pk, category="reminder")
    assert copy.headers["X-Reminder-Id"] == str(reminder.pk)
    with time_machine.travel(DAY_1, tick=False):
        assert send_batch([copy.pk]) == 1
    assert Reminder.objects.get(pk=reminder.pk).status == "scheduled"  # a copy does not count
    with (
        time_machine.travel(DAY_1, tick=False),
        patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPException),
    ):
        assert send_batch([own.pk]) == 0
    assert Reminder.objects.get(pk=reminder.pk).status == "scheduled"  # retried by the outbox


def test_no_copy_when_the_patient_opted_out_and_the_reminder_is_skipped(
    procedure, ann, ny_patient, django_capture_on_commit_callbacks
):
    ReminderOptOut.objects.create(patient=ny_patient, kind="all")
    with time_machine.travel(DAY_1, tick=False):
        send_batch(dispatch(django_capture_on_commit_callbacks))
    assert not copies().exists()


def test_revoking_stops_the_copies(
    api, procedure, ann, ny_patient, django_capture_on_commit_callbacks
):
    link = ny_patient.care_links.get()
    assert api(ny_patient.user).delete(f"/api/v1/me/caregivers/{link.pk}/").status_code == 204
    with time_machine.travel(DAY_1, tick=False):
        send_batch(dispatch(django_capture_on_commit_callbacks))
    assert Reminder.objects.filter(status="sent").count() == 3
    assert not copies().exists()


def test_a_caregivers_unsubscribe_link_stops_only_their_copies(
    client, procedure, ann, ny_patient, django_capture_on_commit_callbacks
):
    reminder = procedure.reminders.get(kind="checkin", offset_days=1)
    with time_machine.travel(DAY_1, tick=False):
        send_batch(dispatch(django_capture_on_commit_callbacks))
    copy = copies().get(ref_id=reminder.pk)
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

    day_1_copies = copies().count()
    with time_machine.travel(DAY_1 + dt.timedelta(days=1), tick=False):
        woken = dispatch(django_capture_on_commit_callbacks)
        send_batch(woken)
    day_2 = Reminder.objects.filter(pk__in=reminder_ids(woken))
    assert day_2.filter(status="sent").count() == day_2.count() > 0
    # Day 2's copies: every kind but the one Ann stopped.
    assert "checkin" in set(day_2.values_list("kind", flat=True))
    assert copies().count() == day_1_copies + day_2.count() - 1


def test_a_tampered_caregiver_unsubscribe_link_is_a_404(client):
    response = client.post("/unsubscribe/caregiver/not-a-token/")
    assert response.status_code == 404
    assert not CaregiverReminderOptOut.objects.exists()


def test_revoking_cancels_the_links_unsent_emails_only(
    api, procedure, ann, ny_patient, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAY_1, tick=False):
        dispatch(django_capture_on_commit_callbacks)
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
    assert set(copies().values_list("status", flat=True)) == {"cancelled"}  # the unsent copies
    assert statuses["rosa@patient.test"] == "queued"  # the patient's own go out
    assert statuses["new@care.test"] == "cancelled"  # the unsent invitation
    assert statuses["kept@care.test"] == "queued"  # another link's email goes out
