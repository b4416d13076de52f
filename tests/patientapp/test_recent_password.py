"""Issue 23, high 1: a session opened by a reminder's sign-in link may check in and read,
but inviting a caregiver or changing the phone or reminder channel asks for the password
first (nothing changes until it is given); issue 23, medium 3: the password typed again is
slowed down like a login."""

import pytest

from caregivers.models import CareLink
from patientapp.services import signin_link_issue
from recovery.models import Patient
from tests.factories import PASSWORD

NEW = "a brand new passphrase 77"


@pytest.fixture
def by_link(client, patient, procedure):
    client.post(f"/app/l/{signin_link_issue(patient=patient)}/")
    assert client.session["via_link"] is True
    return client


@pytest.fixture
def by_password(client, patient, procedure):
    response = client.post("/app/login/", {"username": patient.user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_link_session_may_check_in_and_read(by_link):
    for path in ("/app/", "/app/checkin/", "/app/history/", "/app/plan/", "/app/settings/"):
        assert by_link.get(path).status_code == 200, path
    assert by_link.post("/app/checkin/", {"answer": "no"}).status_code == 302


@pytest.mark.parametrize(
    "path, body",
    [
        ("/app/settings/texts/phone/", {"phone": "+1 202 555 0147"}),
        ("/app/settings/texts/consent/", {"consent": "yes"}),
        ("/app/settings/texts/channel/", {"channel": "sms"}),
    ],
)
def test_a_link_session_changes_no_phone_or_channel_without_the_password(
    by_link, patient, path, body
):
    before = Patient.objects.values().get(pk=patient.pk)
    for method in (by_link.get, by_link.post):
        response = method(path, body)
        assert response.status_code == 302
        assert response["Location"].startswith("/app/confirm-password/?next=")
    assert Patient.objects.values().get(pk=patient.pk) == before

    wrong = by_link.post("/app/confirm-password/", {"password": "nope", "next": path})
    assert wrong.status_code == 400 and b"That is not your current password" in wrong.content
    assert by_link.get(path).status_code == 302
    right = by_link.post("/app/confirm-password/", {"password": PASSWORD, "next": path})
    assert (right.status_code, right["Location"]) == (302, path)
    assert by_link.get(path).status_code == 200


def test_a_password_session_is_not_asked_again(by_password):
    assert by_password.get("/app/settings/texts/phone/").status_code == 200


def test_the_confirmation_goes_back_only_into_the_app(by_link):
    for target in ("https://evil.example/", "//evil.example/x", "/dashboard/", ""):
        response = by_link.post("/app/confirm-password/", {"password": PASSWORD, "next": target})
        assert response["Location"] == "/app/settings/", target


def test_the_api_refuses_an_invitation_from_a_link_session_cookie(by_link, patient):
    body = {"email": "stranger@evil.test", "name": "Stranger", "relationship": "friend"}
    response = by_link.post("/api/v1/me/caregivers/", body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["password_required"] is True
    assert not CareLink.objects.exists()
    patch = by_link.patch(
        "/api/v1/me/", {"reminder_channel": "sms"}, content_type="application/json"
    )
    assert patch.status_code == 403
    assert by_link.get("/api/v1/me/").status_code == 200  # reading stays open
    by_link.post("/app/confirm-password/", {"password": PASSWORD})
    response = by_link.post("/api/v1/me/caregivers/", body, content_type="application/json")
    assert response.status_code == 201


def test_token_clients_are_not_asked(api, patient):
    body = {"email": "ann@care.test", "name": "Ann", "relationship": "daughter"}
    assert api(patient.user).post("/api/v1/me/caregivers/", body, format="json").status_code == 201


def test_the_password_typed_again_is_slowed_down_like_a_login(by_link, settings):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 3
    settings.LOGIN_FAILURES_FREE_PER_ADDRESS = 100
    for _ in range(3):
        assert by_link.post("/app/confirm-password/", {"password": "nope"}).status_code == 400
    by_link.post("/app/confirm-password/", {"password": "nope"})
    blocked = by_link.post("/app/confirm-password/", {"password": PASSWORD})
    assert blocked.status_code == 400
    assert b"Too many wrong passwords" in blocked.content
    assert by_link.get("/app/settings/texts/phone/").status_code == 302  # still not confirmed


def test_the_current_password_on_settings_is_slowed_down(by_password, patient, settings):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 2
    settings.LOGIN_FAILURES_FREE_PER_ADDRESS = 100
    body = {"form": "password", "current_password": "wrong", "new_password": NEW}
    for _ in range(3):
        assert by_password.post("/app/settings/", body).status_code == 400
    right = {**body, "current_password": PASSWORD}
    response = by_password.post("/app/settings/", right)
    assert response.status_code == 400 and b"Too many wrong passwords" in response.content
    patient.user.refresh_from_db()
    assert patient.user.check_password(PASSWORD)
