"""No secret left in a stored email body (probe finding 2, beyond enrollment codes and resets):
the invitations' single-use links are put in at send time and forgotten once sent, and the
reminders' sign-in links (email, SMS, caregivers' copies) likewise."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from caregivers import services as caregivers
from outbox.models import SECRET_PLACEHOLDER, Message
from recovery import teams
from recovery.models import TeamMembership
from recovery.services import procedure_record
from reminders.models import Reminder
from tests.factories import CaregiverFactory, CareLinkFactory, PatientFactory, ProcedureFactory
from tests.reminders.conftest import NY, procedure_data
from tests.reminders.support import dispatch
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


def test_a_reminders_sign_in_links_are_filled_in_at_send_time_and_stored_nowhere(
    team, django_capture_on_commit_callbacks
):
    """The patient's reminder and the caregiver's copy are outbox rows: each holds its own
    sign-in link as the outbox's secret (the stored bodies a placeholder), forgotten once
    sent. (Before the one outbox the patient's reminder was rendered at send time, unstored.)"""
    rosa = PatientFactory(
        team=team,
        first_name="Rosa",
        user__email="rosa@patient.test",
        timezone="America/New_York",
        phone="+12025550142",
        sms_consent_at=dt.datetime(2026, 2, 1, tzinfo=NY),
        reminder_channel="both",
    )
    CareLinkFactory(
        patient=rosa,
        caregiver=CaregiverFactory(email="ann@care.test"),
        receives_reminders=True,
    )
    with time_machine.travel(dt.datetime(2026, 2, 20, 15, 0, tzinfo=NY), tick=False):
        procedure_record(patient=rosa, data=procedure_data(cause="osteoporosis"))
    with time_machine.travel(dt.datetime(2026, 2, 21, 9, 1, tzinfo=NY), tick=False):
        dispatch(django_capture_on_commit_callbacks)
        rows = list(Message.objects.filter(ref_type="reminder"))
        assert {(r.channel, r.category) for r in rows} == {
            ("email", "reminder"),
            ("sms", "reminder"),
            ("email", "reminder-copy"),
        }
        secrets = [r.secret for r in rows]
        assert all(secrets) and len(set(secrets)) == len(rows)  # one link per message
        for row in rows:
            assert row.secret not in row.body_text + row.body_html
            assert SECRET_PLACEHOLDER in row.body_text
        for row in rows:
            if row.channel == "email":
                sent_message(row)
    tokens = [
        token
        for message in mail.outbox
        if message.to == ["rosa@patient.test"]
        for token in re.findall(r"/app/l/([\w-]+)/", message.body)
    ]
    assert tokens  # the patient's reminders carry their sign-in links
    # The caregiver's copy carries a link of its own (it signs in the caregiver).
    copy_tokens = [
        token
        for message in mail.outbox
        if message.to == ["ann@care.test"]
        for token in re.findall(r"/app/l/([\w-]+)/", message.body)
    ]
    assert copy_tokens and not set(copy_tokens) & set(tokens)
    for token in tokens + copy_tokens:
        assert rows_holding(token) == []


def test_a_reminder_copy_is_never_handed_the_patients_sign_in_link(patient, caregiver, link):
    """The patient's link signs in the patient: the context a copy is built from holds no
    sign-in link at all (each message gets its own as the outbox's secret)."""
    from caregivers import copies
    from reminders.messages import reminder_context

    link.receives_reminders = True
    link.save(update_fields=["receives_reminders"])
    procedure = ProcedureFactory(patient=patient)
    reminder = Reminder(
        pk=1, patient=patient, procedure=procedure, kind="checkin", due_at=procedure.created_at
    )
    context = reminder_context(reminder=reminder)
    assert "signin_url" not in context and "secret" not in context
    copy = copies.reminder_copy_build(
        reminder=reminder, context=context, link=link, token="caregiver-token"
    )
    assert copy.secret == "caregiver-token" and "caregiver-token" not in copy.body_text
    assert copy.to == caregiver.email
