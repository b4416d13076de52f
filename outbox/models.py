from django.db import models
from django.db.models import Q
from django.utils import timezone

# Letters and digits only, so HTML escaping and URL quoting leave it intact in both bodies.
SECRET_PLACEHOLDER = "OUTBOXSECRETd41c9e"  # noqa: S105 - a marker, not a secret


class Message(models.Model):
    """One message to send, of any channel: written in the transaction that decided to send it.

    A Celery task gets only primary keys and claims the rows before talking to a transport, so
    a lost broker message delays a message (the sweeper re-wakes it) and a doubled one sends
    once. `ref_type`/`ref_id` say what the message is about (e.g. a reminder) without the
    outbox importing the app that owns it.
    """

    class Channel(models.TextChoices):
        EMAIL = "email"
        SMS = "sms"

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        CANCELLED = "cancelled"

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # An email address, or an E.164 phone number for an SMS.
    to = models.CharField(max_length=320)
    subject = models.CharField(max_length=300, blank=True, default="")
    body_text = models.TextField()
    body_html = models.TextField(blank=True, default="")
    headers = models.JSONField(default=dict, blank=True)
    # A sign-in secret (an enrollment code, a password-reset link) is not in the bodies: they
    # hold SECRET_PLACEHOLDER, replaced by this at send time. It is blanked as soon as the row
    # is sent, failed or cancelled, so no secret can be read back from the database (or the
    # admin) once it has left; a retry while queued can still send it.
    secret = models.CharField(max_length=500, blank=True, default="")
    # What the message is about, for the dashboard and for /health/ (never clinical detail).
    category = models.CharField(max_length=40)
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The SMS provider's id for the message and its latest delivery report (status callback).
    provider_id = models.CharField(max_length=64, blank=True, default="")
    delivery_status = models.CharField(max_length=20, blank=True, default="")
    delivery_updated_at = models.DateTimeField(null=True, blank=True)
    ref_type = models.CharField(max_length=40, blank=True, default="")
    ref_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed", "cancelled"]),
                name="message_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "sms"]), name="message_channel_valid"
            ),
        ]
        indexes = [
            # The sweeper's two questions: what is due, and what is stuck in "sending".
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="queued"), name="message_due_idx"
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="message_sending_idx"
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(urgent=True, status__in=["queued", "sending"]),
                name="message_urgent_idx",
            ),
            models.Index(fields=["ref_type", "ref_id"], name="message_ref_idx"),
            # The status callback finds its message by the provider's id.
            models.Index(
                fields=["provider_id"], condition=~Q(provider_id=""), name="message_provider_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} ({self.channel}, {self.category})"


class SmsOptOut(models.Model):
    """A number that texted STOP: no SMS goes to it until it texts START (checked at send)."""

    number = models.CharField(max_length=20, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.number


class SmsKeyword(models.Model):
    """Every STOP or START received, kept as the record of what the number asked and when."""

    class Action(models.TextChoices):
        STOP = "stop"
        START = "start"

    number = models.CharField(max_length=20)
    keyword = models.CharField(max_length=20)
    action = models.CharField(max_length=10, choices=Action.choices)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["number", "received_at"], name="sms_keyword_number_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.keyword}"


class PipelineHeartbeat(models.Model):
    """One row per periodic task: when beat last made it run (read by /health/)."""

    name = models.CharField(max_length=60, unique=True)
    ticked_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class InboundSms(models.Model):
    """Each inbound text's provider id, remembered so a replayed webhook (the provider's
    retry, or an attacker's copy of a signed STOP) does nothing the second time. The one
    place inbound texts are deduplicated."""

    message_sid = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.message_sid
