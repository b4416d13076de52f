"""Inviting a caregiver (API.md "Caregivers") and the invitation's accept page."""

import datetime as dt
import re
from unittest.mock import patch

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from accounts.models import User
from caregivers.models import CareLink
from outbox.models import Message
from outbox.tasks import messages_send_task
from tests.api.support import field_errors, nothing_created
from tests.factories import PASSWORD, CaregiverFactory, CareLinkFactory, PatientFactory
from tests.support.outbox import html_of, sent_message

NEW_PASSWORD = "a-long-new-caregiver-password"


def invite(client, url="/api/v1/me/caregivers/", **body):
    body = {"email": "ann@care.test", "name": "Ann Hill", "relationship": "daughter", **body}
    return client.post(url, body, format="json")


def token_of(email: Message) -> str:
    """The link's token, read in the message that left (the stored body has a placeholder)."""
    message = sent_message(email)
    [token] = set(re.findall(r"/app/caregiver/accept/([^/\s\"]+)/", message.body))
    assert f"/app/caregiver/accept/{token}/" in html_of(message)
    return token


def invited_token(api, patient, **body) -> str:
    assert invite(api(patient.user), **body).status_code == 201
    return token_of(Message.objects.filter(category="caregiver-invitation").latest("id"))


def test_a_patient_invites_and_the_email_is_queued_then_woken_after_commit(
    api, patient, django_capture_on_commit_callbacks
):
    with patch.object(messages_send_task, "delay") as wake:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = invite(api(patient.user))
        assert wake.call_count == 0  # the row first; the wake-up only after commit
        for callback in callbacks:
            callback()
    assert response.status_code == 201, response.content
    link = CareLink.objects.get()
    assert response.json() == {
        "id": link.pk,
        "email": "ann@care.test",
        "name": "Ann Hill",
        "relationship": "daughter",
        "status": "invited",
        "receives_reminders": False,
        "receives_alerts": True,
        "phone": "",
    }
    email = Message.objects.get(category="caregiver-invitation")
    assert email.to == "ann@care.test"
    assert f"{settings.SITE_URL}/app/caregiver/accept/" in email.body_text
    assert "BS" in email.body_text and "daughter" in email.body_text
    assert "Stone" not in email.body_text  # initials only, the address may be wrong
    assert link.invited_by == patient.user
    assert link.caregiver is None
    assert link.token_expires_at - link.created_at == dt.timedelta(days=14)
    assert token_of(email) not in link.token_hash  # only a keyed hash is stored
    assert wake.call_args.args[0] == [email.pk]


@pytest.mark.parametrize("holder", ["nobody", "patient", "clinician", "caregiver"])
def test_an_invitation_answers_201_whoever_the_address_belongs_to(
    api, patient, other_patient, clinician, holder
):
    emails = {
        "nobody": "nobody@care.test",
        "patient": other_patient.user.email,
        "clinician": clinician.email,
        "caregiver": CaregiverFactory(email="known@care.test").email,
    }
    response = invite(api(patient.user), email=emails[holder])
    assert response.status_code == 201
    assert set(response.json()) == {
        "id",
        "email",
        "name",
        "relationship",
        "status",
        "receives_reminders",
        "receives_alerts",
        "phone",
    }
    assert response.json()["status"] == "invited"


def test_a_clinician_invites_and_lists_for_their_team_only(
    api, patient, other_patient, clinician, other_clinician
):
    url = f"/api/v1/patients/{patient.pk}/caregivers/"
    assert invite(api(clinician), url=url).status_code == 201
    rows = api(clinician).get(url).json()["results"]
    assert [(r["email"], r["status"]) for r in rows] == [("ann@care.test", "invited")]
    assert CareLink.objects.get().invited_by == clinician
    with nothing_created():
        assert invite(api(other_clinician), url=url).status_code == 404
    assert api(other_clinician).get(url).status_code == 404
    team_email = Message.objects.get(category="caregiver-invitation")
    assert "care team of BS" in team_email.body_text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": 7}, "email"),
        ({"name": ""}, "name"),
        ({"relationship": None}, "relationship"),
        ({"name": "x" * 151}, "name"),
    ],
)
def test_a_bad_invitation_is_a_field_error(api, patient, body, field):
    with nothing_created():
        response = invite(api(patient.user), **body)
    assert field in field_errors(response)


def test_the_patient_lists_patches_and_revokes_their_caregivers(api, patient, other_patient):
    link = CareLinkFactory(patient=patient)
    CareLinkFactory(patient=other_patient)
    client = api(patient.user)
    assert [r["id"] for r in client.get("/api/v1/me/caregivers/").json()["results"]] == [link.pk]
    response = client.patch(
        f"/api/v1/me/caregivers/{link.pk}/", {"receives_reminders": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["receives_reminders"] is True
    bad = client.patch(
        f"/api/v1/me/caregivers/{link.pk}/", {"receives_reminders": "yes"}, format="json"
    )
    assert "receives_reminders" in field_errors(bad)
    assert client.delete(f"/api/v1/me/caregivers/{link.pk}/").status_code == 204
    assert client.delete(f"/api/v1/me/caregivers/{link.pk}/").status_code == 204  # again: 204
    link.refresh_from_db()
    assert (link.status, link.revoked_by) == ("revoked", patient.user)


# --- The accept page -----------------------------------------------------------------------


def accept_url(token: str) -> str:
    return f"/app/caregiver/accept/{token}/"


def test_a_new_caregiver_sets_a_password_and_is_signed_in(api, patient):
    token = invited_token(api, patient)
    browser = Client()
    page = browser.get(accept_url(token))
    assert page.status_code == 200
    text = page.content.decode()
    assert "BS" in text and "daughter" in text and "Set a password" in text
    assert "Stone" not in text
    # The patient app's look: its base template, its script file only (the CSP allows no
    # inline script or style).
    assert "patientapp/app.css" in text
    assert re.search(r"<script(?![^>]*\bsrc=)", text) is None and "style=" not in text

    response = browser.post(
        accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )

    # Signed in, and on the app's home page, checking in for the patient.
    assert (response.status_code, response["Location"]) == (302, "/app/caregiver/phone/"), (
        response.content
    )
    home = browser.get("/app/").content.decode()
    assert "Checking in for Bob Stone" in home
    user = User.objects.get(email="ann@care.test")
    assert (user.role, user.get_full_name()) == ("caregiver", "Ann Hill")
    link = CareLink.objects.get()
    assert (link.status, link.caregiver, link.token_used_at is not None) == (
        "active",
        user,
        True,
    )
    assert browser.session["_auth_user_id"] == str(user.pk)
    # The session works on the API too, and a token pair can be had with the new password.
    me = browser.get("/api/v1/me/").json()
    assert me["role"] == "caregiver"
    team = {
        "name": patient.team.name,
        "phone": patient.team.phone,
        "emergency_number": patient.team.emergency_number,
    }
    assert me["patients"] == [
        {
            "id": patient.pk,
            "first_name": "Bob",
            "last_name": "Stone",
            "care_team": team,
            "open_alerts": {"emergency": 0, "urgent": 0, "warning": 0, "info": 0},
        }
    ]
    assert me["care_team"] == team
    tokens = api(None).post(
        "/api/v1/auth/token/", {"email": "ann@care.test", "password": NEW_PASSWORD}, format="json"
    )
    assert tokens.status_code == 200


def test_an_invitation_link_works_once(api, patient):
    token = invited_token(api, patient)
    body = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    assert Client().post(accept_url(token), body).status_code == 302
    with nothing_created():
        again = Client().post(accept_url(token), body)
        shown = Client().get(accept_url(token))
    assert again.status_code == shown.status_code == 410
    assert "has been used already" in shown.content.decode()


def test_an_expired_invitation_shows_a_clear_page_and_writes_nothing(api, patient):
    token = invited_token(api, patient)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=14, minutes=1)
    with time_machine.travel(later), nothing_created():
        response = Client().post(
            accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
    assert response.status_code == 410
    assert "run out" in response.content.decode()
    assert CareLink.objects.get().status == "invited"


def test_a_revoked_or_unknown_invitation_shows_a_clear_page(api, patient):
    token = invited_token(api, patient)
    link = CareLink.objects.get()
    assert api(patient.user).delete(f"/api/v1/me/caregivers/{link.pk}/").status_code == 204
    response = Client().get(accept_url(token))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    unknown = Client().get(accept_url("not-a-real-token"))
    assert unknown.status_code == 404
    assert "does not work" in unknown.content.decode()


def test_an_existing_caregiver_signs_in_to_link_a_second_patient(api, patient):
    ann = CaregiverFactory(email="ann@care.test")
    first = PatientFactory(team=patient.team)
    CareLinkFactory(patient=first, caregiver=ann)
    token = invited_token(api, patient)
    browser = Client()
    page = browser.get(accept_url(token)).content.decode()
    assert "Sign in to link it to your account" in page
    assert "Set a password" not in page

    with nothing_created():
        wrong = browser.post(accept_url(token), {"password": "not-the-password"})
    assert wrong.status_code == 400
    assert "password is not right" in wrong.content.decode()

    response = browser.post(accept_url(token), {"password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/app/caregiver/phone/"), (
        response.content
    )
    me = api(ann).get("/api/v1/me/").json()
    assert sorted(p["id"] for p in me["patients"]) == sorted([first.pk, patient.pk])


def test_a_signed_in_caregiver_links_with_one_button(api, patient):
    ann = CaregiverFactory(email="someone.else@care.test")
    token = invited_token(api, patient)
    browser = Client()
    browser.force_login(ann)
    assert "Add BS to your account" in browser.get(accept_url(token)).content.decode()
    assert browser.post(accept_url(token)).status_code == 302
    assert CareLink.objects.get().caregiver == ann


@pytest.mark.parametrize("holder", ["patient", "clinician"])
def test_a_patients_or_clinicians_address_cannot_accept(
    api, patient, other_patient, clinician, holder
):
    email = other_patient.user.email if holder == "patient" else clinician.email
    token = invited_token(api, patient, email=email)
    page = Client().get(accept_url(token))
    assert page.status_code == 200
    assert "Use another address" in page.content.decode()
    assert "<form" not in page.content.decode()
    with nothing_created():
        response = Client().post(
            accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
    assert response.status_code == 400
    assert CareLink.objects.get().status == "invited"
    assert User.objects.get(email=email).role == holder


def test_a_signed_in_patient_is_told_to_use_another_address(api, patient, other_patient):
    token = invited_token(api, patient)
    browser = Client()
    browser.force_login(other_patient.user)
    assert "Use another address" in browser.get(accept_url(token)).content.decode()
    with nothing_created():
        assert browser.post(accept_url(token)).status_code == 400
    assert CareLink.objects.get().status == "invited"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"password": NEW_PASSWORD, "password_again": "something-else-entirely"}, "not the same"),
        ({"password": "short", "password_again": "short"}, "too short"),
        ({"password": "", "password_again": ""}, "required"),
    ],
)
def test_a_bad_password_form_is_a_400_page_and_writes_nothing(api, patient, body, message):
    token = invited_token(api, patient)
    with nothing_created():
        response = Client().post(accept_url(token), body)
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and message in text
    assert CareLink.objects.get().status == "invited"


def test_the_accept_form_is_csrf_protected(api, patient):
    token = invited_token(api, patient)
    browser = Client(enforce_csrf_checks=True)
    with nothing_created():
        refused = browser.post(
            accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )
    assert refused.status_code == 403
    page = browser.get(accept_url(token))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    accepted = browser.post(
        accept_url(token),
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    assert accepted.status_code == 302
    assert CareLink.objects.get().status == "active"


def test_invitations_are_throttled_per_account(api, patient, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "caregiver_invitation": "2/hour"}
    client = api(patient.user)
    assert [invite(client).status_code for _ in range(3)] == [201, 201, 429]
    assert CareLink.objects.count() == 2
    assert client.get("/api/v1/me/caregivers/").status_code == 200  # reading is not counted


def test_the_invitation_email_carries_no_link_or_line_but_ours(api, patient):
    """Issue 23, low 12: the name and relationship as typed reach the inbox as inert words."""
    from outbox.models import Message

    body = {
        "email": "target@care.test",
        "name": "Ann\n\nYour account is locked: go to https://evil.example/login"
        " or www.evil.example",
        "relationship": "daughter\r\nCall +1 555 0100 at evil.example",
    }
    assert api(patient.user).post("/api/v1/me/caregivers/", body, format="json").status_code == 201
    email = Message.objects.get(category="caregiver-invitation")
    for part in (email.body_text, email.body_html):
        assert "evil.example" not in part
        assert "https://evil" not in part and "www." not in part
    assert "Hello Ann Your account is locked: go to or," in email.body_text
    assert email.body_html.count("<a ") == 1  # ours
    lines = email.body_text.splitlines()
    assert not any(line.startswith(("Call", "Your account")) for line in lines)
