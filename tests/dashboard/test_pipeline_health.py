"""/health/ and the dashboard banners report the whole notification pipeline: the outbox
sweeper and the reminder dispatcher, and every email or reminder that could not be sent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import Message, PipelineHeartbeat
from reminders.models import Reminder
from tests.factories import ClinicianFactory, PatientFactory, ProcedureFactory


@pytest.fixture
def ticking(db):
    now = timezone.now()
    PipelineHeartbeat.objects.create(name="outbox-sweep", ticked_at=now)
    return PipelineHeartbeat.objects.create(name="reminders-dispatch", ticked_at=now)


def failed_email(to, reason="SMTPServerDisconnected: Connection unexpectedly closed"):
    return Message.objects.create(
        to=to,
        subject="Urgent alert",
        body_text="x",
        category="alert",
        urgent=True,
        status="failed",
        attempts=5,
        last_error=reason,
    )


def failed_reminder(patient, reason="ConnectionRefusedError: [Errno 111] Connection refused"):
    """A reminder that could not be sent: its outbox message failed (what /health/ counts,
    issue 16: the one outbox) and the reminder says so with the reason (what the team reads)."""
    procedure = ProcedureFactory(patient=patient)
    reminder = Reminder.objects.create(
        patient=patient,
        procedure=procedure,
        kind="opioid_review",
        offset_days=7,
        due_at=timezone.now() - timedelta(hours=2),
        status="failed",
        reason=reason,
    )
    Message.objects.create(
        to=patient.user.email,
        body_text="x",
        category="reminder",
        status="failed",
        attempts=5,
        last_error=reason,
        ref_type="reminder",
        ref_id=reminder.pk,
    )
    return reminder


def test_health_reports_both_heartbeats_and_failures_without_reasons(
    client, ticking, clinician, patient
):
    ticking.ticked_at = timezone.now() - timedelta(minutes=3)
    ticking.save()
    failed_email(clinician.email, reason="SMTPRecipientsRefused: alice@clinic.test")
    failed_reminder(patient)

    pipeline = client.get("/health/").json()["pipeline"]

    assert pipeline["beat_age_seconds"] < 60
    assert 170 <= pipeline["reminders_age_seconds"] <= 190
    assert pipeline["reminders_last_tick"] == ticking.ticked_at.isoformat()
    assert (pipeline["failed_emails"], pipeline["failed_reminders"]) == (1, 1)
    assert pipeline["failed_notifications"] == 2
    assert pipeline["stalled"] is False
    # Anyone may read /health/: counts only, never an address or a reason.
    assert "alice@clinic.test" not in client.get("/health/").content.decode()


def test_a_silent_reminder_dispatcher_stalls_the_pipeline(
    browser_client, client, ticking, clinician
):
    ticking.ticked_at = timezone.now() - timedelta(minutes=11)
    ticking.save()

    assert client.get("/health/").json()["pipeline"]["stalled"] is True
    body = browser_client(clinician).get("/dashboard/").content.decode()
    assert 'id="pipeline-banner"' in body
    assert "The reminder dispatcher last ran 11 minutes ago." in body


def test_a_dispatcher_that_never_ran_stalls_the_pipeline(browser_client, clinician, db):
    PipelineHeartbeat.objects.create(name="outbox-sweep", ticked_at=timezone.now())
    body = browser_client(clinician).get("/dashboard/").content.decode()
    assert "The reminder dispatcher has not reported in yet." in body


def test_a_slow_dispatch_schedule_is_not_a_stall(client, ticking, settings):
    settings.REMINDER_DISPATCH_SECONDS = 600
    ticking.ticked_at = timezone.now() - timedelta(minutes=15)
    ticking.save()
    assert client.get("/health/").json()["pipeline"]["stalled"] is False


def test_failures_show_in_a_banner_with_reasons_for_the_own_team_only(
    browser_client, ticking, clinician, patient, team
):
    colleague = ClinicianFactory(email="dora@clinic.test", teams=[team])
    failed_email(colleague.email)
    failed_reminder(patient)
    stranger = PatientFactory(first_name="Zed", last_name="Quill")
    failed_reminder(stranger, reason="another team's reason")
    failed_email("someone@elsewhere.test", reason="another team's email")

    body = browser_client(clinician).get("/dashboard/alerts/").content.decode()

    banner = body[
        body.index('id="failed-notifications"') : body.index(
            "</div>", body.index('id="failed-notifications"')
        )
    ]
    # The counts are the system's (the same as /health/); the details are the team's own.
    assert "4 notifications could not be delivered" in banner
    assert "2 alert or digest emails, 2 patient reminders" in banner
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in banner
    assert "Connection refused" in banner
    assert f'href="/dashboard/patients/{patient.pk}/"' in banner
    assert "another team" not in banner
    assert f"/dashboard/patients/{stranger.pk}/" not in banner
    assert 'id="pipeline-banner"' not in body  # failures are not a stall


def test_the_patient_page_flags_failed_reminders_with_the_reason(
    browser_client, ticking, clinician, patient
):
    failed_reminder(patient, reason="SMTP said no")
    body = browser_client(clinician).get(f"/dashboard/patients/{patient.pk}/").content.decode()
    plan = body[body.index('id="plan-heading"') :]
    assert "1 reminder could not be sent" in plan
    assert '<details id="reminder-plan" open>' in plan
    assert 'class="status status-failed"' in plan
    assert "SMTP said no" in plan


def test_health_reports_waits_and_failures_by_channel(browser_client, client, ticking, clinician):
    clinician.phone = "+12025550143"
    clinician.save()
    Message.objects.create(
        channel="sms",
        to=clinician.phone,
        body_text="x",
        category="alert-urgent",
        urgent=True,
        status="failed",
        last_error="SMS undelivered by the provider (error code 30003)",
    )
    waiting = Message.objects.create(
        channel="sms", to="+12025550199", body_text="x", category="alert-urgent", urgent=True
    )
    Message.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    failed_email(clinician.email)

    pipeline = client.get("/health/").json()["pipeline"]

    assert pipeline["failed_by_channel"] == {"email": 1, "sms": 1}
    assert (pipeline["failed_emails"], pipeline["failed_sms"]) == (1, 1)
    assert pipeline["failed_notifications"] == 2
    by_channel = pipeline["oldest_undelivered_urgent_by_channel"]
    assert by_channel["email"] is None and 110 <= by_channel["sms"] <= 130
    assert pipeline["oldest_undelivered_urgent_seconds"] == by_channel["sms"]
    banner = browser_client(clinician).get("/dashboard/alerts/").content.decode()
    assert "1 alert or digest email, 1 alert text message, 0 patient reminders" in banner
    assert "alert-urgent text message to your team" in banner
    assert "error code 30003" in banner
