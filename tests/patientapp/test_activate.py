"""Setting a password with the enrollment code: /app/activate/?code=… signs the patient in."""

import datetime as dt

import time_machine
from django.utils import timezone

from outbox.models import Message
from recovery.models import EnrollmentCode
from recovery.services import patient_enroll
from tests.support.outbox import sent_message

NEW_PASSWORD = "a long walk in the park 2026"


def enroll(team, **extra):
    patient, code = patient_enroll(
        team=team,
        data={
            "email": "nina@patient.test",
            "first_name": "Nina",
            "last_name": "North",
            "date_of_birth": dt.date(1948, 2, 3),
            **extra,
        },
    )
    return patient, code


def test_the_enrollment_email_links_to_activate_with_the_code(team):
    _patient, code = enroll(team)
    email = Message.objects.get(category="enrollment")
    link = f"http://testserver/app/activate/?lang=en&code={code}"
    # The code is the outbox's secret (accounts/, merged alongside): put in only when sent.
    assert code not in email.body_text and code not in email.body_html
    sent = sent_message(email)
    assert link in sent.body
    assert link.replace("&", "&amp;") in sent.alternatives[0][0]


def test_the_activate_page_is_filled_in_from_the_link(client, team):
    _patient, code = enroll(team)
    response = client.get(f"/app/activate/?code={code}")
    assert response.status_code == 200
    assert f'value="{code}"'.encode() in response.content


def test_activating_signs_in_and_lands_on_the_checkin(client, team):
    patient, code = enroll(team)
    response = client.post(
        "/app/activate/", {"code": code, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/app/checkin/"
    assert int(client.session["_auth_user_id"]) == patient.user_id
    patient.user.refresh_from_db()
    assert patient.user.check_password(NEW_PASSWORD)


def test_a_wrong_code_is_a_clear_page_and_changes_nothing(client, team):
    patient, code = enroll(team)
    wrong = ("0" if code[0] != "0" else "1") + code[1:]
    response = client.post(
        "/app/activate/", {"code": wrong, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "This code is not right" in body
    assert 'href="#id_code"' in body  # the summary links to the field
    assert EnrollmentCode.objects.get().used_at is None
    patient.user.refresh_from_db()
    assert not patient.user.has_usable_password()
    assert "_auth_user_id" not in client.session


def test_an_expired_code_is_refused(client, team):
    _patient, code = enroll(team)
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        response = client.post(
            "/app/activate/",
            {"code": code, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        )
    assert response.status_code == 400
    assert EnrollmentCode.objects.get().used_at is None


def test_a_weak_password_is_explained_beside_the_field(client, team):
    _patient, code = enroll(team)
    response = client.post(
        "/app/activate/", {"code": code, "password": "password", "password_again": "password"}
    )
    assert response.status_code == 400
    assert b'id="id_password-error"' in response.content
    assert EnrollmentCode.objects.get().used_at is None


def test_the_two_passwords_must_match(client, team):
    _patient, code = enroll(team)
    response = client.post(
        "/app/activate/", {"code": code, "password": NEW_PASSWORD, "password_again": "other"}
    )
    assert response.status_code == 400
    assert b"The two passwords are not the same" in response.content


def test_guessing_codes_is_slowed_down_like_the_api(client, team, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "activate": "3/min"}
    enroll(team)
    for _ in range(3):
        response = client.post("/app/activate/", {"code": "WRONG-CODE", "password": "x"})
        assert response.status_code == 400
    response = client.post("/app/activate/", {"code": "WRONG-CODE", "password": "x"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert b"Too many tries" in response.content
