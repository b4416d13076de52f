"""End to end: a patient who chose reminders by email and SMS gets both through beat, the
dispatcher, the outbox and a real Celery worker (the SMS at the fake provider, the email at a
loopback SMTP server), and the reminder ends `sent`; after the patient texts STOP (the signed
inbound webhook, served by gunicorn) the next reminder's SMS is not sent, its email still is."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from outbox.models import Message, SmsOptOut
from patientapp.services import signin_digest
from reminders.models import Reminder
from tests.factories import PatientFactory, vertebroplasty_today
from tests.support.sms_provider import SENDER, signed_post, worker_env
from tests.support.worker import wait_until

pytestmark = pytest.mark.e2e

PHONE = "+12025550177"
CLINICAL_WORDS = ("lifting", "walt", "pain", "vertebro", "osteoporosis", "brace", "restriction")


def texting_patient(team):
    patient = PatientFactory(
        team=team,
        first_name="Walt",
        user__email="walt@patient.test",
        phone=PHONE,
        sms_consent_at=timezone.now(),
        reminder_channel="both",
    )
    procedure = vertebroplasty_today(patient)
    return patient, procedure


def make_due(reminder: Reminder) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))


def test_sms_reminder_end_to_end_and_stop_is_honoured(
    start_worker, sms_app_server, smtp_server, sms_provider, team
):
    patient, procedure = texting_patient(team)
    first, second = procedure.reminders.exclude(kind="checkin").order_by("due_at", "kind")[:2]
    make_due(first)
    worker = start_worker(
        smtp_server.port,
        extra_env=worker_env(site_url=sms_app_server.base, provider=sms_provider),
    )
    [request] = sms_provider.wait_for(1, timeout=30)
    assert request.form["To"] == PHONE and request.form["From"] == SENDER
    body = request.form["Body"]
    assert body.startswith("Your recovery reminder for today is ready."), body
    for word in CLINICAL_WORDS:
        assert word not in body.lower(), word
    # The sign-in link: filled in at send time (never stored), a link the app knows.
    [token] = re.findall(rf"{re.escape(sms_app_server.base)}/app/l/([\w-]+)/", body)
    assert patient.signin_links.filter(token_digest=signin_digest(token)).exists()
    assert wait_until(lambda: Reminder.objects.get(pk=first.pk).status == "sent", timeout=30)
    [email] = smtp_server.inbox.wait_for(1)
    assert email["X-Reminder-Id"] == str(first.pk)

    # The patient texts STOP: every SMS to the number stops at once.
    inbound = f"{sms_app_server.base}/hooks/sms/inbound/"
    assert signed_post(inbound, {"From": PHONE, "Body": "STOP", "To": SENDER}) == 200
    assert SmsOptOut.objects.filter(number=PHONE).exists()
    make_due(second)
    assert wait_until(lambda: Reminder.objects.get(pk=second.pk).status == "sent", timeout=30), (
        worker.log.read_text()[-3000:]
    )
    emails = smtp_server.inbox.wait_for(2)
    assert [m["X-Reminder-Id"] for m in emails] == [str(first.pk), str(second.pk)]
    assert len(sms_provider.sent()) == 1
    assert not Message.objects.filter(ref_type="reminder", ref_id=second.pk, channel="sms").exists()
