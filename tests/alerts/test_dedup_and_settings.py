"""De-duplication, re-firing after resolution, and per-team settings (PROTOCOL.md section 4)."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from recovery import rules, services
from recovery.admin import CareTeamForm
from recovery.models import Alert, CareTeam
from tests.factories import ProcedureFactory

from .conftest import fired, record, utc

AT = utc(2026, 3, 10, 12)


@pytest.fixture
def operated(patient):
    ProcedureFactory(patient=patient, performed_on=dt.date(2026, 3, 2), pre_procedure_pain=8)
    return patient


def test_a_rule_firing_again_adds_to_its_unresolved_alert(operated):
    first = record(operated, at=AT, pain=2, temp=38.5)
    second = record(operated, at=AT + dt.timedelta(hours=3), pain=2, symptoms=["chills"])
    [alert] = Alert.objects.filter(patient=operated, rule="fever")
    assert first.alerts[0].pk == second.alerts[0].pk == alert.pk
    assert alert.occurrences == 2
    assert set(alert.checkins.values_list("pk", flat=True)) == {
        first.checkin.pk,
        second.checkin.pk,
    }
    assert alert.last_triggered_at >= alert.created_at


def test_an_acknowledged_alert_is_still_added_to(operated, clinician):
    alert = record(operated, at=AT, pain=2, temp=38.5).alerts[0]
    services.alert_acknowledge(alert=alert, by=clinician)
    again = record(operated, at=AT + dt.timedelta(hours=1), pain=2, temp=38.6).alerts[0]
    assert again.pk == alert.pk
    alert.refresh_from_db()
    assert (alert.status, alert.occurrences) == ("acknowledged", 2)


def test_after_resolution_the_rule_opens_a_new_alert(operated, clinician):
    alert = record(operated, at=AT, pain=2, temp=38.5).alerts[0]
    services.alert_resolve(alert=alert, by=clinician, note="Seen in clinic, antibiotics.")
    again = record(operated, at=AT + dt.timedelta(hours=1), pain=2, temp=38.5).alerts[0]
    assert again.pk != alert.pk
    assert again.occurrences == 1
    assert Alert.objects.filter(patient=operated, rule="fever").count() == 2
    alert.refresh_from_db()
    assert alert.status == "resolved"  # nothing is deleted or reopened


def test_different_rules_keep_separate_alerts(operated):
    record(operated, at=AT, pain=2, temp=38.5)
    record(operated, at=AT + dt.timedelta(hours=1), pain=2, symptoms=["leg_numbness"])
    assert set(Alert.objects.values_list("rule", flat=True)) == {"fever", "leg_neuro"}


def test_a_replayed_checkin_adds_nothing(operated):
    checkin_id = uuid.uuid4()
    first = record(operated, at=AT, pain=2, temp=38.5, checkin_id=checkin_id)
    replay = record(operated, at=AT, pain=2, temp=38.5, checkin_id=checkin_id)
    assert replay.replayed
    assert [a.pk for a in replay.alerts] == [a.pk for a in first.alerts]
    assert Alert.objects.get().occurrences == 1


# --- per-team settings -----------------------------------------------------------------------


@pytest.mark.parametrize(("temp", "fires"), [(38.3, True), (38.2, False), (38.0, False)])
def test_team_fever_threshold_override(operated, team, temp, fires):
    team.rule_settings = {"fever_threshold_c": 38.3}
    team.save()
    operated.team.refresh_from_db()
    assert ("fever" in fired(record(operated, at=AT, pain=2, temp=temp))) is fires


def test_alert_keeps_the_parameters_it_fired_with(operated, team):
    team.rule_settings = {"fever_threshold_c": 38.3}
    team.save()
    operated.team.refresh_from_db()
    alert = record(operated, at=AT, pain=2, temp=38.4).alerts[0]
    team.rule_settings = {"fever_threshold_c": 37.5}
    team.save()
    alert.refresh_from_db()
    assert alert.parameters == {"fever_threshold_c": 38.3}


def test_pain_rule_alerts_store_their_thresholds(operated):
    alert = record(operated, at=AT, pain=2, symptoms=["new_sudden_pain"]).alerts[0]
    assert alert.parameters == {
        "new_fracture_pain_at_least": 7,
        "new_fracture_prior_low_at_most": 3,
        "new_fracture_lookback_days": 14,
    }


@pytest.mark.parametrize(
    "value",
    [
        {"fever_threshold_c": "38.3"},
        {"fever_threshold_c": True},
        {"fever_threshold_c": 45},
        {"worsening_jump_points": 2.5},
        {"no_relief_max_fraction": 1.5},
        {"unknown_setting": 1},
        {"digest_hour": 24},
        ["fever_threshold_c", 38.3],
    ],
)
def test_invalid_team_settings_are_refused(db, value):
    team = CareTeam(name="Tuning", rule_settings=value)
    with pytest.raises(ValidationError) as error:
        team.full_clean()
    assert "rule_settings" in error.value.message_dict


def test_valid_team_settings_pass(db):
    team = CareTeam(
        name="Tuning",
        rule_settings={
            "fever_threshold_c": 38.3,
            "worsening_jump_points": 3,
            "no_relief_max_fraction": 0.6,
            "urgent_repeat_minutes": 30,
            "digest_hour": 7,
        },
    )
    team.full_clean()


def test_admin_form_shows_the_setting_error(db):
    form = CareTeamForm(
        data={"name": "Tuning", "timezone": "UTC", "rule_settings": '{"fever_threshold_c": "x"}'}
    )
    assert not form.is_valid()
    assert "must be a number" in str(form.errors["rule_settings"])


def test_a_bad_setting_that_reached_the_database_falls_back_to_the_default(operated, team):
    CareTeam.objects.filter(pk=team.pk).update(rule_settings={"fever_threshold_c": "hot"})
    operated.team.refresh_from_db()
    result = record(operated, at=AT, pain=2, temp=38.0)
    assert fired(result) == {"fever"}
    assert result.alerts[0].parameters == {"fever_threshold_c": 38.0}


def test_parameters_for_merges_overrides_with_defaults():
    params = rules.parameters_for({"fever_threshold_c": 38.3, "digest_hour": 6})
    assert params["fever_threshold_c"] == 38.3
    assert params["worsening_jump_points"] == 2
    assert "digest_hour" not in params
    assert rules.notification_settings_for({"digest_hour": 6})["digest_hour"] == 6
