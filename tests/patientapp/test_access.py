"""Who may open the patient app: patients; everyone else is sent away plainly."""

import pytest

from tests.factories import ClinicianFactory

PAGES = [
    "/app/",
    "/app/checkin/",
    "/app/checkin/temperature/",
    "/app/history/",
    "/app/plan/",
    "/app/settings/",
    "/app/access-log/",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_out_visitor_is_sent_to_the_app_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/app/login/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_a_clinician_gets_a_403_with_a_link_to_the_dashboard_login(app_client, clinician, path):
    response = app_client(clinician).get(path)
    assert response.status_code == 403
    assert b'href="/dashboard/login/"' in response.content


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/alerts/"])
def test_a_patient_gets_a_403_on_the_dashboard(app_client, patient, path):
    response = app_client(patient.user).get(path)
    assert response.status_code == 403
    assert b'href="/app/"' in response.content


@pytest.mark.parametrize("path", PAGES)
def test_pages_with_health_data_are_never_stored(app_client, patient, procedure, path):
    response = app_client(patient.user).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_clinician_login_refuses_in_the_app(client, db):
    ClinicianFactory(email="carol@clinic.test")
    response = client.post(
        "/app/login/", {"username": "carol@clinic.test", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 400
    assert b"This sign-in is for patients" in response.content
    assert "_auth_user_id" not in client.session


def test_a_patient_signs_in_and_out(client, patient):
    response = client.post(
        "/app/login/",
        {"username": "BOB@patient.test", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert client.get("/app/").status_code == 200
    assert client.get("/app/logout/").status_code == 405  # sign out is a POST
    assert client.post("/app/logout/").status_code == 302
    assert client.get("/app/").status_code == 302


def test_a_wrong_password_says_so_beside_the_form(client, patient):
    response = client.post("/app/login/", {"username": "bob@patient.test", "password": "nope"})
    assert response.status_code == 400
    assert b"The email or password is not right" in response.content
    assert b'class="error-summary"' in response.content


def test_the_login_page_links_to_password_reset_and_activation(client, db):
    body = client.get("/app/login/").content
    assert b'href="/app/password-reset/"' in body
    assert b'href="/app/activate/"' in body
