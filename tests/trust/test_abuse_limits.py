"""Throttling, failed-login slow-down, password rules, logout and refresh rotation."""

import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from recovery import services
from tests.factories import PASSWORD


def login(email, password=PASSWORD, addr="10.0.0.1"):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=addr,
    )


def test_login_is_throttled_per_address_with_retry_after(settings, patient):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "3/min"}
    email = patient.user.email
    assert [login(email).status_code for _ in range(3)] == [200, 200, 200]

    throttled = login(email)
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60
    # Another address has its own allowance.
    assert login(email, addr="10.0.0.2").status_code == 200


def test_throttle_window_passes(settings, patient):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "1/min"}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert login(patient.user.email).status_code == 200
        assert login(patient.user.email).status_code == 429
        clock.shift(61)
        assert login(patient.user.email).status_code == 200


def test_token_refresh_is_throttled(settings, patient):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "token_refresh": "2/min"}
    refresh = login(patient.user.email).json()["refresh"]
    client = APIClient()
    for _ in range(2):
        response = client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
        assert response.status_code == 200
        refresh = response.json()["refresh"]
    response = client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_activation_is_throttled(settings, db):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "activate": "2/min"}
    client = APIClient()
    body = {"code": "ABCDEFGHJKMN", "password": "a-long-enough-passphrase"}
    assert [
        client.post("/api/v1/auth/activate/", body, format="json").status_code for _ in range(3)
    ] == [
        400,
        400,
        429,
    ]


def test_checkin_posts_are_throttled_per_patient_but_reads_are_not(settings, api, patient):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "checkin": "2/min"}
    client = api(patient.user)
    statuses = [
        client.post("/api/v1/checkins/", {"pain_score": 2}, format="json").status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert client.get("/api/v1/checkins/").status_code == 200
    assert client.get("/api/v1/checkins/").status_code == 200


# --- Failed logins -------------------------------------------------------------------------


def test_failed_logins_slow_the_account_down_then_let_the_right_password_in(settings, patient):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 3
    settings.LOGIN_BACKOFF_BASE_SECONDS = 30
    email = patient.user.email
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert [login(email, "wrong").status_code for _ in range(4)] == [401] * 4
        # The fourth failure opened a 30 s window: even the right password waits, from any
        # address, and the answer says how long.
        blocked = login(email, addr="10.7.7.7")
        assert blocked.status_code == 429
        assert 25 <= int(blocked["Retry-After"]) <= 30

        clock.shift(31)
        assert login(email).status_code == 200

        # Success cleared the count: three more failures are free again.
        assert [login(email, "wrong").status_code for _ in range(3)] == [401] * 3
        assert login(email).status_code == 200


def test_failed_login_windows_double_and_are_capped(settings, patient):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 1
    settings.LOGIN_BACKOFF_BASE_SECONDS = 10
    settings.LOGIN_BACKOFF_MAX_SECONDS = 35
    email = patient.user.email
    waits = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert login(email, "wrong").status_code == 401
        for _ in range(4):
            assert login(email, "wrong").status_code == 401
            blocked = login(email, "wrong")
            assert blocked.status_code == 429
            waits.append(int(blocked["Retry-After"]))
            clock.shift(waits[-1] + 1)
        assert waits == [10, 20, 35, 35]
        # Never permanent: after the longest window the right password works.
        assert login(email).status_code == 200


def test_failed_logins_slow_an_address_down_across_accounts(settings, patient, clinician):
    settings.LOGIN_FAILURES_FREE_PER_ADDRESS = 4
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 100
    for n in range(5):
        assert login(f"guess{n}@example.test", "wrong", addr="10.6.6.6").status_code == 401
    assert login(patient.user.email, addr="10.6.6.6").status_code == 429
    # The patient logging in from their own address is not affected.
    assert login(patient.user.email, addr="10.1.1.1").status_code == 200


def test_malformed_login_bodies_are_400_and_not_counted(settings, patient):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 0
    client = APIClient()
    for body in ({}, {"email": ["x"], "password": 1}, {"email": patient.user.email}):
        assert client.post("/api/v1/auth/token/", body, format="json").status_code == 400
    assert client.post("/api/v1/auth/token/", [1, 2], format="json").status_code == 400
    assert login(patient.user.email).status_code == 200


# --- Passwords and tokens ------------------------------------------------------------------


def test_activation_applies_django_password_validators(patient):
    code = services.enrollment_code_issue(patient=patient)
    client = APIClient()
    weak = client.post(
        "/api/v1/auth/activate/", {"code": code, "password": "12345678"}, format="json"
    )
    assert weak.status_code == 400
    assert "password" in str(weak.json()).lower()
    strong = client.post(
        "/api/v1/auth/activate/",
        {"code": code, "password": "violet-lantern-harbour"},
        format="json",
    )
    assert strong.status_code == 200


def test_refresh_tokens_rotate_and_the_old_one_stops_working(patient):
    refresh = login(patient.user.email).json()["refresh"]
    client = APIClient()
    rotated = client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != refresh
    assert (
        client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json").status_code
        == 401
    )


def test_logout_revokes_the_refresh_token(patient):
    refresh = login(patient.user.email).json()["refresh"]
    client = APIClient()
    assert (
        client.post("/api/v1/auth/logout/", {"refresh": refresh}, format="json").status_code == 204
    )
    assert (
        client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json").status_code
        == 401
    )


def test_access_tokens_are_short_lived(settings):
    assert settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds() <= 15 * 60


# --- The same slow-down for a session (dashboard) login -------------------------------------


def session_login(email, password=PASSWORD, addr="10.0.0.1"):
    from django.contrib.auth.forms import AuthenticationForm
    from django.test import RequestFactory

    from lib.throttling import LoginSlowDownFormMixin

    class Form(LoginSlowDownFormMixin, AuthenticationForm):
        pass

    request = RequestFactory().post("/dashboard/login/", REMOTE_ADDR=addr)
    return Form(request, data={"username": email, "password": password})


def test_session_login_form_slows_down_after_failures_and_recovers(settings, clinician):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 2
    settings.LOGIN_BACKOFF_BASE_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            form = session_login(clinician.email, "wrong")
            assert not form.is_valid()
            assert form.has_error("__all__", "invalid_login")
        blocked = session_login(clinician.email)
        assert not blocked.is_valid()
        assert blocked.has_error("__all__", "slowed_down")
        assert "60 seconds" in blocked.errors["__all__"][0]

        clock.shift(61)
        form = session_login(clinician.email)
        assert form.is_valid(), form.errors
        assert form.get_user() == clinician


def test_api_and_session_logins_share_the_account_count(settings, clinician):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 1
    assert login(clinician.email, "wrong").status_code == 401
    assert not session_login(clinician.email, "wrong").is_valid()
    assert login(clinician.email).status_code == 429
