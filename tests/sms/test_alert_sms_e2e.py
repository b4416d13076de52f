"""End to end: an urgent alert's SMS goes from a check-in through a real Celery worker to the
fake provider, the provider's signed delivery report reaches the app (served by gunicorn),
and after the clinician texts STOP the next alert's SMS is not sent (its email still is)."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from outbox.models import Message, SmsOptOut
from tests.factories import PatientFactory, ProcedureFactory
from tests.support.sms_provider import SENDER, signed_post, worker_env
from tests.support.worker import Worker, purge_broker, wait_until

pytestmark = pytest.mark.e2e

PHONE = "+12025550143"
# The sign's short name ("Fever or chills") is the one clinical word a text carries (issue 24).
CLINICAL_WORDS = ("38.6", "temperature", "pain", "mary", "hale")


@pytest.fixture
def sms_worker(sms_app_server, smtp_server, sms_provider):
    broker = os.environ["CELERY_BROKER_URL"]
    purge_broker(broker)
    worker = Worker(
        smtp_port=smtp_server.port,
        broker_url=broker,
        extra_env=worker_env(site_url=sms_app_server.base, provider=sms_provider),
    ).start()
    yield worker
    worker.stop()
    purge_broker(broker)


def urgent_checkin(api, team, first_name, last_name):
    patient = PatientFactory(team=team, first_name=first_name, last_name=last_name)
    ProcedureFactory(patient=patient, performed_on=timezone.now().date() - dt.timedelta(days=3))
    response = api(patient.user).post(
        "/api/v1/checkins/", {"pain_score": 2, "temperature_c": 38.6}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["guidance"]["severity"] == "urgent"
    return patient


def test_an_alert_sms_is_delivered_and_a_stop_is_honoured(
    sms_worker, sms_app_server, sms_provider, smtp_server, api, team, clinician
):
    clinician.phone, clinician.alert_sms = PHONE, True
    clinician.save()

    first = urgent_checkin(api, team, "Mary", "Hale")
    [request] = sms_provider.wait_for(1)
    assert request.form["To"] == PHONE and request.form["From"] == SENDER
    body = request.form["Body"]
    assert body.startswith("Recovery tracker: URGENT alert for MH: Fever or chills ")
    assert f"/dashboard/patients/{first.pk}/" in body
    for word in CLINICAL_WORDS:
        assert word not in body.lower(), word
    message = Message.objects.get(channel="sms")
    assert wait_until(lambda: Message.objects.get(pk=message.pk).status == "sent", timeout=20)

    # The provider reports delivery to the URL it was given; the app records it once.
    assert request.form["StatusCallback"].startswith(sms_app_server.base)
    assert sms_provider.callback(request, "delivered") == 204
    assert sms_provider.callback(request, "sent") == 204  # late, out of order: ignored
    message.refresh_from_db()
    assert (message.provider_id, message.delivery_status) == (request.sid, "delivered")

    # The clinician texts STOP: recorded at once, and the next alert's SMS is not sent.
    inbound = f"{sms_app_server.base}/hooks/sms/inbound/"
    assert signed_post(inbound, {"From": PHONE, "Body": " Stop ", "To": SENDER}) == 200
    assert SmsOptOut.objects.filter(number=PHONE).exists()
    smtp_server.inbox.wait_for(1)
    second = urgent_checkin(api, team, "Nell", "Ives")
    emails = smtp_server.inbox.wait_for(2)
    assert len(emails) == 2, sms_worker.log.read_text()[-3000:]
    stopped = Message.objects.filter(channel="sms", body_text__contains=f"/{second.pk}/")
    assert wait_until(lambda: stopped.get().status == "cancelled", timeout=20)
    assert "STOP" in stopped.get().last_error
    assert len(sms_provider.sent()) == 1
