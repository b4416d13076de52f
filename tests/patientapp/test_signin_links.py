"""Sign-in links from reminder emails: GET signs nobody in, POST does, once, on that day."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from outbox.models import Message
from patientapp.models import SignInLink
from patientapp.services import signin_digest, signin_link_expiry, signin_link_issue
from recovery.services import procedure_record
from tests.reminders.support import dispatch
from tests.support.outbox import html_of, sent_message


@pytest.fixture
def planned(patient):
    return procedure_record(
        patient=patient,
        data={
            "procedure_type": "kyphoplasty",
            "performed_on": timezone.now().date(),
            "vertebral_levels": ["L1"],
            "cause": "osteoporosis",
            "pre_procedure_pain": 8,
        },
    )


def token_in(text: str) -> str:
    return text.split("/app/l/", 1)[1].split("/", 1)[0]


def test_every_reminder_email_carries_a_signin_link_in_text_and_html(
    planned, django_capture_on_commit_callbacks
):
    reminder = planned.reminders.order_by("due_at").first()
    with time_machine.travel(reminder.due_at + dt.timedelta(minutes=1), tick=False):
        dispatch(django_capture_on_commit_callbacks)
        row = Message.objects.get(ref_type="reminder", ref_id=reminder.pk, channel="email")
        message = sent_message(row)
    html = html_of(message)
    assert "http://testserver/app/l/" in message.body
    assert "http://testserver/app/l/" in html
    assert "Check in now" in message.body and "Check in now" in html
    assert token_in(message.body) == token_in(html)
    # One link per email, stored only as a digest.
    links = SignInLink.objects.filter(patient=reminder.patient, purpose="checkin")
    assert links.count() == Message.objects.filter(ref_type="reminder").count()
    assert signin_digest(token_in(message.body)) in set(
        links.values_list("token_digest", flat=True)
    )


def test_get_shows_who_and_signs_nobody_in(client, patient):
    token = signin_link_issue(patient=patient)
    response = client.get(f"/app/l/{token}/")
    assert response.status_code == 200
    assert "Continue as B. S." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SignInLink.objects.get().used_at is None
    assert "no-store" in response["Cache-Control"]


def test_post_signs_in_once_and_lands_on_the_checkin(client, patient):
    token = signin_link_issue(patient=patient)
    response = client.post(f"/app/l/{token}/")
    assert response.status_code == 302 and response["Location"] == "/app/checkin/"
    assert int(client.session["_auth_user_id"]) == patient.user_id
    assert client.session["via_link"] is True
    assert client.get("/app/checkin/").status_code == 200

    other = client.__class__()
    again = other.post(f"/app/l/{token}/")
    assert again.status_code == 200
    assert b"This link has run out" in again.content
    assert b'name="password"' in again.content  # a sign-in form, not an error
    assert "_auth_user_id" not in other.session


def test_an_expired_link_shows_a_signin_form(client, patient):
    token = signin_link_issue(patient=patient)
    later = SignInLink.objects.get().expires_at + dt.timedelta(seconds=1)
    with time_machine.travel(later):
        for response in (client.get(f"/app/l/{token}/"), client.post(f"/app/l/{token}/")):
            assert response.status_code == 200
            assert b"This link has run out" in response.content
    assert "_auth_user_id" not in client.session
    assert SignInLink.objects.get().used_at is None


@pytest.mark.parametrize("token", ["not-a-token", "x" * 300, "%00"])
def test_a_tampered_link_shows_a_signin_form(client, patient, token):
    signin_link_issue(patient=patient)
    for response in (client.get(f"/app/l/{token}/"), client.post(f"/app/l/{token}/")):
        assert response.status_code == 200
        assert b'name="password"' in response.content
    assert "_auth_user_id" not in client.session


def test_a_link_lives_to_the_end_of_the_local_day_and_at_least_12_hours(patient, settings):
    patient.timezone = "America/New_York"
    tz = zoneinfo.ZoneInfo("America/New_York")
    morning = dt.datetime(2026, 3, 6, 8, 0, tzinfo=tz)
    assert signin_link_expiry(patient=patient, now=morning) == dt.datetime(2026, 3, 7, tzinfo=tz)
    evening = dt.datetime(2026, 3, 6, 21, 0, tzinfo=tz)
    assert signin_link_expiry(patient=patient, now=evening) == evening + dt.timedelta(hours=12)
    settings.SIGNIN_LINK_MIN_HOURS = 20
    assert signin_link_expiry(patient=patient, now=morning) == morning + dt.timedelta(hours=20)


def test_a_link_is_bound_to_its_purpose(client, patient):
    from patientapp.services import signin_link_peek, signin_link_use

    token = signin_link_issue(patient=patient)
    assert signin_link_peek(token=token, purpose="other") is None
    assert signin_link_use(token=token, purpose="other") is None
    assert signin_link_use(token=token).patient == patient


def test_a_link_session_must_give_the_password_to_change_it(client, patient):
    token = signin_link_issue(patient=patient)
    client.post(f"/app/l/{token}/")
    response = client.post(
        "/app/settings/",
        {"form": "password", "current_password": "", "new_password": "a brand new passphrase 77"},
    )
    assert response.status_code == 400
    assert b"Enter your current password" in response.content
    response = client.post(
        "/app/settings/",
        {
            "form": "password",
            "current_password": "wrong",
            "new_password": "a brand new passphrase 77",
        },
    )
    assert response.status_code == 400
    patient.user.refresh_from_db()
    assert patient.user.check_password("correct-horse-battery-staple")
    response = client.post(
        "/app/settings/",
        {
            "form": "password",
            "current_password": "correct-horse-battery-staple",
            "new_password": "a brand new passphrase 77",
        },
    )
    assert response.status_code == 302
    patient.user.refresh_from_db()
    assert patient.user.check_password("a brand new passphrase 77")
    assert client.get("/app/").status_code == 200  # still signed in


def test_a_discharged_patients_link_is_not_spent(client, patient, clinician):
    """Issue 23, low 16: it signs nobody in, so it is left as it was."""
    from recovery.lifecycle import patient_discharge

    token = signin_link_issue(patient=patient)
    patient_discharge(patient=patient, by=clinician, reason="recovered", note="")
    response = client.post(f"/app/l/{token}/")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert SignInLink.objects.get().used_at is None
