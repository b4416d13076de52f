"""The accounts' password-reset pages at /app/ in the patient app's look and language; the
dashboard's keep the dashboard's."""

from accounts import passwords
from lib.throttling import LoginSlowDownFormMixin
from patientapp.forms import PatientLoginForm


def test_the_app_reset_pages_extend_the_patient_apps_base(client, patient):
    page = client.get("/app/password-reset/").content.decode()
    assert "patientapp/app.css" in page and "accounts/accounts.css" not in page
    assert "What is your email address?" in page
    assert 'href="tel:911"' in page  # the app's emergency line, in its footer
    sent = client.post("/app/password-reset/", {"email": patient.user.email}).content.decode()
    assert "patientapp/app.css" in sent and "or 911 in an emergency" in sent
    invalid = client.get("/app/password-reset/not-a-token/")
    assert invalid.status_code == 400 and "patientapp/app.css" in invalid.content.decode()


def test_the_app_reset_pages_speak_the_visitors_language(client):
    page = client.get("/app/password-reset/?lang=es")
    assert page["Content-Language"] == "es"
    assert "¿Cuál es su correo electrónico?" in page.content.decode()


def test_a_valid_reset_link_page_in_the_app_look(client, patient):
    token = passwords.reset_token_make(patient.user)
    page = client.get(f"/app/password-reset/{token}/").content.decode()
    assert "patientapp/app.css" in page and "Choose a new password" in page


def test_the_dashboard_reset_pages_keep_the_dashboards_look(client):
    page = client.get("/dashboard/password-reset/").content.decode()
    assert "patientapp/app.css" not in page
    assert "What is your email address?" in page


def test_the_app_login_slows_down_with_the_device_cookie_and_links_to_the_reset(client):
    assert issubclass(PatientLoginForm, LoginSlowDownFormMixin)
    assert 'href="/app/password-reset/"' in client.get("/app/login/").content.decode()
