"""The provider's webhooks: signed (403 otherwise), delivery reports idempotent and never
backwards, STOP/START honoured at once and recorded."""

import pytest
from django.test import Client

from outbox import services
from outbox.models import Message, SmsKeyword, SmsOptOut
from outbox.signature import SIGNATURE_HEADER, sms_signature
from tests.support.sms_provider import AUTH_TOKEN

pytestmark = pytest.mark.django_db

SITE = "https://tracker.example"
NUMBER = "+12025550143"


@pytest.fixture(autouse=True)
def provider_settings(settings):
    settings.SITE_URL = SITE
    settings.SMS_AUTH_TOKEN = AUTH_TOKEN
    settings.SMS_ACCOUNT_SID = "ACtest"


def post(path: str, fields: dict, *, token: str = AUTH_TOKEN, signature: str | None = None):
    url = SITE + path
    signature = signature or sms_signature(url, list(fields.items()), token)
    return Client().post(
        path, fields, **{f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}": signature}
    )


def report(message: Message, status: str, **extra):
    fields = {"MessageSid": message.provider_id, "MessageStatus": status, **extra}
    return post(f"/hooks/sms/status/?message={message.pk}", fields)


def sent_sms(**fields) -> Message:
    fields = {"status": "sent", "provider_id": "SM0001", **fields}
    return Message.objects.create(
        channel="sms", to=NUMBER, body_text="x", category="alert-urgent", **fields
    )


def test_the_signature_is_twilios():
    # Twilio's published example (TwilioDevEd/api-snippets, security/signature_validation).
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert sms_signature(url, list(params.items()), "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_a_bad_or_missing_signature_is_refused():
    message = sent_sms()
    fields = {"MessageSid": "SM0001", "MessageStatus": "delivered"}
    assert post("/hooks/sms/status/", fields, token="wrong").status_code == 403
    assert Client().post("/hooks/sms/status/", fields).status_code == 403
    assert (
        post("/hooks/sms/inbound/", {"From": NUMBER, "Body": "STOP"}, token="x").status_code == 403
    )
    message.refresh_from_db()
    assert message.delivery_status == ""
    assert not SmsOptOut.objects.exists()


def test_a_delivery_report_is_recorded_once_and_never_moves_back():
    message = sent_sms()
    assert report(message, "sent").status_code == 204
    assert report(message, "delivered").status_code == 204
    first = Message.objects.get(pk=message.pk)
    assert first.delivery_status == "delivered"
    # Repeated, and late out of order: nothing changes.
    report(message, "delivered")
    report(message, "sent")
    report(message, "undelivered", ErrorCode="30003")
    again = Message.objects.get(pk=message.pk)
    assert (again.delivery_status, again.status) == ("delivered", "sent")
    assert again.delivery_updated_at == first.delivery_updated_at


def test_undelivered_marks_the_message_failed_with_the_reason():
    message = sent_sms()
    report(message, "undelivered", ErrorCode="30005")
    message.refresh_from_db()
    assert (message.status, message.delivery_status) == ("failed", "undelivered")
    assert "undelivered" in message.last_error and "30005" in message.last_error
    report(message, "delivered")  # final: a later report cannot undo it
    message.refresh_from_db()
    assert message.delivery_status == "undelivered"


def test_a_report_before_the_worker_stored_the_id_finds_its_message_by_the_url():
    message = sent_sms(provider_id="", status="sending")
    post(f"/hooks/sms/status/?message={message.pk}", {"MessageSid": "SM9", "MessageStatus": "sent"})
    message.refresh_from_db()
    assert (message.provider_id, message.delivery_status) == ("SM9", "sent")


def queued_sms(to=NUMBER) -> Message:
    return Message.objects.create(channel="sms", to=to, body_text="x", category="reminder")


@pytest.mark.parametrize(
    "body", ["STOP", " stop ", "Unsubscribe", "cancel", "END", "quit", "STOPALL"]
)
def test_stop_cancels_every_queued_sms_to_the_number_at_once(body):
    mine, other = queued_sms(), queued_sms(to="+12025550199")
    email = Message.objects.create(to="a@b.test", body_text="x", category="reminder")
    response = post("/hooks/sms/inbound/", {"From": NUMBER, "Body": body})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response/>" in response.content
    assert SmsOptOut.objects.filter(number=NUMBER).exists()
    assert not services.sms_allowed(NUMBER)
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: "cancelled", other.pk: "queued", email.pk: "queued"}
    assert list(SmsKeyword.objects.values_list("number", "keyword", "action")) == [
        (NUMBER, body.strip().upper(), "stop")
    ]


@pytest.mark.parametrize("body", ["START", "unstop", "Yes"])
def test_start_lifts_the_stop_and_both_are_recorded(body):
    post("/hooks/sms/inbound/", {"From": NUMBER, "Body": "STOP"})
    post("/hooks/sms/inbound/", {"From": NUMBER, "Body": body})
    assert services.sms_allowed(NUMBER)
    assert services.sms_blocked_numbers([NUMBER, "+1"]) == set()
    assert list(SmsKeyword.objects.order_by("pk").values_list("action", flat=True)) == [
        "stop",
        "start",
    ]


def test_any_other_text_changes_nothing():
    response = post("/hooks/sms/inbound/", {"From": NUMBER, "Body": "stop sending me these?"})
    assert response.status_code == 200
    assert not SmsOptOut.objects.exists() and not SmsKeyword.objects.exists()
