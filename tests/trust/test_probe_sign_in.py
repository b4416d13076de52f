"""The probe's findings about signing in (issue 15): the admin's login slowed down (1),
unreadable token claims (6), guessing that cannot lock out a known device (9)."""

import datetime as dt

import jwt
import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from rest_framework.test import APIClient

from accounts.models import User
from tests.api.support import bearer
from tests.factories import PASSWORD

from .probe import login, refresh

# --- 1. The admin's login is slowed down like the dashboard's -------------------------------


def admin_login(client, email, password, addr="10.2.2.2", otp_token="", otp_device=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": password, "otp_token": otp_token, "otp_device": otp_device},
        REMOTE_ADDR=addr,
    )


def test_admin_login_slows_down_after_failed_passwords(settings, db):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 2
    settings.LOGIN_BACKOFF_BASE_SECONDS = 60
    User.objects.create_superuser("root@clinic.test", PASSWORD)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            assert admin_login(Client(), "root@clinic.test", "wrong").status_code == 200
        blocked = admin_login(Client(), "root@clinic.test", PASSWORD)
        assert blocked.status_code == 200  # the form again, not a session
        assert "Too many failed sign-ins" in blocked.content.decode()
        clock.shift(61)
        # The right password, then (issue 23) the second factor's code too.
        root = User.objects.get(email="root@clinic.test")
        device = StaticDevice.objects.create(user=root, name="codes", confirmed=True)
        device.token_set.create(token="recover1")
        assert admin_login(Client(), "root@clinic.test", PASSWORD).status_code == 200
        signed = admin_login(
            Client(),
            "root@clinic.test",
            PASSWORD,
            otp_token="recover1",
            otp_device=device.persistent_id,
        )
        assert signed.status_code == 302


# --- 6. Validly signed tokens with unreadable claims are a 401 ------------------------------


def signed(payload: dict) -> str:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {"token_type": "access", "exp": now + 300, "iat": now, "jti": "x" * 32, **payload}
    return jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")


@pytest.mark.parametrize(
    "claims",
    [
        {"user_id": "abc"},
        {"user_id": [1]},
        {"user_id": {"id": 1}},
        {"user_id": "1" * 40},
        {"user_id": 1.5},
        {"user_id": True},
        {"exp": 10**20},
        {"exp": "tomorrow"},
        {"exp": -(10**20)},
    ],
)
def test_validly_signed_tokens_with_unreadable_claims_are_401(patient, claims):
    claims = {"user_id": patient.user.pk, **claims}
    access = signed(claims)
    assert bearer(access).get("/api/v1/me/").status_code == 401
    refresh_token = signed({**claims, "token_type": "refresh"})
    assert refresh(refresh_token).status_code == 401
    logout = APIClient().post("/api/v1/auth/logout/", {"refresh": refresh_token}, format="json")
    assert logout.status_code in (400, 401)


def test_a_refresh_token_of_a_missing_user_is_a_401(db):
    assert refresh(signed({"user_id": 987654, "token_type": "refresh"})).status_code == 401


# --- 9. Guessing cannot lock out a known device, and check-ins always go through ------------


def test_a_device_that_signed_in_before_is_not_slowed_down(settings, patient):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 3
    email = patient.user.email
    phone = APIClient()
    first = login(email, client=phone, addr="10.9.0.1")
    assert first.status_code == 200
    device_token = first["X-Device-Token"]
    assert phone.cookies[settings.LOGIN_DEVICE_COOKIE].value == device_token
    for _ in range(10):
        login(email, "wrong", addr="203.0.113.9")
    assert login(email, addr="198.51.100.1").status_code == 429  # an unknown device waits
    assert login(email, client=phone, addr="10.9.0.1").status_code == 200  # the cookie
    header = login(email, addr="10.9.0.2", HTTP_X_DEVICE_TOKEN=device_token)
    assert header.status_code == 200  # or the header, for an app without cookies


def test_a_device_token_is_for_its_own_account_and_is_slowed_down_too(
    settings, patient, other_patient
):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 2
    token = login(patient.user.email)["X-Device-Token"]
    for _ in range(5):
        login(other_patient.user.email, "wrong", addr="203.0.113.9")
    # Another account's device token does not help.
    assert login(other_patient.user.email, HTTP_X_DEVICE_TOKEN=token).status_code == 429
    # Guessing with a device token is counted against that device alone.
    for _ in range(3):
        login(patient.user.email, "wrong", HTTP_X_DEVICE_TOKEN=token)
    assert login(patient.user.email, HTTP_X_DEVICE_TOKEN=token).status_code == 429
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert login(patient.user.email, HTTP_X_DEVICE_TOKEN=forged).status_code == 200


def test_the_dashboard_login_lets_a_known_browser_in_while_slowed_down(settings, clinician):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 2
    browser = Client()
    form = {"username": clinician.email, "password": PASSWORD}
    assert browser.post("/dashboard/login/", form).status_code == 302
    assert settings.LOGIN_DEVICE_COOKIE in browser.cookies
    browser.post("/dashboard/logout/")
    for _ in range(5):
        Client().post("/dashboard/login/", {**form, "password": "wrong"})
    stranger = Client().post("/dashboard/login/", form)
    assert "Too many failed sign-ins" in stranger.content.decode()
    assert browser.post("/dashboard/login/", form).status_code == 302


def test_a_slowed_down_patient_can_still_check_in_and_refresh(settings, patient, procedure):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 1
    pair = login(patient.user.email).json()
    for _ in range(5):
        login(patient.user.email, "wrong", addr="203.0.113.9")
    assert login(patient.user.email, addr="198.51.100.1").status_code == 429
    # An emergency still goes through with the tokens the phone already holds.
    checkin = bearer(pair["access"]).post(
        "/api/v1/checkins/",
        {"pain_score": 8, "symptoms": ["chest_pain"]},
        format="json",
    )
    assert checkin.status_code == 201, checkin.content
    assert checkin.json()["alerts"][0]["severity"] == "emergency"
    assert refresh(pair["refresh"]).status_code == 200
