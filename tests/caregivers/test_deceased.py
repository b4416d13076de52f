"""A patient who died: every message about them stops at once, their caregivers' too
(issue 15 "deceased silences every message to the patient and their caregivers at once")."""

import datetime as dt
from unittest.mock import patch

import pytest
import time_machine

from caregivers import services as caregivers
from caregivers.copies import reminder_copies_queue
from outbox.models import Message
from outbox.tasks import messages_send_task
from recovery import lifecycle
from recovery.services import procedure_record
from reminders import services as reminders
from reminders.models import Reminder
from reminders.tasks import reminders_dispatch_task, reminders_send_task
from tests.factories import CaregiverFactory, CareLinkFactory, PatientFactory
from tests.reminders.conftest import NY, procedure_data

pytestmark = pytest.mark.django_db

DAY_1 = dt.datetime(2026, 2, 21, 9, 1, tzinfo=NY)


@pytest.fixture
def rosa(team):
    return PatientFactory(
        team=team, first_name="Rosa", user__email="rosa@patient.test", timezone="America/New_York"
    )


@pytest.fixture
def procedure(rosa):
    with time_machine.travel(dt.datetime(2026, 2, 20, 15, 0, tzinfo=NY), tick=False):
        return procedure_record(patient=rosa, data=procedure_data(cause="osteoporosis"))


@pytest.fixture
def ann(rosa):
    """Rosa's daughter, who gets copies of Rosa's reminders, and helps another patient too."""
    return CaregiverFactory(email="ann@care.test", first_name="Ann", last_name="Diaz")


def dispatch(capture) -> list[int]:
    with patch.object(reminders_send_task, "delay") as wake, capture(execute=True):
        reminders_dispatch_task()
    return [pk for call in wake.call_args_list for pk in call.args[0]]


def send_batch(ids, capture) -> None:
    with patch.object(messages_send_task, "delay"), capture(execute=True):
        reminders.reminders_send(reminder_ids=ids)


def status_of(email) -> str:
    return Message.objects.get(pk=email.pk).status


def test_deceased_cancels_the_caregivers_invitations_and_copies_about_the_patient(
    procedure, rosa, ann, team, clinician, django_capture_on_commit_callbacks
):
    CareLinkFactory(patient=rosa, caregiver=ann, receives_reminders=True)
    other = PatientFactory(team=team, first_name="Ines", user__email="ines@patient.test")
    CareLinkFactory(patient=other, caregiver=ann, receives_reminders=True)
    with django_capture_on_commit_callbacks():
        invitation = caregivers.carelink_invite(
            patient=rosa,
            email="son@care.test",
            name="Luis Diaz",
            relationship="son",
            invited_by=rosa.user,
        )
        about_other = caregivers.carelink_invite(
            patient=other,
            email="friend@care.test",
            name="Pat Friend",
            relationship="friend",
            invited_by=other.user,
        )
    invitation_email = Message.objects.get(headers__contains={"X-Care-Link": str(invitation.pk)})
    other_invitation = Message.objects.get(headers__contains={"X-Care-Link": str(about_other.pk)})
    with time_machine.travel(DAY_1, tick=False):
        handed = dispatch(django_capture_on_commit_callbacks)
        send_batch(handed, django_capture_on_commit_callbacks)
    rosa_copies = list(Message.objects.filter(category="reminder-copy", status="queued"))
    assert rosa_copies and {c.to for c in rosa_copies} == {"ann@care.test"}
    # A copy of the other patient's reminder to the same caregiver.
    other_copy = Message.objects.create(
        to="ann@care.test",
        subject="For Ines",
        body_text="copy",
        category="reminder-copy",
        headers={"X-Care-Link": str(other.care_links.get(caregiver=ann).pk)},
    )
    to_team = Message.objects.create(
        to=clinician.email, subject="alert", body_text="x", category="alert"
    )

    lifecycle.patient_discharge(patient=rosa, by=clinician, reason="deceased")

    assert status_of(invitation_email) == "cancelled"
    assert all(status_of(c) == "cancelled" for c in rosa_copies)
    assert Message.objects.get(pk=invitation_email.pk).secret == ""
    # Emails about somebody else, and to the care team, still go.
    assert status_of(other_invitation) == "queued"
    assert status_of(other_copy) == "queued"
    assert status_of(to_team) == "queued"


def test_recovered_leaves_the_caregivers_emails_alone(rosa, ann, clinician):
    link = CareLinkFactory(patient=rosa, caregiver=ann, receives_reminders=True)
    copy = Message.objects.create(
        to="ann@care.test",
        subject="For Rosa",
        body_text="copy",
        category="reminder-copy",
        headers={"X-Care-Link": str(link.pk)},
    )
    lifecycle.patient_discharge(patient=rosa, by=clinician, reason="recovered")
    assert status_of(copy) == "queued"


def test_no_copy_is_made_of_a_reminder_in_flight_when_the_patient_is_discharged(
    procedure, rosa, ann, clinician, mailoutbox, django_capture_on_commit_callbacks
):
    """The race: the patient's reminder is at the SMTP server when the discharge commits. It
    is sent (it was already leaving) and marked so, but no copy goes to the caregiver."""
    CareLinkFactory(patient=rosa, caregiver=ann, receives_reminders=True)
    real_message = reminders.reminder_message

    def discharged_while_sending(*, reminder):
        message = real_message(reminder=reminder)
        if Reminder.objects.filter(patient=rosa, status="sent").count() == 0:
            lifecycle.patient_discharge(patient=rosa, by=clinician, reason="deceased")
        return message

    with time_machine.travel(DAY_1, tick=False):
        handed = dispatch(django_capture_on_commit_callbacks)
        with patch.object(reminders, "reminder_message", discharged_while_sending):
            send_batch(handed, django_capture_on_commit_callbacks)
    assert len(mailoutbox) >= 1  # the message in flight left
    assert Reminder.objects.filter(patient=rosa, status="sent").exists()
    assert not Message.objects.filter(category="reminder-copy").exists()


def test_a_discharged_patients_reminder_makes_no_copy(procedure, rosa, ann, clinician):
    link = CareLinkFactory(patient=rosa, caregiver=ann, receives_reminders=True)
    reminder = Reminder.objects.filter(patient=rosa).first()
    lifecycle.patient_discharge(patient=rosa, by=clinician, reason="transferred")
    rosa.refresh_from_db()
    assert reminder_copies_queue(reminder=reminder, context={}, links=[link]) == 0
    assert not Message.objects.filter(category="reminder-copy").exists()
