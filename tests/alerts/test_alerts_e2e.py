"""End to end: PostgreSQL, Redis, a real Celery worker with beat, and an SMTP server."""

import datetime as dt
import os
import time

import pytest
import redis
from django.utils import timezone

from notifications.models import AlertNotification
from outbox.models import Message
from recovery.models import Alert
from tests.factories import ClinicianFactory, ProcedureFactory
from tests.support.smtp import free_port
from tests.support.worker import Worker, broker, purge_broker, require_services

pytestmark = pytest.mark.e2e

# The sign's short name ("Fever or chills") is the one clinical word allowed (issue 24).
CLINICAL_WORDS = ("38.6", "temperature", "bob", "stone", "bob@patient.test", "pain")


@pytest.fixture
def team_clinicians(team, clinician):
    return [clinician, ClinicianFactory(email="erin@clinic.test", teams=[team])]


@pytest.fixture
def operated(patient):
    ProcedureFactory(patient=patient, performed_on=timezone.now().date() - dt.timedelta(days=3))
    return patient


def post_urgent_checkin(api, patient):
    response = api(patient.user).post(
        "/api/v1/checkins/", {"pain_score": 2, "temperature_c": 38.6}, format="json"
    )
    assert response.status_code == 201, response.content
    assert [a["rule"] for a in response.json()["alerts"]] == ["fever"]
    assert response.json()["guidance"]["severity"] == "urgent"
    return response


def body_of(message) -> str:
    return (
        message["Subject"]
        + message.get_body(("plain",)).get_content()
        + message.get_body(("html",)).get_content()
    )


def assert_no_clinical_detail(message, patient) -> None:
    text = body_of(message)
    assert "BS" in message["Subject"]
    assert "URGENT" in message["Subject"]
    assert f"/dashboard/patients/{patient.pk}/" in text
    assert "Fever or chills" in message["Subject"] and "Fever or chills" in text
    for word in CLINICAL_WORDS:
        assert word not in text.lower(), word


def test_urgent_checkin_reaches_every_team_clinician_within_seconds(
    celery_worker, smtp_server, api, operated, team_clinicians, other_clinician
):
    started = time.monotonic()
    post_urgent_checkin(api, operated)
    messages = smtp_server.inbox.wait_for(2, timeout=20)
    elapsed = time.monotonic() - started
    assert len(messages) == 2, celery_worker.log.read_text()[-3000:]
    assert elapsed < 10
    assert sorted(m["To"] for m in messages) == ["alice@clinic.test", "erin@clinic.test"]
    for message in messages:
        assert_no_clinical_detail(message, operated)
    assert smtp_server.inbox.to("charlie@clinic.test") == []
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_checkin_during_broker_outage_is_stored_and_emailed_exactly_once_later(
    transactional_db, smtp_server, api, operated, team_clinicians
):
    require_services()
    redis_url = os.environ["CELERY_BROKER_URL"]
    purge_broker(redis_url)
    with broker(f"redis://127.0.0.1:{free_port()}/0"):
        post_urgent_checkin(api, operated)
    # Nothing reached the real broker: only the database knows about these emails.
    assert redis.Redis.from_url(redis_url).dbsize() == 0
    # Stored, with its alert and its emails queued in the outbox, though no wake-up went out.
    alert = Alert.objects.get(patient=operated)
    assert alert.rule == "fever"
    emails = Message.objects.filter(category="alert-urgent")
    assert sorted(emails.values_list("status", "to")) == [
        ("queued", "alice@clinic.test"),
        ("queued", "erin@clinic.test"),
    ]
    assert AlertNotification.objects.filter(alert=alert).count() == 2
    assert smtp_server.inbox.messages == []

    # The broker is back: the worker's beat sweeper finds the rows and sends each once.
    worker = Worker(smtp_port=smtp_server.port, broker_url=redis_url, name="alerts-outage")
    worker.start()
    try:
        messages = smtp_server.inbox.wait_for(2, timeout=30)
        assert len(messages) == 2, worker.log.read_text()[-3000:]
        # Several more sweeps pass: nothing is sent twice.
        time.sleep(3)
        assert sorted(m["To"] for m in smtp_server.inbox.messages) == [
            "alice@clinic.test",
            "erin@clinic.test",
        ]
        for message in smtp_server.inbox.messages:
            assert_no_clinical_detail(message, operated)
        assert set(emails.values_list("status", flat=True)) == {"sent"}
    finally:
        worker.stop()
        purge_broker(redis_url)


def test_beat_resends_an_unacknowledged_alert_through_the_real_worker(
    transactional_db, smtp_server, api, operated, clinician
):
    require_services()
    redis_url = os.environ["CELERY_BROKER_URL"]
    purge_broker(redis_url)
    worker = Worker(
        smtp_port=smtp_server.port,
        broker_url=redis_url,
        name="alerts-escalation",
        extra_env={"ALERT_ESCALATION_SWEEP_SECONDS": "1", "ALERT_DIGEST_SWEEP_SECONDS": "1"},
    )
    worker.start()
    try:
        post_urgent_checkin(api, operated)
        assert len(smtp_server.inbox.wait_for(1, timeout=20)) == 1
        # As if the hour had passed without anyone acknowledging it.
        Alert.objects.update(next_escalation_at=timezone.now() - dt.timedelta(seconds=1))
        reminders = smtp_server.inbox.wait_for(
            1, timeout=20, predicate=lambda m: m["Subject"].startswith("Reminder 1")
        )
        assert len(reminders) == 1, worker.log.read_text()[-3000:]
        assert_no_clinical_detail(reminders[0], operated)
        alert = Alert.objects.get()
        assert alert.escalations_sent == 1
        assert alert.next_escalation_at > timezone.now() + dt.timedelta(minutes=55)
        time.sleep(3)  # more sweeps: still one reminder
        assert len(smtp_server.inbox.messages) == 2
    finally:
        worker.stop()
        purge_broker(redis_url)


def test_beat_sends_the_warnings_digest_once_through_the_real_worker(
    transactional_db, smtp_server, api, operated, team, clinician
):
    require_services()
    redis_url = os.environ["CELERY_BROKER_URL"]
    purge_broker(redis_url)
    team.rule_settings = {"digest_hour": 0}  # due from midnight: due now, whatever the hour
    team.save()
    response = api(operated.user).post(
        "/api/v1/checkins/", {"pain_score": 2, "symptoms": ["site_redness"]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["guidance"]["severity"] == "warning"
    worker = Worker(
        smtp_port=smtp_server.port,
        broker_url=redis_url,
        name="alerts-digest",
        extra_env={"ALERT_DIGEST_SWEEP_SECONDS": "1"},
    )
    worker.start()
    try:
        [digest] = smtp_server.inbox.wait_for(1, timeout=20) or [None]
        assert digest is not None, worker.log.read_text()[-3000:]
        assert digest["To"] == "alice@clinic.test"
        assert digest["Subject"].startswith("Warnings to review")
        text = body_of(digest)
        assert f"/dashboard/patients/{operated.pk}/" in text
        for word in ("redness", "site", "bob", "stone"):
            assert word not in text.lower()
        time.sleep(3)  # more sweeps the same day: no second digest
        assert len(smtp_server.inbox.messages) == 1
    finally:
        worker.stop()
        purge_broker(redis_url)
