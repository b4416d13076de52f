"""The SMS transport against the fake provider: what it posts, and how each failure is read
(5xx, 429 and a refused connection are worth another try; a 4xx is final, with the reason)."""

import pytest

from outbox import sending, services, transports
from outbox.models import Message, SmsOptOut
from outbox.signals import messages_settled
from tests.support.sms_provider import ACCOUNT_SID, AUTH_TOKEN, SENDER

pytestmark = pytest.mark.django_db

Status = Message.Status


def sms(to="+12025550143", **fields) -> Message:
    return Message.objects.create(
        channel="sms", to=to, body_text="Recovery tracker: a text", category="test", **fields
    )


def test_an_sms_is_posted_in_the_messages_api_shape(sms_settings, settings):
    settings.SITE_URL = "https://tracker.example"
    message = sms()
    assert sending.messages_send(ids=[message.pk]) == 1
    [request] = sms_settings.sent()
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.form == {
        "To": "+12025550143",
        "From": SENDER,
        "Body": "Recovery tracker: a text",
        "StatusCallback": f"https://tracker.example/hooks/sms/status/?message={message.pk}",
    }
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Status.SENT, request.sid)


def test_one_client_carries_a_batch_and_each_message_is_claimed_once(sms_settings):
    ids = [sms(to=f"+1202555014{i}").pk for i in range(3)]
    assert sending.messages_send(ids=ids) == 3
    assert sending.messages_send(ids=ids) == 0
    assert len(sms_settings.sent()) == 3


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_server_error_or_throttle_is_retried_later(sms_settings, status):
    message = sms()
    sms_settings.fail_next(status)
    assert sending.messages_send(ids=[message.pk]) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert str(status) in message.last_error
    assert message.next_attempt_at > message.created_at


def test_a_refused_connection_is_retried_later(sms_settings):
    message = sms()
    sms_settings.stop()
    assert sending.messages_send(ids=[message.pk]) == 0
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert "ConnectError" in message.last_error


def test_the_process_keeps_one_client_from_batch_to_batch(sms_settings):
    assert sending.messages_send(ids=[sms().pk]) == 1
    client = transports._sms_client()
    assert sending.messages_send(ids=[sms(to="+12025550144").pk]) == 1
    assert transports._sms_client() is client and not client.is_closed
    assert len(sms_settings.sent()) == 2


def test_a_failed_connection_drops_the_client_and_the_next_one_is_new(sms_settings):
    assert sending.messages_send(ids=[sms().pk]) == 1
    client = transports._sms_client()
    sms_settings.stop()
    assert sending.messages_send(ids=[sms(to="+12025550144").pk]) == 0
    assert client.is_closed and transports._sms_client() is not client


def test_a_client_error_fails_at_once_with_the_providers_reason(sms_settings):
    message = sms(secret="s3cret-link")
    sms_settings.fail_next(400, body={"code": 21211, "message": "The 'To' number is invalid"})
    assert sending.messages_send(ids=[message.pk]) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.secret) == (Status.FAILED, 1, "")
    assert "400" in message.last_error and "'To' number is invalid" in message.last_error


def test_without_an_account_an_sms_fails_with_a_clear_reason(settings):
    settings.SMS_ACCOUNT_SID = ""
    message = sms()
    assert sending.messages_send(ids=[message.pk]) == 0
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "SMS is not configured" in message.last_error


def test_a_stopped_number_is_never_sent_an_sms_and_its_reference_settles(sms_settings):
    SmsOptOut.objects.create(number="+12025550143")
    stopped = sms(ref_type="reminder", ref_id=7)
    other = sms(to="+12025550199")
    settled = []

    def receiver(sender, messages, **kwargs):
        settled.append((sender, [(m.pk, m.status) for m in messages]))

    messages_settled.connect(receiver)
    try:
        assert sending.messages_send(ids=[stopped.pk, other.pk]) == 1
    finally:
        messages_settled.disconnect(receiver)
    assert [r.form["To"] for r in sms_settings.sent()] == ["+12025550199"]
    stopped.refresh_from_db()
    assert stopped.status == Status.CANCELLED and "STOP" in stopped.last_error
    assert settled == [("reminder", [(stopped.pk, Status.CANCELLED)])]


def test_sent_messages_settle_inside_the_transaction_that_marks_them(sms_settings):
    message = sms(ref_type="reminder", ref_id=3)
    seen = []

    def receiver(sender, messages, **kwargs):
        # The row already says "sent" here, in the same transaction.
        seen.append(Message.objects.get(pk=messages[0].pk).status)

    messages_settled.connect(receiver)
    try:
        sending.messages_send(ids=[message.pk])
    finally:
        messages_settled.disconnect(receiver)
    assert seen == [Status.SENT]


def test_an_sms_and_an_email_in_one_batch_each_take_their_own_transport(sms_settings, mailoutbox):
    text = sms()
    email = services.email_queue(
        to="a@clinic.test",
        template="accounts/email/password-reset",
        context={"first_name": "A", "path": "/app/", "minutes": 60},
        category="password-reset",
        secret="tok",
        wake=False,
    )
    assert sending.messages_send(ids=[text.pk, email.pk]) == 2
    assert len(sms_settings.sent()) == 1
    assert [m.to for m in mailoutbox] == [["a@clinic.test"]]
