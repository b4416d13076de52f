"""Caregivers reset their password like patients (issue 15 "Password reset for patients,
caregivers and clinicians"): a link to the patient app's page, and the same endings."""

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from outbox.models import Message
from tests.api.test_password_reset import NEW_PASSWORD, ask, confirm, login, sent_link
from tests.factories import PASSWORD


def test_a_caregiver_gets_a_link_to_the_app_and_resets(caregiver, patient):
    pair = login(caregiver.email, PASSWORD).json()
    browser = Client()
    browser.force_login(caregiver)
    assert ask("Ann@Care.test").status_code == 204
    path, token = sent_link()
    assert path.startswith("/app/password-reset/")
    assert mail.outbox[0].to == ["ann@care.test"]
    assert token not in str(list(Message.objects.values()))

    assert confirm(token).status_code == 204
    assert login(caregiver.email, NEW_PASSWORD).status_code == 200
    assert login(caregiver.email, PASSWORD).status_code == 401
    # Every session and token of the caregiver ended.
    refreshed = APIClient().post(
        "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401
    assert browser.get("/api/v1/me/").status_code in (401, 403)
    # The patient's own password is untouched.
    assert login(patient.user.email, PASSWORD).status_code == 200


def test_a_caregiver_resets_on_the_app_pages(caregiver):
    browser = Client()
    sent = browser.post("/app/password-reset/", {"email": caregiver.email})
    assert "Check your email" in sent.content.decode()
    path, _ = sent_link()
    assert browser.get(path).status_code == 200
    done = browser.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert "Your password is changed" in done.content.decode()
    assert login(caregiver.email, NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize("mfa", ["optional", "required"])
def test_a_caregiver_is_never_asked_for_a_second_factor(caregiver, settings, mfa):
    settings.CLINICIAN_MFA = mfa
    response = login(caregiver.email, PASSWORD)
    assert response.status_code == 200 and "access" in response.json()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api.get("/api/v1/me/").json()["role"] == "caregiver"
    assert api.post("/api/v1/me/mfa/").status_code == 403  # clinicians only
