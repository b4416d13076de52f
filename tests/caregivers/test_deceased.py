"""A patient who died: every message about them stops at once, their caregivers' too
(issue 15 "deceased silences every message to the patient and their caregivers at once")."""

import datetime as dt
from unittest.mock import patch

import pytest
import time_machine

from caregivers import services as caregivers
from outbox import sending, transports
from outbox.models import Message
from recovery import lifecycle
from recovery.services import procedure_record
from reminders.models import Reminder
from tests.factories import CaregiverFactory, CareLinkFactory, PatientFactory
from tests.reminders.conftest import NY, procedure_data
from tests.reminders.support import dispatch

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
        dispatch(django_capture_on_commit_callbacks)
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
    # Rosa's own queued reminders, and the reminders themselves, with the reason.
    own = Message.objects.filter(category="reminder", to="rosa@patient.test")
    assert own.exists() and set(own.values_list("status", flat=True)) == {"cancelled"}
    assert set(
        Reminder.objects.filter(patient=rosa, offset_days=1).values_list("status", "reason")
    ) == {("cancelled", "The patient was discharged (deceased).")}
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


def test_no_copy_goes_out_of_a_reminder_in_flight_when_the_patient_is_discharged(
    procedure, rosa, ann, clinician, mailoutbox, django_capture_on_commit_callbacks
):
    """The race: the patient's reminder is at the SMTP server when the discharge commits. It
    is sent (it was already leaving) and marked so, but no copy goes to the caregiver."""
    CareLinkFactory(patient=rosa, caregiver=ann, receives_reminders=True)
    real_send = transports.EmailTransport.send

    def discharged_while_sending(self, message):
        if not Reminder.objects.filter(patient=rosa, status="cancelled").exists():
            lifecycle.patient_discharge(patient=rosa, by=clinician, reason="deceased")
        return real_send(self, message)

    with time_machine.travel(DAY_1, tick=False):
        dispatch(django_capture_on_commit_callbacks)
        own = Message.objects.filter(category="reminder", to="rosa@patient.test")
        first = own.order_by("pk").first()
        with patch.object(transports.EmailTransport, "send", discharged_while_sending):
            assert sending.messages_send(ids=[first.pk]) == 1  # the worker held it already
        copies = Message.objects.filter(category="reminder-copy")
        assert sending.messages_send(ids=list(copies.values_list("pk", flat=True))) == 0
    assert [m.to for m in mailoutbox] == [["rosa@patient.test"]]  # the message in flight left
    assert Reminder.objects.get(pk=first.ref_id).status == "sent"
    assert copies.exists() and set(copies.values_list("status", flat=True)) == {"cancelled"}
    assert set(own.exclude(pk=first.pk).values_list("status", flat=True)) == {"cancelled"}


def test_a_discharged_patients_reminder_makes_no_copy(
    procedure, rosa, ann, clinician, django_capture_on_commit_callbacks
):
    CareLinkFactory(patient=rosa, caregiver=ann, receives_reminders=True)
    lifecycle.patient_discharge(patient=rosa, by=clinician, reason="transferred")
    # Even a reminder put back by hand: the dispatcher skips it, and makes no copy.
    Reminder.objects.filter(patient=rosa, offset_days=1).update(status="scheduled", reason="")
    with time_machine.travel(DAY_1, tick=False):
        assert dispatch(django_capture_on_commit_callbacks) == []
    assert not Message.objects.filter(category__in=["reminder", "reminder-copy"]).exists()
    assert set(
        Reminder.objects.filter(patient=rosa, offset_days=1).values_list("status", flat=True)
    ) == {"skipped"}
