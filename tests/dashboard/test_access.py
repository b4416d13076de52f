"""Who may open which dashboard page: the same scope as the API."""

import pytest

from recovery.choices import AlertStatus
from tests.dashboard.conftest import make_alert
from tests.factories import PASSWORD, UserFactory

PAGES = ["/dashboard/", "/dashboard/alerts/", "/dashboard/patients/{patient}/"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_the_login_page(client, patient, path):
    url = path.format(patient=patient.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/login/?next={url}"


@pytest.mark.parametrize("path", PAGES)
def test_a_patient_gets_a_403_page(browser_client, patient, path):
    response = browser_client(patient.user).get(path.format(patient=patient.pk))
    assert response.status_code == 403
    assert b"This page is for care teams" in response.content


def test_an_admin_without_the_clinician_role_gets_a_403_page(browser_client, db):
    admin = UserFactory(role="admin", is_staff=True)
    assert browser_client(admin).get("/dashboard/").status_code == 403


def test_the_other_teams_patient_page_is_a_404(browser_client, clinician, other_patient):
    response = browser_client(clinician).get(f"/dashboard/patients/{other_patient.pk}/")
    assert response.status_code == 404


def test_a_missing_patient_is_a_404_like_another_teams(browser_client, clinician, patient):
    assert browser_client(clinician).get("/dashboard/patients/999999/").status_code == 404


def test_the_own_teams_patient_page_opens(browser_client, clinician, patient, procedure):
    response = browser_client(clinician).get(f"/dashboard/patients/{patient.pk}/")
    assert response.status_code == 200
    assert b"Stone, Bob" in response.content


def test_the_list_shows_only_the_clinicians_teams(
    browser_client, clinician, patient, other_patient
):
    body = browser_client(clinician).get("/dashboard/").content.decode()
    assert "Stone, Bob" in body
    assert "Far, Dave" not in body


def test_other_teams_alerts_are_not_listed_in_the_inbox(
    browser_client, clinician, patient, other_patient
):
    mine = make_alert(patient, rule="fever")
    theirs = make_alert(other_patient, rule="leg_neuro")
    body = browser_client(clinician).get("/dashboard/alerts/").content.decode()
    assert f'data-alert="{mine.pk}"' in body
    assert f'data-alert="{theirs.pk}"' not in body


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_other_teams_alerts_cannot_be_acted_on(browser_client, clinician, other_patient, action):
    theirs = make_alert(other_patient)
    response = browser_client(clinician).post(
        f"/dashboard/alerts/{theirs.pk}/{action}/", {"note": "not mine"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AlertStatus.OPEN
    assert theirs.acknowledged_by is None


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_a_patient_cannot_act_on_their_own_alert(browser_client, patient, action):
    alert = make_alert(patient)
    response = browser_client(patient.user).post(
        f"/dashboard/alerts/{alert.pk}/{action}/", {"note": "me"}
    )
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_alert_actions_need_post(browser_client, clinician, patient):
    alert = make_alert(patient)
    response = browser_client(clinician).get(f"/dashboard/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 405
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_alert_actions_need_the_csrf_token(browser_client, clinician, patient):
    alert = make_alert(patient)
    client = browser_client(clinician, enforce_csrf_checks=True)
    response = client.post(f"/dashboard/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_a_clinician_signs_in_with_email_and_password(client, clinician):
    response = client.post(
        "/dashboard/login/", {"username": "alice@clinic.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_sign_in_returns_to_the_page_asked_for(client, clinician, patient):
    response = client.post(
        f"/dashboard/login/?next=/dashboard/patients/{patient.pk}/",
        {
            "username": "alice@clinic.test",
            "password": PASSWORD,
            "next": f"/dashboard/patients/{patient.pk}/",
        },
    )
    assert response["Location"] == f"/dashboard/patients/{patient.pk}/"


def test_a_patient_cannot_sign_in_to_the_dashboard(client, patient):
    response = client.post(
        "/dashboard/login/", {"username": "bob@patient.test", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert b"This sign-in is for care teams" in response.content
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused(client, clinician):
    response = client.post("/dashboard/login/", {"username": "alice@clinic.test", "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(browser_client, clinician):
    client = browser_client(clinician)
    assert client.post("/dashboard/logout/").status_code == 302
    assert client.get("/dashboard/").status_code == 302
