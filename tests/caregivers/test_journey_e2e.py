"""End to end on PostgreSQL, Redis, a real Celery worker and an SMTP server: the invitation
arrives by email, the caregiver accepts through its link, signs in to the API, checks in for
the patient, and the care team's patient page says who entered it."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from rest_framework.test import APIClient

from caregivers.models import CareLink
from outbox.models import Message
from recovery.models import CheckIn

pytestmark = pytest.mark.e2e

PASSWORD = "ann-looks-after-her-dad-2026"


def test_invitation_by_email_to_a_checkin_the_care_team_sees(
    celery_worker, smtp_server, api, patient, procedure, clinician
):
    invited = api(patient.user).post(
        "/api/v1/me/caregivers/",
        {"email": "ann@care.test", "name": "Ann Hill", "relationship": "daughter"},
        format="json",
    )
    assert invited.status_code == 201, invited.content

    [message] = smtp_server.inbox.wait_for(
        1, timeout=20, predicate=lambda m: "ann@care.test" in m["To"]
    ) or [None]
    assert message is not None, celery_worker.log.read_text()[-3000:]
    text = message.get_body(("plain",)).get_content()
    [url] = re.findall(r"https?://\S+/app/caregiver/accept/\S+/", text)
    path = urlsplit(url).path

    browser = Client()
    page = browser.get(path)
    assert page.status_code == 200
    assert "Set a password" in page.content.decode()
    accepted = browser.post(path, {"password": PASSWORD, "password_again": PASSWORD})
    assert (accepted.status_code, accepted["Location"]) == (302, "/app/caregiver/phone/"), (
        accepted.content
    )
    assert CareLink.objects.get().status == "active"

    tokens = APIClient().post(
        "/api/v1/auth/token/", {"email": "ann@care.test", "password": PASSWORD}, format="json"
    )
    assert tokens.status_code == 200, tokens.content
    ann = APIClient()
    ann.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")
    me = ann.get("/api/v1/me/").json()
    assert (me["role"], [p["id"] for p in me["patients"]]) == ("caregiver", [patient.pk])

    checkin = ann.post(
        "/api/v1/checkins/",
        {"patient": patient.pk, "pain_score": 3, "temperature_c": 38.6},
        format="json",
    )
    assert checkin.status_code == 201, checkin.content
    assert checkin.json()["entered_by"]["name"] == "Ann Hill"
    assert checkin.json()["guidance"]["severity"] == "urgent"
    assert CheckIn.objects.get().entered_by.email == "ann@care.test"

    # The same alert path as the patient's own check-in: the team is emailed.
    alerted = smtp_server.inbox.wait_for(
        1, timeout=20, predicate=lambda m: "alice@clinic.test" in m["To"]
    )
    assert alerted, celery_worker.log.read_text()[-3000:]

    team = Client()
    team.force_login(clinician)
    page = team.get(f"/dashboard/patients/{patient.pk}/")
    assert page.status_code == 200
    assert "entered by Ann Hill (daughter)" in page.content.decode()
    # Long since marked: the caregiver accepted the link only after it arrived.
    assert Message.objects.get(category="caregiver-invitation").status == "sent"
