"""One way to sign someone out (accounts.services.account_sign_out_everywhere): a new
password, a deactivation in the admin and a removal from a team all end every session row and
every refresh token of the account, and only theirs."""

from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import User
from accounts.services import account_password_set, account_sign_out_everywhere
from recovery import teams
from recovery.models import TeamMembership
from tests.factories import PASSWORD, ClinicianFactory
from tests.support.admin import admin_verified


def sessions_of(user) -> list[str]:
    return [
        s.session_key
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_password_deletes_the_accounts_session_rows_and_no_one_elses(patient, clinician):
    for user in (patient.user, patient.user, clinician):
        signed_in(user)
    APIClient().post(
        "/api/v1/auth/token/", {"email": patient.user.email, "password": PASSWORD}, format="json"
    )
    assert len(sessions_of(patient.user)) == 2
    account_password_set(user=patient.user, password="granite-ladder-orchid-41")
    assert sessions_of(patient.user) == []
    assert len(sessions_of(clinician)) == 1
    live = OutstandingToken.objects.filter(user=patient.user, blacklistedtoken__isnull=True)
    assert not live.exists()


def test_it_returns_the_live_refresh_tokens_and_is_harmless_twice(patient):
    for _ in range(2):
        APIClient().post(
            "/api/v1/auth/token/",
            {"email": patient.user.email, "password": PASSWORD},
            format="json",
        )
    assert account_sign_out_everywhere(user=patient.user) == 2
    assert account_sign_out_everywhere(user=patient.user) == 0


def test_team_removal_signs_out_through_the_accounts_service(clinician, team, monkeypatch):
    TeamMembership.objects.filter(careteam=team, user=clinician).update(is_admin=True)
    colleague = ClinicianFactory(email="carol@clinic.test", teams=[team])
    calls = []
    monkeypatch.setattr(teams, "account_sign_out_everywhere", lambda **kwargs: calls.append(kwargs))
    assert teams.team_member_remove(team=team, by=clinician, user=colleague)
    assert calls == [{"user": colleague}]
    assert not hasattr(teams, "sign_out_everywhere")  # no second way


def test_an_admin_changing_their_own_password_stays_signed_in_elsewhere_signed_out(db):
    root = User.objects.create_superuser("root@clinic.test", PASSWORD)
    here, elsewhere = admin_verified(Client(), root), admin_verified(Client(), root)
    response = here.post(
        f"/admin/accounts/user/{root.pk}/password/",
        {
            "password1": "a-new-long-passphrase-7",
            "password2": "a-new-long-passphrase-7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert here.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302
    assert len(sessions_of(root)) == 1
