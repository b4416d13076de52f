"""Teams run themselves (issue 15): admins invite and remove clinicians and edit the team's
settings, every change kept as a version; other members read; other teams get a 404."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from outbox.models import Message
from recovery.models import CareTeam, TeamInvitation, TeamMembership, TeamSettingsVersion
from tests.factories import PASSWORD, ClinicianFactory
from tests.support.admin import admin_verified
from tests.support.outbox import sent_message


@pytest.fixture
def admin(clinician, team):
    TeamMembership.objects.filter(careteam=team, user=clinician).update(is_admin=True)
    return clinician


@pytest.fixture
def colleague(team):
    return ClinicianFactory(email="carol@clinic.test", teams=[team])


def test_create_clinician_makes_a_team_admin_and_me_keeps_the_role(api, db):
    call_command("create_clinician", email="lead@clinic.test", password=PASSWORD, team="East Spine")
    user = User.objects.get(email="lead@clinic.test")
    membership = TeamMembership.objects.get(user=user)
    assert membership.is_admin and membership.careteam.name == "East Spine"
    assert api(user).get("/api/v1/me/").json()["role"] == "clinician"


def test_factories_add_plain_members(clinician, team):
    assert TeamMembership.objects.get(careteam=team, user=clinician).is_admin is False
    assert list(team.clinicians.all()) == [clinician]


def test_the_team_page_is_read_only_for_members_and_404_for_other_teams(
    browser_client, clinician, other_clinician, team, admin, colleague
):
    page = browser_client(colleague).get(f"/dashboard/team/{team.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "alice@clinic.test" in body
    assert "Send invitation" not in body and "Save settings" not in body
    response = browser_client(colleague).post(
        f"/dashboard/team/{team.pk}/settings/", {"fever_threshold_c": "38.5"}
    )
    assert response.status_code == 302
    assert CareTeam.objects.get(pk=team.pk).rule_settings == {}
    assert (
        browser_client(colleague)
        .post(f"/dashboard/team/{team.pk}/invite/", {"email": "x@clinic.test"})
        .status_code
        == 302
    )
    assert not TeamInvitation.objects.exists()

    for path in ("", "settings/", "invite/", f"members/{colleague.pk}/remove/"):
        method = "get" if path == "" else "post"
        response = getattr(browser_client(other_clinician), method)(
            f"/dashboard/team/{team.pk}/{path}"
        )
        assert response.status_code == 404, path
    assert TeamMembership.objects.filter(user=colleague).exists()

    admin_page = browser_client(admin).get(f"/dashboard/team/{team.pk}/").content.decode()
    assert "Send invitation" in admin_page and "Save settings" in admin_page


def test_the_team_index_sends_a_one_team_clinician_to_their_team(browser_client, clinician, team):
    response = browser_client(clinician).get("/dashboard/team/")
    assert response.status_code == 302 and response["Location"] == f"/dashboard/team/{team.pk}/"


def test_settings_change_is_saved_as_a_version_and_shown_as_history(browser_client, admin, team):
    client = browser_client(admin)
    response = client.post(
        f"/dashboard/team/{team.pk}/settings/",
        {
            "timezone": "America/Chicago",
            "emergency_number": "911",  # the form's fields come prefilled
            "fever_threshold_c": "38.3",
            "repeat_max": "3",
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.rule_settings == {"fever_threshold_c": 38.3, "repeat_max": 3}
    assert team.timezone == "America/Chicago"
    version = TeamSettingsVersion.objects.get()
    assert version.changed_by == admin
    assert version.old == {"timezone": "UTC"}
    assert version.new == {
        "rule:fever_threshold_c": 38.3,
        "rule:repeat_max": 3,
        "timezone": "America/Chicago",
    }
    # Back to the default for one, a new value for the other: a second version.
    client.post(
        f"/dashboard/team/{team.pk}/settings/",
        {
            "timezone": "America/Chicago",
            "emergency_number": "911",
            "fever_threshold_c": "",
            "repeat_max": "4",
        },
    )
    team.refresh_from_db()
    assert team.rule_settings == {"repeat_max": 4}
    latest = TeamSettingsVersion.objects.order_by("-id").first()
    assert latest.old == {"rule:fever_threshold_c": 38.3, "rule:repeat_max": 3}
    assert latest.new == {"rule:repeat_max": 4}
    # The same values again change nothing and add no version.
    client.post(
        f"/dashboard/team/{team.pk}/settings/",
        {"timezone": "America/Chicago", "emergency_number": "911", "repeat_max": "4"},
    )
    assert TeamSettingsVersion.objects.count() == 2

    page = client.get(f"/dashboard/team/{team.pk}/").content.decode()
    assert "History of settings" in page
    assert "fever_threshold_c</code>: 38.3 → default" in page
    assert "repeat_max</code>: 3 → 4" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fever_threshold_c", "45"),
        ("fever_threshold_c", "hot"),
        ("repeat_max", "2.5"),
        ("digest_hour", "24"),
        ("timezone", "Mars/Olympus"),
    ],
)
def test_a_bad_setting_is_an_error_beside_the_field_and_writes_nothing(
    browser_client, admin, team, field, value
):
    data = {"timezone": "UTC", "fever_threshold_c": "38.2", field: value}
    response = browser_client(admin).post(f"/dashboard/team/{team.pk}/settings/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}-error"' in body
    team.refresh_from_db()
    assert team.rule_settings == {} and team.timezone == "UTC"
    assert not TeamSettingsVersion.objects.exists()


def test_the_settings_form_needs_csrf(admin, team):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post(f"/dashboard/team/{team.pk}/settings/", {"fever_threshold_c": "38.5"})
    assert response.status_code == 403
    assert CareTeam.objects.get(pk=team.pk).rule_settings == {}


def invitation_token(email_row) -> str:
    """The link's token, read in the message that left (the stored body has a placeholder)."""
    return re.search(r"/dashboard/invite/([\w-]+)/", sent_message(email_row).body).group(1)


def test_an_invited_clinician_sets_a_password_and_joins(
    browser_client, admin, team, django_capture_on_commit_callbacks
):
    client = browser_client(admin)  # its sign-in's own on-commit work stays outside
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            f"/dashboard/team/{team.pk}/invite/", {"email": "New.Doc@Clinic.test"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1  # the outbox's wake-up, after commit
    email = Message.objects.get(category="team-invitation")
    assert email.to == "new.doc@clinic.test"
    assert team.name in email.subject
    assert "&#x27;" not in email.body_text and "&amp;" not in email.body_text
    token = invitation_token(email)
    assert TeamInvitation.objects.get().token_hash != token  # only a keyed hash is stored

    visitor = Client()
    page = visitor.get(f"/dashboard/invite/{token}/")
    assert page.status_code == 200 and "Choose a password" in page.content.decode()
    weak = visitor.post(f"/dashboard/invite/{token}/", {"password": "short"})
    assert weak.status_code == 400
    assert not User.objects.filter(email="new.doc@clinic.test").exists()
    done = visitor.post(
        f"/dashboard/invite/{token}/",
        {"first_name": "Nia", "last_name": "Doc", "password": "a-long-enough-pass-phrase"},
    )
    assert done.status_code == 302
    user = User.objects.get(email="new.doc@clinic.test")
    assert user.is_clinician and user.first_name == "Nia"
    assert TeamMembership.objects.get(careteam=team, user=user).is_admin is False
    assert visitor.get("/dashboard/").status_code == 200  # signed in
    # Single use.
    again = Client().get(f"/dashboard/invite/{token}/")
    assert again.status_code == 404


def test_an_existing_clinician_joins_with_their_own_password(
    browser_client, admin, team, other_clinician
):
    browser_client(admin).post(
        f"/dashboard/team/{team.pk}/invite/", {"email": other_clinician.email}
    )
    token = invitation_token(Message.objects.get(category="team-invitation"))
    wrong = Client().post(f"/dashboard/invite/{token}/", {"password": "not-it"})
    assert wrong.status_code == 400
    assert not TeamMembership.objects.filter(careteam=team, user=other_clinician).exists()
    Client().post(f"/dashboard/invite/{token}/", {"password": PASSWORD})
    assert TeamMembership.objects.filter(careteam=team, user=other_clinician).exists()
    assert other_clinician.care_teams.count() == 2


def test_an_invitation_never_tells_the_admin_an_address_is_a_patient(
    browser_client, admin, team, other_patient
):
    answers = []
    for email in (other_patient.user.email, "nobody@clinic.test"):
        response = browser_client(admin).post(
            f"/dashboard/team/{team.pk}/invite/", {"email": email}, follow=True
        )
        assert response.status_code == 200
        said = re.findall(r'class="message[^"]*"[^>]*>(.*?)</p>', response.content.decode())
        answers.append([text.replace(email, "ADDRESS") for text in said])
    assert answers[0] == answers[1] == ["Invitation sent to ADDRESS. The link works for 7 days."]
    # The patient's own mailbox gets a link that cannot be used with that address.
    email = Message.objects.filter(to=other_patient.user.email).get()
    page = Client().get(f"/dashboard/invite/{invitation_token(email)}/")
    assert page.status_code == 400 and "cannot join" in page.content.decode()
    assert (
        Client()
        .post(f"/dashboard/invite/{invitation_token(email)}/", {"password": PASSWORD})
        .status_code
        == 400
    )
    assert not TeamMembership.objects.filter(user=other_patient.user).exists()


def test_an_invitation_expires(browser_client, admin, team, settings):
    browser_client(admin).post(f"/dashboard/team/{team.pk}/invite/", {"email": "late@clinic.test"})
    token = invitation_token(Message.objects.get(category="team-invitation"))
    later = timezone.now() + dt.timedelta(days=settings.TEAM_INVITATION_DAYS, minutes=1)
    with time_machine.travel(later):
        assert Client().get(f"/dashboard/invite/{token}/").status_code == 404
    assert Client().get("/dashboard/invite/garbage/").status_code == 404


def test_removing_a_clinician_ends_their_sessions_and_tokens_and_hides_patients(
    browser_client, admin, colleague, team, patient
):
    session = browser_client(colleague)
    assert session.get(f"/dashboard/patients/{patient.pk}/").status_code == 200
    login = APIClient().post(
        "/api/v1/auth/token/", {"email": colleague.email, "password": PASSWORD}, format="json"
    )
    tokens = login.json()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.get(f"/api/v1/patients/{patient.pk}/").status_code == 200

    response = browser_client(admin).post(
        f"/dashboard/team/{team.pk}/members/{colleague.pk}/remove/"
    )
    assert response.status_code == 302
    assert not TeamMembership.objects.filter(careteam=team, user=colleague).exists()

    # The session is gone: the next page asks them to sign in.
    assert session.get("/dashboard/").status_code == 302
    assert not [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(colleague.pk)
    ]
    # The refresh token is revoked.
    refreshed = APIClient().post(
        "/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401
    assert BlacklistedToken.objects.filter(token__user=colleague).count() == (
        OutstandingToken.objects.filter(user=colleague).count()
    )
    # The access token still lives out its minutes, but shows none of the team's patients.
    assert api.get(f"/api/v1/patients/{patient.pk}/").status_code == 404
    assert api.get("/api/v1/patients/").json()["results"] == []


def test_the_last_admin_cannot_be_removed_or_demoted(browser_client, admin, team):
    client = browser_client(admin)
    response = client.post(f"/dashboard/team/{team.pk}/members/{admin.pk}/remove/", follow=True)
    assert "at least one admin" in response.content.decode()
    assert TeamMembership.objects.filter(careteam=team, user=admin, is_admin=True).exists()
    client.post(f"/dashboard/team/{team.pk}/members/{admin.pk}/admin/", {"is_admin": "0"})
    assert TeamMembership.objects.filter(careteam=team, user=admin, is_admin=True).exists()


def test_an_admin_makes_a_colleague_admin(browser_client, admin, colleague, team):
    browser_client(admin).post(
        f"/dashboard/team/{team.pk}/members/{colleague.pk}/admin/", {"is_admin": "1"}
    )
    assert TeamMembership.objects.get(careteam=team, user=colleague).is_admin
    # A non-admin cannot.
    other = ClinicianFactory(teams=[team])
    browser_client(other).post(
        f"/dashboard/team/{team.pk}/members/{other.pk}/admin/", {"is_admin": "1"}
    )
    assert not TeamMembership.objects.get(careteam=team, user=other).is_admin


@pytest.mark.parametrize("count", [1, 20])
def test_the_team_page_runs_a_constant_number_of_queries(
    browser_client, admin, team, django_assert_num_queries, count
):
    from recovery import teams

    for n in range(count):
        ClinicianFactory(email=f"member{n}@clinic.test", teams=[team])
        teams.team_settings_update(
            team=team, by=admin, fields={"timezone": "UTC"}, rule_settings={"repeat_max": n}
        )
    TeamInvitation.objects.create(
        team=team,
        email="x@clinic.test",
        token_hash="h",
        invited_by=admin,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    client = browser_client(admin)
    # 1 session, 2 user, 3 the membership with its team, 4 members with their users,
    # 5 open invitations with who sent them, 6 settings versions with who made them,
    # 7-9 pipeline banner.
    with django_assert_num_queries(9):
        response = client.get(f"/dashboard/team/{team.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('class="member"') == count + 1


def test_a_settings_change_in_the_admin_is_kept_in_the_history(team, db):
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser(
        email="root@clinic.test", password=PASSWORD
    )
    client = Client()
    admin_verified(client, superuser)
    response = client.post(
        f"/admin/recovery/careteam/{team.pk}/change/",
        {
            "name": team.name,
            "timezone": "UTC",
            "emergency_number": "911",
            "rule_settings": '{"fever_threshold_c": 38.4}',
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    version = TeamSettingsVersion.objects.get()
    assert (version.changed_by, version.new) == (superuser, {"rule:fever_threshold_c": 38.4})
