"""The probe's findings about passwords (issue 15): a new password ends the old tokens (4),
a deactivated patient cannot redeem an enrollment code (10)."""

from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from recovery import services
from tests.api.support import bearer, enroll, field_errors
from tests.factories import PASSWORD
from tests.support.admin import admin_verified

from .probe import NEW_PASSWORD, login, refresh

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
    admin_verified(client, admin)
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
    admin_verified(client, admin)
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
