"""The one place that talks to a transport: TRANSPORTS maps a channel to the class that
carries its messages out. A transport is used for one batch: open(), send() each message,
close(). send() returns the provider's id for the message ("" when there is none) once the
transport accepted it, raises one of TRANSIENT_ERRORS when another try may succeed, and
PermanentSendError when none will (the message fails at once, with the reason).
"""

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


class SmsTransport:
    """A provider's REST API in the shape of Twilio's Messages API: a form POST with basic auth
    per message, answered with JSON holding the message's "sid" and "status"; the provider then
    reports delivery to StatusCallback (outbox/hooks.py). One HTTP client per batch."""

    TRANSIENT_ERRORS = (httpx.TransportError, TransientSendError)

    def __init__(self):
        self.client: httpx.Client | None = None

    def open(self) -> None:
        if self.client is None and settings.SMS_ACCOUNT_SID:
            self.client = httpx.Client(
                base_url=settings.SMS_API_BASE_URL.rstrip("/"),
                auth=(settings.SMS_ACCOUNT_SID, settings.SMS_AUTH_TOKEN),
                timeout=settings.SMS_TIMEOUT_SECONDS,
            )

    def send(self, message: Message) -> str:
        if self.client is None:
            raise PermanentSendError("SMS is not configured (SMS_ACCOUNT_SID is empty)")
        response = self.client.post(
            f"/2010-04-01/Accounts/{settings.SMS_ACCOUNT_SID}/Messages.json",
            data={
                "To": message.to,
                "From": settings.SMS_FROM,
                "Body": with_secret(message.body_text, message),
                "StatusCallback": sms_status_callback_url(message),
            },
        )
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
        if self.client is not None:
            self.client.close()
            self.client = None


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
