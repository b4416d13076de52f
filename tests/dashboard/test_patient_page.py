"""The patient page: chart, temperature, symptoms, procedures, restriction, plan, alerts."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from outbox.models import Message, PipelineHeartbeat
from reminders.models import Reminder
from tests.dashboard.conftest import make_alert
from tests.factories import CheckInFactory, ProcedureFactory

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def page(browser_client, clinician, patient) -> str:
    response = browser_client(clinician).get(f"/dashboard/patients/{patient.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def svg(body: str, chart_id: str) -> str:
    start = body.index(f'<svg class="chart" id="{chart_id}"')
    return body[start : body.index("</svg>", start)]


@time_machine.travel(NOW, tick=False)
def test_the_chart_draws_each_pain_score_and_the_expected_course(
    browser_client, clinician, patient
):
    ProcedureFactory(patient=patient, performed_on=date(2026, 3, 5), pre_procedure_pain=8)
    for day, pain in [(5, 7), (6, 3), (8, 2), (10, 5)]:
        CheckInFactory(
            patient=patient, recorded_at=datetime(2026, 3, day, 9, tzinfo=UTC), pain_score=pain
        )
    chart = svg(page(browser_client, clinician, patient), "pain-chart")
    assert 'role="img"' in chart
    assert "Pain scores against the expected course" in chart
    assert len(re.findall(r'<circle class="point"', chart)) == 4
    assert "Tue 10 Mar 09:00: pain 5 of 10" in chart
    assert len(re.findall(r'<polyline class="expected"', chart)) == 1
    assert "Procedure 5 Mar" in chart
    assert "latest 5 of 10" in chart  # the description read by screen readers


def test_temperatures_are_drawn_against_the_teams_fever_threshold(
    browser_client, clinician, patient, team
):
    team.rule_settings = {"fever_threshold_c": 38.3}
    team.save()
    ProcedureFactory(patient=patient)
    CheckInFactory(patient=patient, temperature_c=37.2)
    CheckInFactory(patient=patient, temperature_c=None)
    CheckInFactory(patient=patient, temperature_c=38.6, symptoms=["chills", "leg_numbness"])
    body = page(browser_client, clinician, patient)
    chart = svg(body, "temperature-chart")
    assert len(re.findall(r'<circle class="point"', chart)) == 2
    assert "fever 38.3 °C" in chart
    assert "highest 38.6 °C" in chart
    table = body[body.index('id="checkin-table"') :]
    assert "38.6 °C" in table and "37.2 °C" in table
    assert '<span class="chip">chills</span>' in table
    assert '<span class="chip">leg numbness</span>' in table


def test_a_patient_without_check_ins_gets_an_empty_chart_not_an_error(
    browser_client, clinician, patient
):
    body = page(browser_client, clinician, patient)
    assert "No check-ins yet." in svg(body, "pain-chart")
    assert "No procedure recorded yet." in body


@time_machine.travel(NOW, tick=False)
def test_the_lifting_restriction_and_its_end_date_are_shown(browser_client, clinician, patient):
    ProcedureFactory(
        patient=patient,
        procedure_type="kyphoplasty",
        performed_on=date(2026, 3, 7),
        lifting_restriction_days=7,
        vertebral_levels=["L1", "L2"],
        cause="osteoporosis",
    )
    body = page(browser_client, clinician, patient)
    restriction = body[body.index('id="lifting-restriction"') :].split("</p>")[0]
    assert "No heavy lifting" in restriction
    assert "Saturday 14 Mar 2026" in restriction
    assert "L1, L2" in body
    assert "Kyphoplasty" in body


@time_machine.travel(NOW, tick=False)
def test_an_ended_restriction_says_so_and_every_procedure_is_listed(
    browser_client, clinician, patient
):
    ProcedureFactory(patient=patient, performed_on=date(2025, 10, 1), vertebral_levels=["T8"])
    ProcedureFactory(
        patient=patient,
        performed_on=date(2026, 2, 1),
        lifting_restriction_days=14,
        vertebral_levels=["T11"],
    )
    body = page(browser_client, clinician, patient)
    restriction = body[body.index('id="lifting-restriction"') :].split("</p>")[0]
    assert "Lifting restriction ended: 15 Feb 2026" in restriction
    assert "T8" in body and "T11" in body
    assert body.index("1 Feb 2026") < body.index("1 Oct 2025")  # the latest first
    # Two procedures, two expected courses on the chart.
    assert len(re.findall(r'<polyline class="expected"', svg(body, "pain-chart"))) == 2


def test_open_alerts_have_actions_and_resolved_ones_are_history(browser_client, clinician, patient):
    open_alert = make_alert(patient, rule="fever", severity="urgent")
    done = make_alert(
        patient,
        rule="no_relief",
        severity="warning",
        status="resolved",
        resolved_by=clinician,
        resolved_at=timezone.now(),
        resolution_note="Seen in clinic.",
    )
    body = page(browser_client, clinician, patient)
    assert f'action="/dashboard/alerts/{open_alert.pk}/resolve/"' in body
    assert f'action="/dashboard/alerts/{open_alert.pk}/acknowledge/"' in body
    assert f'action="/dashboard/alerts/{done.pk}/resolve/"' not in body
    assert "Seen in clinic." in body
    assert body.index("Open alerts") < body.index("Fever or chills")
    assert body.index("Resolved alerts") < body.index("No pain relief")


def test_the_reminder_plan_lists_each_reminder_with_its_state_and_reason(
    browser_client, clinician, patient, procedure
):
    now = timezone.now()
    common = {"patient": patient, "procedure": procedure, "kind": "checkin"}
    Reminder.objects.create(
        **common,
        offset_days=1,
        due_at=now - timedelta(days=1),
        status="sent",
        sent_at=now - timedelta(days=1),
    )
    Reminder.objects.create(
        **common,
        offset_days=2,
        due_at=now - timedelta(hours=1),
        status="failed",
        reason="SMTP refused the connection",
    )
    Reminder.objects.create(**common, offset_days=3, due_at=now + timedelta(days=1))

    body = page(browser_client, clinician, patient)

    section = body[body.index('id="plan-heading"') :]
    assert "3 reminders" in section
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S)[1:4]
    states = [re.search(r'class="status status-(\w+)"', row).group(1) for row in rows]
    assert states == ["sent", "failed", "scheduled"]
    assert "SMTP refused the connection" in rows[1]


def test_a_patient_without_reminders_says_so(browser_client, clinician, patient):
    assert "No reminders planned." in page(browser_client, clinician, patient)


def test_no_banner_while_the_pipeline_is_healthy(browser_client, clinician, patient):
    PipelineHeartbeat.objects.create(name="outbox-sweep", ticked_at=timezone.now())
    PipelineHeartbeat.objects.create(name="reminders-dispatch", ticked_at=timezone.now())
    body = page(browser_client, clinician, patient)
    assert 'id="pipeline-banner"' not in body
    assert 'id="failed-notifications"' not in body


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/alerts/", "/dashboard/patients/{}/"])
def test_a_stalled_beat_shows_the_banner_on_every_page(browser_client, clinician, patient, path):
    PipelineHeartbeat.objects.create(
        name="outbox-sweep", ticked_at=timezone.now() - timedelta(minutes=12)
    )
    body = browser_client(clinician).get(path.format(patient.pk)).content.decode()
    assert 'id="pipeline-banner"' in body
    assert "last ran 12 minutes ago" in body


def test_an_undelivered_urgent_email_shows_the_banner(browser_client, clinician, patient):
    PipelineHeartbeat.objects.create(name="outbox-sweep", ticked_at=timezone.now())
    Message.objects.create(
        to="alice@clinic.test",
        subject="Urgent alert",
        body_text="x",
        category="alert",
        urgent=True,
        created_at=timezone.now() - timedelta(minutes=7),
    )
    body = page(browser_client, clinician, patient)
    assert 'id="pipeline-banner"' in body
    assert "waited 7 minutes" in body


def test_a_beat_that_never_ticked_shows_the_banner(browser_client, clinician, patient):
    assert "has not reported in yet" in page(browser_client, clinician, patient)
