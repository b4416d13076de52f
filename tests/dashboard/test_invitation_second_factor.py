"""Issue 23, high 2: accepting a team invitation signs a clinician in only after their
second factor, and the accept form counts wrong passwords like a login."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from outbox.models import Message
from recovery.models import TeamMembership
from tests.api.test_mfa import code_for, forget_device_throttle
from tests.dashboard.test_team import invitation_token
from tests.factories import PASSWORD


@pytest.fixture
def with_second_factor(api, other_clinician):
    client = api(other_clinician)
    url = client.post("/api/v1/me/mfa/").json()["otpauth_url"]
    assert (
        client.post("/api/v1/me/mfa/confirm/", {"otp": code_for(url)}, format="json").status_code
        == 204
    )
    TOTPDevice.objects.filter(user=other_clinician).update(last_t=-1)
    return url


@pytest.fixture
def token(browser_client, clinician, team, other_clinician):
    TeamMembership.objects.filter(careteam=team, user=clinician).update(is_admin=True)
    browser_client(clinician).post(
        f"/dashboard/team/{team.pk}/invite/", {"email": other_clinician.email}
    )
    return invitation_token(Message.objects.get(category="team-invitation"))


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_accept_asks_the_second_factor_before_signing_in(
    token, team, other_clinician, with_second_factor
):
    visitor = Client()
    response = visitor.post(f"/dashboard/invite/{token}/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dashboard/login/code/"
    assert not signed_in(visitor)
    assert visitor.get("/dashboard/").status_code == 302  # not in yet
    wrong = visitor.post("/dashboard/login/code/", {"otp": "000000"})
    assert wrong.status_code == 200 and not signed_in(visitor)
    forget_device_throttle()
    done = visitor.post("/dashboard/login/code/", {"otp": code_for(with_second_factor)})
    assert done.status_code == 302 and done["Location"] == f"/dashboard/team/{team.pk}/"
    assert signed_in(visitor)
    assert TeamMembership.objects.filter(careteam=team, user=other_clinician).exists()


def test_an_account_without_a_second_factor_is_signed_in_as_before(token, team):
    visitor = Client()
    response = visitor.post(f"/dashboard/invite/{token}/", {"password": PASSWORD})
    assert response["Location"] == f"/dashboard/team/{team.pk}/"
    assert signed_in(visitor)


def test_wrong_passwords_on_the_accept_form_are_slowed_down(token, team, other_clinician, settings):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 3
    settings.LOGIN_FAILURES_FREE_PER_ADDRESS = 100
    for _ in range(4):
        assert (
            Client().post(f"/dashboard/invite/{token}/", {"password": "guess"}).status_code == 400
        )
    blocked = Client().post(f"/dashboard/invite/{token}/", {"password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.content.decode()
    assert not TeamMembership.objects.filter(careteam=team, user=other_clinician).exists()
