"""The one place that talks to a transport: TRANSPORTS maps a channel to the class that
carries its messages out. A transport is used for one batch: open(), send() each message,
close(). send() returns the provider's id for the message ("" when there is none) once the
transport accepted it, raises one of TRANSIENT_ERRORS when another try may succeed, and
PermanentSendError when none will (the message fails at once, with the reason).
"""

import os
import smtplib

import httpx
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse

from .models import SECRET_PLACEHOLDER, Message


class PermanentSendError(Exception):
    """The transport refused this message for good (a bad number, SMS not configured)."""


class TransientSendError(Exception):
    """The transport could not take the message now (a 5xx, a 429): try again later."""


def with_secret(body: str, message: Message) -> str:
    return body.replace(SECRET_PLACEHOLDER, message.secret) if message.secret else body


class EmailTransport:
    """Django's email backend, one connection per batch (reopened after a failure)."""

    # The server refused, hung up, or the network failed.
    TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)

    def __init__(self):
        self.connection = get_connection()

    def open(self) -> None:
        self.connection.open()  # no-op while open

    def send(self, message: Message) -> str:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=with_secret(message.body_text, message),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={**message.headers, "X-Outbox-Id": str(message.pk)},
            connection=self.connection,
        )
        if message.body_html:
            email.attach_alternative(with_secret(message.body_html, message), "text/html")
        try:
            email.send()
        except self.TRANSIENT_ERRORS:
            self.connection.close()  # the next open() starts a fresh session
            raise
        return ""

    def close(self) -> None:
        self.connection.close()


def sms_status_callback_url(message: Message) -> str:
    """Where the provider reports delivery; the message id lets a report that arrives before
    the worker stored the provider's id still find its message (outbox/delivery.py)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('sms-status')}?message={message.pk}"


# One keep-alive HTTP client per process and provider settings, kept across batches: a new
# httpx.Client costs ~80 ms (its TLS context loads the CA bundle), 1.6 ms a message at 50 a
# batch, and each batch opened a new connection too (bench/NOTES.md). Keyed by the process
# id as well, so a forked pool child never shares its parent's sockets.
_clients: dict[tuple, httpx.Client] = {}


def _sms_client() -> httpx.Client:
    key = (
        os.getpid(),
        settings.SMS_API_BASE_URL.rstrip("/"),
        settings.SMS_ACCOUNT_SID,
        settings.SMS_AUTH_TOKEN,
        settings.SMS_TIMEOUT_SECONDS,
    )
    client = _clients.get(key)
    if client is None:
        client = _clients[key] = httpx.Client(
            base_url=key[1], auth=(key[2], key[3]), timeout=key[4]
        )
    return client


def _sms_client_drop(client: httpx.Client) -> None:
    """Forget a client whose connection failed: the next message starts afresh."""
    for key, kept in list(_clients.items()):
        if kept is client:
            del _clients[key]
    client.close()


class SmsTransport:
    """A provider's REST API in the shape of Twilio's Messages API: a form POST with basic auth
    per message, answered with JSON holding the message's "sid" and "status"; the provider then
    reports delivery to StatusCallback (outbox/hooks.py). The process's one HTTP client
    (_sms_client), its connection kept alive from batch to batch."""

    TRANSIENT_ERRORS = (httpx.TransportError, TransientSendError)

    def __init__(self):
        self.client: httpx.Client | None = None

    def open(self) -> None:
        if self.client is None and settings.SMS_ACCOUNT_SID:
            self.client = _sms_client()

    def send(self, message: Message) -> str:
        if self.client is None:
            raise PermanentSendError("SMS is not configured (SMS_ACCOUNT_SID is empty)")
        try:
            response = self.client.post(
                f"/2010-04-01/Accounts/{settings.SMS_ACCOUNT_SID}/Messages.json",
                data={
                    "To": message.to,
                    "From": settings.SMS_FROM,
                    "Body": with_secret(message.body_text, message),
                    "StatusCallback": sms_status_callback_url(message),
                },
            )
        except httpx.TransportError:
            _sms_client_drop(self.client)  # the next open() starts a fresh client
            self.client = None
            raise
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientSendError(f"SMS provider answered {response.status_code}")
        if response.status_code >= 400:
            raise PermanentSendError(
                f"SMS provider refused the message ({response.status_code}): "
                f"{provider_reason(response)}"
            )
        # Accepted: the message is out whatever the answer says; without a sid it is still
        # sent (a retry would send it twice), it just gets no delivery report.
        try:
            return str(response.json().get("sid", ""))[:64]
        except (ValueError, AttributeError):
            return ""

    def close(self) -> None:
        self.client = None  # the process's client stays open for the next batch


def provider_reason(response: httpx.Response) -> str:
    """The provider's own words for a refusal (Twilio: "message" and "code"), kept short."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        return f"{body.get('message', '')} (code {body.get('code', '?')})"[:300]
    return str(body)[:300]


TRANSPORTS = {Message.Channel.EMAIL: EmailTransport, Message.Channel.SMS: SmsTransport}
