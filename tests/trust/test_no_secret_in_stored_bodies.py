"""No secret left in a stored email body (probe finding 2, beyond enrollment codes and resets):
the invitations' single-use links are put in at send time and forgotten once sent, and the
reminders' sign-in links are never stored at all."""

import datetime as dt
import re
from unittest.mock import patch

import pytest
import time_machine
from django.core import mail
from django.test import Client

from caregivers import services as caregivers
from outbox.models import SECRET_PLACEHOLDER, Message
from outbox.tasks import messages_send_task
from recovery import teams
from recovery.models import TeamMembership
from recovery.services import procedure_record
from reminders import services as reminders
from reminders.models import Reminder
from reminders.tasks import reminders_dispatch_task, reminders_send_task
from tests.factories import CaregiverFactory, CareLinkFactory, PatientFactory
from tests.reminders.conftest import NY, procedure_data
from tests.support.outbox import html_of, rows_holding, sent_message

pytestmark = pytest.mark.django_db


def test_the_team_invitation_link_is_filled_in_at_send_time_and_forgotten(
    clinician, team, django_capture_on_commit_callbacks
):
    TeamMembership.objects.filter(careteam=team, user=clinician).update(is_admin=True)
    with django_capture_on_commit_callbacks():
        teams.team_invite(team=team, by=clinician, email="new@clinic.test")
    row = Message.objects.get(category="team-invitation")
    assert SECRET_PLACEHOLDER in row.body_text and SECRET_PLACEHOLDER in row.body_html
    token = row.secret
    assert token and token not in row.body_text + row.body_html

    message = sent_message(row)
    url = f"http://testserver/dashboard/invite/{token}/"
    assert url in message.body and url in html_of(message)
    assert SECRET_PLACEHOLDER not in message.body
    assert rows_holding(token) == []
    assert Client().get(f"/dashboard/invite/{token}/").status_code == 200


def test_the_caregiver_invitation_link_is_filled_in_at_send_time_and_forgotten(
    patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        caregivers.carelink_invite(
            patient=patient,
            email="ann@care.test",
            name="Ann Hill",
            relationship="daughter",
            invited_by=patient.user,
        )
    row = Message.objects.get(category="caregiver-invitation")
    token = row.secret
    assert token and SECRET_PLACEHOLDER in row.body_text and token not in row.body_html

    message = sent_message(row)
    url = f"http://testserver/app/caregiver/accept/{token}/"
    assert url in message.body and url in html_of(message)
    assert rows_holding(token) == []
    assert Client().get(f"/app/caregiver/accept/{token}/").status_code == 200


def test_a_revoked_invitation_forgets_its_link_unsent(patient):
    link = caregivers.carelink_invite(
        patient=patient,
        email="ann@care.test",
        name="Ann Hill",
        relationship="daughter",
        invited_by=patient.user,
    )
    token = Message.objects.get(category="caregiver-invitation").secret
    caregivers.carelink_revoke(link=link, by=patient.user)
    row = Message.objects.get(category="caregiver-invitation")
    assert (row.status, row.secret) == ("cancelled", "")
    assert rows_holding(token) == []


def test_a_reminders_sign_in_link_is_rendered_at_send_time_and_stored_nowhere(
    team, django_capture_on_commit_callbacks
):
    """The patient's reminder is rendered when it is sent and never stored (Reminder has no
    body); the caregiver's copy, an outbox row, holds its own sign-in link as the secret."""
    rosa = PatientFactory(
        team=team, first_name="Rosa", user__email="rosa@patient.test", timezone="America/New_York"
    )
    CareLinkFactory(
        patient=rosa,
        caregiver=CaregiverFactory(email="ann@care.test"),
        receives_reminders=True,
    )
    with time_machine.travel(dt.datetime(2026, 2, 20, 15, 0, tzinfo=NY), tick=False):
        procedure_record(patient=rosa, data=procedure_data(cause="osteoporosis"))
    with time_machine.travel(dt.datetime(2026, 2, 21, 9, 1, tzinfo=NY), tick=False):
        with (
            patch.object(reminders_send_task, "delay") as wake,
            django_capture_on_commit_callbacks(execute=True),
        ):
            reminders_dispatch_task()
        handed = [pk for call in wake.call_args_list for pk in call.args[0]]
        with (
            patch.object(messages_send_task, "delay"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            reminders.reminders_send(reminder_ids=handed)
        copies = list(Message.objects.filter(category="reminder-copy"))
        assert copies
        for copy in copies:
            sent_message(copy)
    tokens = [
        token
        for message in mail.outbox
        if message.to == ["rosa@patient.test"]
        for token in re.findall(r"/app/l/([\w-]+)/", message.body)
    ]
    assert tokens  # the patient's reminders carry their sign-in links
    for token in tokens:
        assert rows_holding(token) == []
    # The caregiver's copy carries a link of its own (it signs in the caregiver), kept out
    # of the stored body like every secret: sent, it is nowhere in the database.
    copy_tokens = [
        token
        for message in mail.outbox
        if message.to == ["ann@care.test"]
        for token in re.findall(r"/app/l/([\w-]+)/", message.body)
    ]
    assert copy_tokens and not set(copy_tokens) & set(tokens)
    for token in copy_tokens:
        assert rows_holding(token) == []


def test_a_reminder_copy_is_never_handed_the_patients_sign_in_link(patient, caregiver, link):
    """The patient's link signs in the patient: the caregiver's copy must not even be able to
    show it (the copy's template, the other side of this seam, may change)."""
    from caregivers import copies

    link.receives_reminders = True
    link.save(update_fields=["receives_reminders"])
    reminder = Reminder(pk=1, patient=patient, kind="checkin")
    handed = []
    real = copies.email_queue

    def spy(**kwargs):
        handed.append(kwargs["context"])
        return real(**kwargs)

    context = {"first_name": "Bob", "signin_url": "http://testserver/app/l/patient-token/"}
    with patch.object(copies, "email_queue", spy):
        assert copies.reminder_copies_queue(reminder=reminder, context=context, links=[link]) == 1
    assert handed and "signin_url" not in handed[0]
    assert rows_holding("patient-token") == []
