"""The patient's side (bone_medicine on check-ins, ask_bone_medicine) and the two rules."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from bonehealth.alerts import denosumab_overdue_evaluate
from bonehealth.models import BoneHealthRecord
from recovery import rules
from recovery.models import Alert, CheckIn
from reminders.models import Reminder

from .conftest import TODAY


def test_a_checkin_stores_and_echoes_bone_medicine(api, patient, procedure):
    response = api(patient.user).post(
        "/api/v1/checkins/", {"pain_score": 2, "bone_medicine": "missed_some"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["bone_medicine"] == "missed_some"
    assert CheckIn.objects.get().bone_medicine == "missed_some"
    assert response.json()["alerts"] == []
    listed = api(patient.user).get("/api/v1/checkins/").json()["results"][0]
    assert listed["bone_medicine"] == "missed_some"


def test_a_checkin_without_the_question_has_null_bone_medicine(api, patient, procedure):
    response = api(patient.user).post("/api/v1/checkins/", {"pain_score": 2}, format="json")
    assert response.json()["bone_medicine"] is None


@pytest.mark.parametrize("value", ["sometimes", 1, True, ["stopped"]])
def test_an_unknown_bone_medicine_answer_is_a_400(api, patient, procedure, value):
    response = api(patient.user).post(
        "/api/v1/checkins/", {"pain_score": 2, "bone_medicine": value}, format="json"
    )
    assert response.status_code == 400
    assert "bone_medicine" in response.json()
    assert not CheckIn.objects.exists()


def test_stopped_opens_a_warning_and_a_second_one_adds_to_it(api, patient, procedure):
    client = api(patient.user)
    body = client.post(
        "/api/v1/checkins/", {"pain_score": 2, "bone_medicine": "stopped"}, format="json"
    ).json()
    assert [a["rule"] for a in body["alerts"]] == ["bone_medicine_stopped"]
    assert body["alerts"][0]["severity"] == "warning"
    assert body["guidance"]["severity"] == "warning"
    client.post("/api/v1/checkins/", {"pain_score": 2, "bone_medicine": "stopped"}, format="json")
    alert = Alert.objects.get(rule="bone_medicine_stopped")
    assert alert.occurrences == 2


def test_ask_bone_medicine_follows_the_reminders_and_the_last_answer(api, patient, procedure):
    from reminders.planning import plan_build

    plan_build(procedure=procedure)
    client = api(patient.user)
    # The plan of an osteoporotic fracture performed 3 days ago: the day-3 item is due at 09:00
    # today (before the clock's noon).
    due = Reminder.objects.filter(patient=patient, kind="osteoporosis_medication")
    assert due.filter(due_at__lte=dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)).exists()
    assert client.get("/api/v1/me/").json()["ask_bone_medicine"] is True
    client.post(
        "/api/v1/checkins/", {"pain_score": 1, "bone_medicine": "as_prescribed"}, format="json"
    )
    assert client.get("/api/v1/me/").json()["ask_bone_medicine"] is False
    # The next item (day 30) falls due: asked again.
    with time_machine.travel(dt.datetime(2026, 6, 28, 12, tzinfo=dt.UTC), tick=False):
        later = api(patient.user)  # a fresh token: the first expired meanwhile
        assert later.get("/api/v1/me/").json()["ask_bone_medicine"] is True


def test_no_osteoporosis_reminder_means_no_question(api, patient):
    assert api(patient.user).get("/api/v1/me/").json()["ask_bone_medicine"] is False


def test_the_two_rules_are_in_the_table_with_defaults_and_sources():
    codes = rules.RULES_BY_CODE
    assert codes["bone_medicine_stopped"].severity == "warning"
    assert codes["denosumab_overdue"].severity == "warning"
    assert codes["denosumab_overdue"].fires is None
    assert rules.DEFAULTS["denosumab_overdue_days"] == 210
    assert "NOGG 2022" in codes["denosumab_overdue"].source
    assert rules.setting_error("denosumab_overdue_days", 180) is None
    assert rules.setting_error("denosumab_overdue_days", 20) is not None
    # The pathway windows are team settings too, validated the same way.
    assert rules.setting_error("bone_assessment_due_days", 60) is None
    assert rules.setting_error("bone_persistence_due_days", 300) is not None
    assert "denosumab-overdue" in settings.CELERY_BEAT_SCHEDULE


def denosumab(patient, **dates):
    return BoneHealthRecord.objects.create(patient=patient, treatment="denosumab", **dates)


def test_denosumab_overdue_after_210_days(patient, procedure):
    denosumab(
        patient,
        treatment_started_on=TODAY - dt.timedelta(days=400),
        last_dose_on=TODAY - dt.timedelta(days=210),
    )
    assert denosumab_overdue_evaluate().opened == 0
    with time_machine.travel(dt.datetime(2026, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        assert denosumab_overdue_evaluate().opened == 1
        # Evaluated again the same day: nothing more.
        assert denosumab_overdue_evaluate().added_to == 0
    alert = Alert.objects.get(rule="denosumab_overdue")
    assert (alert.severity, alert.status, alert.occurrences) == ("warning", "open", 1)
    assert alert.parameters == {"denosumab_overdue_days": 210}
    with time_machine.travel(dt.datetime(2026, 6, 3, 12, tzinfo=dt.UTC), tick=False):
        assert denosumab_overdue_evaluate().added_to == 1
    alert.refresh_from_db()
    assert alert.occurrences == 2
    assert Alert.objects.filter(rule="denosumab_overdue").count() == 1


def test_denosumab_counts_from_the_start_without_a_dose_and_follows_team_settings(
    patient, procedure, team
):
    denosumab(patient, treatment_started_on=TODAY - dt.timedelta(days=190))
    assert denosumab_overdue_evaluate().opened == 0
    team.rule_settings = {"denosumab_overdue_days": 180}
    team.save()
    assert denosumab_overdue_evaluate().opened == 1
    assert Alert.objects.get().parameters == {"denosumab_overdue_days": 180}


def test_a_resolved_denosumab_alert_stays_resolved_until_a_new_gap(patient, procedure, clinician):
    from recovery.services import alert_resolve

    record = denosumab(patient, last_dose_on=TODAY - dt.timedelta(days=220))
    denosumab_overdue_evaluate()
    alert_resolve(alert=Alert.objects.get(), by=clinician, note="Booked for Monday")
    with time_machine.travel(dt.datetime(2026, 6, 5, 12, tzinfo=dt.UTC), tick=False):
        assert denosumab_overdue_evaluate().opened == 0
    record.last_dose_on = TODAY
    record.save()
    with time_machine.travel(dt.datetime(2027, 1, 5, 12, tzinfo=dt.UTC), tick=False):
        assert denosumab_overdue_evaluate().opened == 1
    assert Alert.objects.filter(rule="denosumab_overdue").count() == 2


def test_other_treatments_never_fire(patient, procedure):
    BoneHealthRecord.objects.create(
        patient=patient, treatment="alendronate", last_dose_on=TODAY - dt.timedelta(days=300)
    )
    assert denosumab_overdue_evaluate().candidates == 0


def test_the_task_records_its_heartbeat(patient, procedure):
    from bonehealth.tasks import denosumab_overdue_task
    from outbox.models import PipelineHeartbeat as Heartbeat

    denosumab_overdue_task()
    assert Heartbeat.objects.filter(name="denosumab-overdue").exists()
