"""The team's phone and emergency numbers (issue 15): fields of the team, edited on the team
form with its settings, checked with `phonenumbers`, stored in E.164, kept in the history."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from recovery.models import CareTeam, TeamMembership, TeamSettingsVersion
from tests.factories import PASSWORD
from tests.support.admin import admin_verified


@pytest.fixture
def admin(clinician, team):
    TeamMembership.objects.filter(careteam=team, user=clinician).update(is_admin=True)
    return clinician


def post_details(client, team, **fields):
    data = {"timezone": "UTC", "phone": "", "emergency_number": "911", **fields}
    return client.post(f"/dashboard/team/{team.pk}/settings/", data)


def test_the_team_form_saves_the_phone_in_e164_and_keeps_a_version(browser_client, admin, team):
    client = browser_client(admin)
    page = client.get(f"/dashboard/team/{team.pk}/").content.decode()
    assert 'name="phone"' in page and 'name="emergency_number"' in page

    response = post_details(client, team, phone="(202) 555-0100", emergency_number="112")
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.phone, team.emergency_number) == ("+12025550100", "112")
    version = TeamSettingsVersion.objects.get()
    assert version.changed_by == admin
    assert version.old == {"phone": "", "emergency_number": "911"}
    assert version.new == {"phone": "+12025550100", "emergency_number": "112"}
    # The same number typed another way is no change.
    post_details(client, team, phone="+1 202-555-0100", emergency_number="112")
    assert TeamSettingsVersion.objects.count() == 1
    # A foreign number with its country code; a full number as the emergency line.
    post_details(client, team, phone="+44 20 7946 0958", emergency_number="+1 312 555 0199")
    team.refresh_from_db()
    assert (team.phone, team.emergency_number) == ("+442079460958", "+13125550199")
    history = client.get(f"/dashboard/team/{team.pk}/").content.decode()
    assert "+12025550100 → +442079460958" in history


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "+1 555 0100"),  # too short: not a number anywhere
        ("phone", "call us"),
        ("phone", "555-0100"),  # no area code
        ("emergency_number", "9111"),
        ("emergency_number", "hello"),
        ("emergency_number", ""),
    ],
)
def test_a_bad_number_is_an_error_beside_the_field_and_writes_nothing(
    browser_client, admin, team, field, value
):
    response = post_details(browser_client(admin), team, **{field: value})
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    team.refresh_from_db()
    assert (team.phone, team.emergency_number) == ("", "911")
    assert not TeamSettingsVersion.objects.exists()


def test_the_region_setting_reads_national_numbers_and_short_emergency_numbers(
    browser_client, admin, team, settings
):
    settings.PHONE_REGION = "GB"
    client = browser_client(admin)
    response = post_details(client, team, phone="020 7946 0958", emergency_number="999")
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.phone, team.emergency_number) == ("+442079460958", "999")
    # 911 is not an emergency number in Great Britain.
    assert post_details(client, team, emergency_number="911").status_code == 400


def test_the_model_clean_checks_and_normalises_the_numbers(team):
    team.phone, team.emergency_number = "202 555 0100", "911"
    team.full_clean()
    assert team.phone == "+12025550100"
    team.phone, team.emergency_number = "12", "0000"
    with pytest.raises(ValidationError) as refused:
        team.full_clean()
    assert set(refused.value.message_dict) == {"phone", "emergency_number"}


def admin_post(client, team, **fields):
    return client.post(
        f"/admin/recovery/careteam/{team.pk}/change/",
        {
            "name": team.name,
            "timezone": "UTC",
            "phone": "",
            "emergency_number": "911",
            "rule_settings": "{}",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            **fields,
        },
    )


def test_the_admin_refuses_a_bad_number_and_normalises_a_good_one(team, db):
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser(
        email="root@clinic.test", password=PASSWORD
    )
    client = Client()
    admin_verified(client, superuser)
    refused = admin_post(client, team, phone="+1 555 0100")
    assert refused.status_code == 200
    assert "Not a valid phone number" in refused.content.decode()
    assert CareTeam.objects.get(pk=team.pk).phone == ""
    assert not TeamSettingsVersion.objects.exists()

    assert admin_post(client, team, phone="202.555.0100").status_code == 302
    assert CareTeam.objects.get(pk=team.pk).phone == "+12025550100"
    assert TeamSettingsVersion.objects.get().new == {"phone": "+12025550100"}


def test_the_team_sets_the_temperature_unit_and_keeps_a_version(browser_client, admin, team):
    client = browser_client(admin)
    assert 'name="temperature_unit"' in client.get(f"/dashboard/team/{team.pk}/").content.decode()
    assert team.temperature_unit == "F"  # a US team's default
    assert post_details(client, team, temperature_unit="C").status_code == 302
    team.refresh_from_db()
    assert team.temperature_unit == "C"
    assert TeamSettingsVersion.objects.get().new == {"temperature_unit": "C"}
    assert post_details(client, team, temperature_unit="K").status_code == 400
    team.refresh_from_db()
    assert team.temperature_unit == "C"
