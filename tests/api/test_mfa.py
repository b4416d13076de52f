"""The clinicians' second factor (API.md "Accounts and the patient's life cycle")."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.api.support import field_errors
from tests.factories import PASSWORD


def code_for(otpauth_url: str, *, offset: int = 0) -> str:
    from base64 import b32decode

    secret = parse_qs(urlparse(otpauth_url).query)["secret"][0]
    return f"{totp(b32decode(secret), step=30, t0=0, digits=6, drift=offset):06d}"


def forget_device_throttle():
    """django-otp's own throttle makes a device wait after a wrong code (1 s, doubling);
    these tests look at what comes next, not at that wait."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)


def login(email, password=PASSWORD, **extra):
    return APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password, **extra}, format="json"
    )


@pytest.fixture
def enrolled(api, clinician):
    """A clinician whose second factor is on: (otpauth URL, recovery codes)."""
    client = api(clinician)
    setup = client.post("/api/v1/me/mfa/")
    assert setup.status_code == 201, setup.content
    body = setup.json()
    confirmed = client.post(
        "/api/v1/me/mfa/confirm/", {"otp": code_for(body["otpauth_url"])}, format="json"
    )
    assert confirmed.status_code == 204, confirmed.content
    # The TOTP device refuses a code it accepted already: let the tests use the next one.
    TOTPDevice.objects.filter(user=clinician).update(last_t=-1)
    return body["otpauth_url"], body["recovery_codes"]


def test_setup_answers_an_otpauth_url_and_ten_recovery_codes(api, clinician):
    body = api(clinician).post("/api/v1/me/mfa/").json()
    assert body["otpauth_url"].startswith("otpauth://totp/")
    assert "issuer=Recovery%20tracker" in body["otpauth_url"]
    assert len(body["recovery_codes"]) == 10 == len(set(body["recovery_codes"]))
    # Not on until confirmed: the login does not ask yet.
    assert login(clinician.email).status_code == 200


def test_a_wrong_confirmation_code_is_a_400(api, clinician):
    api(clinician).post("/api/v1/me/mfa/")
    assert "otp" in field_errors(
        api(clinician).post("/api/v1/me/mfa/confirm/", {"otp": "000000"}, format="json")
    )
    assert login(clinician.email).status_code == 200


def test_once_on_the_login_needs_the_code(enrolled, clinician):
    url, _ = enrolled
    without = login(clinician.email)
    assert without.status_code == 401
    assert without.json() == {"otp_required": True}
    assert login(clinician.email, otp="000000").status_code == 401
    forget_device_throttle()
    good = login(clinician.email, otp=code_for(url))
    assert good.status_code == 200, good.content
    assert set(good.json()) == {"access", "refresh"}
    # A wrong password is still just a wrong password, code or not.
    assert login(clinician.email, "wrong", otp=code_for(url)).status_code == 401


def test_a_wrong_code_counts_as_a_failed_login(settings, enrolled, clinician):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 2
    url, _ = enrolled
    for _ in range(3):
        assert login(clinician.email, otp="123456").status_code == 401
    assert login(clinician.email, otp=code_for(url)).status_code == 429


def test_a_recovery_code_works_once(enrolled, clinician):
    _, codes = enrolled
    assert login(clinician.email, otp=codes[0]).status_code == 200
    assert login(clinician.email, otp=codes[0]).status_code == 401
    forget_device_throttle()
    assert login(clinician.email, otp=codes[1].upper()).status_code == 200


def test_setup_again_once_on_is_a_409(enrolled, api, clinician):
    assert api(clinician).post("/api/v1/me/mfa/").status_code == 409


def test_patients_are_never_asked(api, patient):
    assert api(patient.user).post("/api/v1/me/mfa/").status_code == 403
    assert login(patient.user.email).status_code == 200


# --- CLINICIAN_MFA=required ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/patients/",
        "/api/v1/alerts/",
        "/api/v1/procedures/",
        "/api/v1/dashboard/",
        "/fhir/Patient/{patient}/$everything",
        "/api/v1/patients/{patient}/reminders/",
    ],
)
def test_required_mfa_refuses_patient_data_until_set_up(settings, api, clinician, patient, path):
    settings.CLINICIAN_MFA = "required"
    url = path.format(patient=patient.pk)
    response = api(clinician).get(url)
    assert response.status_code == 403, (url, response.content)
    if url.startswith("/fhir/"):  # FHIR answers are OperationOutcomes, naming the reason
        assert "mfa_setup_required" in response.json()["issue"][0]["diagnostics"]
    else:
        assert response.json() == {"mfa_setup_required": True}
    # Patients are never asked; /me/ and the setup itself stay open to the clinician.
    assert api(clinician).get("/api/v1/me/").status_code == 200
    assert api(patient.user).get("/api/v1/checkins/").status_code == 200


def test_required_mfa_lets_an_enrolled_clinician_in(settings, enrolled, clinician, api):
    settings.CLINICIAN_MFA = "required"
    assert api(clinician).get("/api/v1/patients/").status_code == 200


def test_optional_mfa_costs_no_query(settings, api, clinician, django_assert_num_queries):
    # 1: the user (JWT), 2-3: the teams and the page of patients, 4: the count... whatever
    # the list costs, CLINICIAN_MFA=optional adds nothing to it.
    client = api(clinician)
    client.get("/api/v1/patients/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as optional:
        client.get("/api/v1/patients/")
    settings.CLINICIAN_MFA = "required"
    TOTPDevice.objects.create(user=clinician, name="x", confirmed=True)
    with CaptureQueriesContext(connection) as required:
        client.get("/api/v1/patients/")
    assert not any("otp_totp" in q["sql"] for q in optional.captured_queries)
    assert len(required.captured_queries) == len(optional.captured_queries) + 1


# --- The dashboard -------------------------------------------------------------------------


def test_the_dashboard_login_asks_for_the_code_as_a_second_step(enrolled, clinician):
    url, codes = enrolled
    browser = Client()
    first = browser.post("/dashboard/login/", {"username": clinician.email, "password": PASSWORD})
    assert first.status_code == 302 and first["Location"] == "/dashboard/login/code/"
    assert browser.get("/dashboard/").status_code == 302  # not signed in yet
    page = browser.get("/dashboard/login/code/")
    assert 'autocomplete="one-time-code"' in page.content.decode()
    wrong = browser.post("/dashboard/login/code/", {"otp": "000000"})
    assert "wrong or used" in wrong.content.decode()
    forget_device_throttle()
    done = browser.post("/dashboard/login/code/", {"otp": code_for(url)})
    assert done.status_code == 302 and done["Location"] == "/dashboard/"
    assert browser.get("/dashboard/").status_code == 200


def test_the_second_step_cannot_be_reached_without_the_password(db):
    assert Client().get("/dashboard/login/code/")["Location"] == "/dashboard/login/"


def test_required_mfa_sends_the_dashboard_to_setup_with_a_qr_code(settings, clinician):
    settings.CLINICIAN_MFA = "required"
    browser = Client()
    browser.force_login(clinician)
    response = browser.get("/dashboard/")
    assert (
        response.status_code == 302 and response["Location"] == "/dashboard/account/sign-in-codes/"
    )
    page = browser.get("/dashboard/account/sign-in-codes/")
    html = page.content.decode()
    assert "<svg" in html and "otpauth://totp/" in html
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)
    assert len(codes) == 10
    url = re.search(r'<code class="otpauth">([^<]+)</code>', html).group(1).replace("&amp;", "&")
    done = browser.post("/dashboard/account/sign-in-codes/", {"otp": code_for(url)})
    assert "Sign-in codes are on" in done.content.decode()
    assert browser.get("/dashboard/").status_code == 200
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
