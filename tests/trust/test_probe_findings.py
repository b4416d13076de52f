"""The adversarial probe's findings (issue 15), each pinned by a test that failed before."""

import datetime as dt
import logging
import re
import smtplib
from pathlib import Path
from unittest import mock

import jwt
import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core import serializers as django_serializers
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from outbox import sending as outbox
from outbox import transports
from outbox.models import Message
from recovery import services
from tests.api.support import field_errors
from tests.factories import PASSWORD, ClinicianFactory, PatientFactory

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "granite-ladder-orchid-41"


def login(email, password=PASSWORD, addr="10.0.0.1", client=None, **extra):
    return (client or APIClient()).post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=addr,
        **extra,
    )


def bearer(access) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def refresh(token):
    return APIClient().post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json")


def database_text() -> str:
    return "".join(
        django_serializers.serialize("json", model.objects.all()) for model in apps.get_models()
    )


# --- 1. The admin's login is slowed down like the dashboard's -------------------------------


def admin_login(client, email, password, addr="10.2.2.2"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": password},
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
        assert admin_login(Client(), "root@clinic.test", PASSWORD).status_code == 302


# --- 2. No enrollment code can be read back from the database once sent ---------------------


def enroll(api, clinician, **extra):
    body = {
        "email": "nina@patient.test",
        "first_name": "Nina",
        "last_name": "New",
        "date_of_birth": "1948-02-03",
        **extra,
    }
    response = api(clinician).post("/api/v1/patients/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_sent_enrollment_email_no_longer_holds_the_code(api, clinician):
    code = enroll(api, clinician)["enrollment_code"]
    email = Message.objects.get(category="enrollment")
    assert code not in email.body_text and code not in email.body_html

    assert outbox.messages_send(ids=[email.pk]) == 1
    [sent] = mail.outbox
    assert code in sent.body and code in sent.alternatives[0][0]
    assert code not in database_text()


def test_a_retry_after_a_failed_attempt_still_sends_the_code(api, clinician, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    code = enroll(api, clinician)["enrollment_code"]
    email = Message.objects.get(category="enrollment")
    with mock.patch.object(
        transports.EmailMultiAlternatives, "send", side_effect=smtplib.SMTPServerDisconnected()
    ):
        assert outbox.messages_send(ids=[email.pk]) == 0
    assert Message.objects.get(pk=email.pk).status == "queued"
    assert outbox.messages_send(ids=[email.pk]) == 1
    assert code in mail.outbox[0].body
    assert code not in database_text()


def test_a_failed_or_cancelled_enrollment_email_forgets_the_code(api, clinician, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    row = enroll(api, clinician)
    first = Message.objects.get(category="enrollment")
    second_code = (
        api(clinician)
        .post(f"/api/v1/patients/{row['id']}/enrollment-code/")
        .json()["enrollment_code"]
    )
    assert Message.objects.get(pk=first.pk).status == "cancelled"
    assert row["enrollment_code"] not in database_text()
    second = Message.objects.get(category="enrollment", status="queued")
    with mock.patch.object(transports.EmailMultiAlternatives, "send", side_effect=OSError("down")):
        outbox.messages_send(ids=[second.pk])
    assert Message.objects.get(pk=second.pk).status == "failed"
    assert second_code not in database_text()


def test_the_admin_never_shows_an_emails_secret(api, clinician, client):
    code = enroll(api, clinician)["enrollment_code"]
    email = Message.objects.get(category="enrollment")
    admin = User.objects.create_superuser("root@clinic.test", PASSWORD)
    client.force_login(admin)
    page = client.get(f"/admin/outbox/message/{email.pk}/change/")
    assert page.status_code == 200
    assert code not in page.content.decode()


# --- 3. No query strings or path tokens in the access logs ----------------------------------


def test_the_procfile_writes_no_gunicorn_access_log():
    [web] = [line for line in (ROOT / "Procfile").read_text().splitlines() if line[:4] == "web:"]
    assert "access-log" not in web and "--access-logformat" not in web


def test_django_request_warnings_mask_path_tokens(client, db, caplog):
    from tracker.logging import RequestIdFilter

    handler_filter = RequestIdFilter()
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            handler_filter.filter(record)
            records.append(record.getMessage())

    handler = Keep()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/calendar/secret-calendar-token-abcdef123456.ics?x=search-term")
        client.get("/unsubscribe/secret-unsubscribe-token-abcdef/")
    finally:
        logger.removeHandler(handler)
    text = " ".join(records)
    assert records, "Django logs a warning for each 404"
    assert "secret-calendar-token" not in text and "secret-unsubscribe-token" not in text
    assert "search-term" not in text


def test_the_apps_own_access_log_names_the_route_not_the_path(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="tracker.access"):
        client.get("/app/password-reset/1-secret-reset-token-abc123/")
        client.get("/dashboard/?search=Margaret+Hill")
    lines = [r for r in caplog.records if r.name == "tracker.access"]
    assert len(lines) == 2
    assert [r.route for r in lines] == ["app-password-reset-confirm", "dashboard:patients"]
    text = " ".join(str(vars(r)) for r in lines)
    assert "secret-reset-token" not in text and "Margaret" not in text


# --- 4. A new password (enrollment code, create_clinician, admin) ends the old tokens --------


def test_a_password_set_with_a_new_enrollment_code_ends_the_old_tokens(api, clinician):
    row = enroll(api, clinician)
    first = (
        APIClient()
        .post(
            "/api/v1/auth/activate/",
            {"code": row["enrollment_code"], "password": NEW_PASSWORD},
            format="json",
        )
        .json()
    )
    assert bearer(first["access"]).get("/api/v1/me/").status_code == 200
    code = (
        api(clinician)
        .post(f"/api/v1/patients/{row['id']}/enrollment-code/")
        .json()["enrollment_code"]
    )
    second = APIClient().post(
        "/api/v1/auth/activate/",
        {"code": code, "password": "another-strong-passphrase-9"},
        format="json",
    )
    assert second.status_code == 200
    assert bearer(first["access"]).get("/api/v1/me/").status_code == 401
    assert refresh(first["refresh"]).status_code == 401
    assert bearer(second.json()["access"]).get("/api/v1/me/").status_code == 200


def test_create_clinician_with_a_new_password_ends_sessions_and_tokens(clinician, team):
    pair = login(clinician.email).json()
    browser = Client()
    browser.force_login(clinician)
    assert browser.get("/dashboard/").status_code == 200
    services.clinician_create_or_update(
        email=clinician.email, password="a-new-long-passphrase-7", team_name=team.name
    )
    assert bearer(pair["access"]).get("/api/v1/me/").status_code == 401
    assert refresh(pair["refresh"]).status_code == 401
    assert browser.get("/dashboard/").status_code == 302


def test_deactivating_an_account_in_the_admin_ends_its_tokens(patient, client):
    pair = login(patient.user.email).json()
    session = Client()
    session.force_login(patient.user)
    assert session.get("/api/v1/checkins/").status_code == 200
    admin = User.objects.create_superuser("root@clinic.test", PASSWORD)
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{patient.user.pk}/change/")
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if key not in ("password", "groups", "last_login", "date_joined", "is_active")
        and value is not None
    }
    data.update(
        {
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "groups": [],
        }
    )
    response = client.post(f"/admin/accounts/user/{patient.user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not User.objects.get(pk=patient.user.pk).is_active
    assert bearer(pair["access"]).get("/api/v1/checkins/").status_code == 401
    assert refresh(pair["refresh"]).status_code == 401
    assert session.get("/api/v1/checkins/").status_code in (401, 403)  # the session too


def test_a_password_changed_in_the_admin_ends_the_tokens(patient, client):
    pair = login(patient.user.email).json()
    admin = User.objects.create_superuser("root@clinic.test", PASSWORD)
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{patient.user.pk}/password/",
        {
            "password1": "a-new-long-passphrase-7",
            "password2": "a-new-long-passphrase-7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert bearer(pair["access"]).get("/api/v1/me/").status_code == 401
    assert refresh(pair["refresh"]).status_code == 401


def test_passwords_of_spaces_only_are_refused(api, clinician):
    row = enroll(api, clinician)
    response = APIClient().post(
        "/api/v1/auth/activate/",
        {"code": row["enrollment_code"], "password": " " * 20},
        format="json",
    )
    assert "only spaces" in " ".join(field_errors(response)["password"])


# --- 5. A lone surrogate in the login's email is a 400 --------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"email": "\\ud800@example.test", "password": "x"}',
        '{"email": "bob\\udfff@patient.test", "password": "x"}',
    ],
)
def test_a_lone_surrogate_in_the_login_email_is_a_400(patient, body):
    response = APIClient().post(
        "/api/v1/auth/token/", body.encode(), content_type="application/json"
    )
    assert "email" in field_errors(response)


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


# --- 7. Security headers: CSP, Permissions-Policy, no-store on health data ------------------


def test_pages_and_api_answers_carry_csp_permissions_policy_and_no_store(api, patient, clinician):
    browser = Client()
    browser.force_login(clinician)
    for response in (
        browser.get("/dashboard/"),
        browser.get("/dashboard/login/"),
        api(patient.user).get("/api/v1/checkins/"),
        api(clinician).get(f"/fhir/Patient/{patient.pk}/$everything"),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "camera=()" in response["Permissions-Policy"]
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy


def test_static_files_stay_cacheable(client, db):
    response = client.get("/static/dashboard/dashboard.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_dashboard_templates_have_no_inline_script_or_style():
    for template in (ROOT / "dashboard" / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "<style" not in text and " style=" not in text, template


def test_the_api_docs_load_their_script_from_a_file(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    [script] = re.findall(r'<script src="(/api/docs/[^"]+)"', html)
    assert client.get(script.replace("&amp;", "&")).status_code == 200
    assert "'unsafe-inline'" in page["Content-Security-Policy"]  # its own style block only


# --- 8. A taken email does not tell which team the person belongs to ------------------------


def test_a_taken_email_answers_the_same_whoever_holds_it(api, clinician, patient, other_patient):
    other_clinician = ClinicianFactory(email="zed@clinic.test")
    answers = []
    for taken in (other_patient.user.email, patient.user.email, other_clinician.email):
        response = api(clinician).post(
            "/api/v1/patients/",
            {
                "email": taken,
                "first_name": "A",
                "last_name": "B",
                "date_of_birth": "1950-01-01",
            },
            format="json",
        )
        answers.append(field_errors(response)["email"])
    assert answers[0] == answers[1] == answers[2]
    text = " ".join(answers[0]).lower()
    assert "exists" not in text and "team" not in text and "patient" not in text


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


# --- 10. A deactivated patient cannot redeem an enrollment code -----------------------------


def test_a_deactivated_patient_cannot_redeem_a_code(api, clinician):
    row = enroll(api, clinician)
    User.objects.filter(email="nina@patient.test").update(is_active=False)
    response = APIClient().post(
        "/api/v1/auth/activate/",
        {"code": row["enrollment_code"], "password": NEW_PASSWORD},
        format="json",
    )
    assert "code" in field_errors(response)
    assert not User.objects.get(email="nina@patient.test").has_usable_password()


# --- 11. Procedure dates have bounds --------------------------------------------------------


def procedure_body(**extra):
    return {
        "procedure_type": "kyphoplasty",
        "performed_on": timezone.now().date().isoformat(),
        "vertebral_levels": ["L1"],
        "cause": "osteoporosis",
        "pre_procedure_pain": 7,
        **extra,
    }


@pytest.mark.parametrize("field", ["performed_on", "fracture_date"])
def test_procedure_dates_cannot_be_before_birth_or_over_ten_years_back(api, clinician, field):
    from recovery.api.serializers import earliest_procedure_date

    young = PatientFactory(team=clinician.care_teams.first(), date_of_birth=dt.date(2020, 5, 1))
    url = f"/api/v1/patients/{young.pk}/procedures/"
    before_birth = procedure_body(**{field: "2020-04-30"})
    assert (
        "before the patient's date of birth"
        in field_errors(api(clinician).post(url, before_birth, format="json"))[field][0]
    )
    old = PatientFactory(team=young.team, date_of_birth=dt.date(1940, 1, 1))
    url = f"/api/v1/patients/{old.pk}/procedures/"
    too_old = earliest_procedure_date(old) - dt.timedelta(days=1)
    too_old_body = procedure_body(**{field: too_old.isoformat()})
    errors = field_errors(api(clinician).post(url, too_old_body, format="json"))
    assert "10 years" in errors[field][0]
    year_one = procedure_body(**{field: "0001-01-01"})
    assert field in field_errors(api(clinician).post(url, year_one, format="json"))
    ok = procedure_body(**{field: earliest_procedure_date(old).isoformat()})
    assert api(clinician).post(url, ok, format="json").status_code == 201


def test_a_procedure_patch_is_bounded_too(api, clinician, procedure):
    response = api(clinician).patch(
        f"/api/v1/procedures/{procedure.pk}/", {"performed_on": "1900-01-01"}, format="json"
    )
    assert "performed_on" in field_errors(response)


# --- 12. The text part of an email is not HTML-escaped --------------------------------------


def test_the_text_part_of_the_enrollment_email_is_not_html_escaped(api, clinician):
    enroll(api, clinician, first_name="Mary-Kate O'Brien <Jr>")
    email = Message.objects.get(category="enrollment")
    assert "Mary-Kate O'Brien <Jr>" in email.body_text
    assert "&#x27;" not in email.body_text and "&lt;" not in email.body_text
    assert "O&#x27;Brien &lt;Jr&gt;" in email.body_html  # HTML is still escaped
