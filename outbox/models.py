from django.db import models
from django.db.models import Q
from django.utils import timezone

# Letters and digits only, so HTML escaping and URL quoting leave it intact in both bodies.
SECRET_PLACEHOLDER = "OUTBOXSECRETd41c9e"  # noqa: S105 - a marker, not a secret


class OutgoingEmail(models.Model):
    """One email to send: written in the transaction that decided to send it (outbox).

    A Celery task gets only the primary key and claims the row before talking to SMTP, so a
    lost broker message delays an email (the sweeper re-wakes it) and a doubled one sends once.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        CANCELLED = "cancelled"

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True, default="")
    headers = models.JSONField(default=dict, blank=True)
    # A sign-in secret (an enrollment code, a password-reset link) is not in the bodies: they
    # hold SECRET_PLACEHOLDER, replaced by this at send time. It is blanked as soon as the row
    # is sent, failed or cancelled, so no secret can be read back from the database (or the
    # admin) once it has left; a retry while queued can still send it.
    secret = models.CharField(max_length=500, blank=True, default="")
    # What the email is about, for the dashboard and for /health/ (never clinical detail).
    category = models.CharField(max_length=40)
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed", "cancelled"]),
                name="outgoing_email_status_valid",
            )
        ]
        indexes = [
            # The sweeper's two questions: what is due, and what is stuck in "sending".
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="outgoing_email_due_idx",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=Q(status="sending"),
                name="outgoing_email_sending_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(urgent=True, status__in=["queued", "sending"]),
                name="outgoing_email_urgent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"OutgoingEmail {self.pk} ({self.category})"


class PipelineHeartbeat(models.Model):
    """One row per periodic task: when beat last made it run (read by /health/)."""

    name = models.CharField(max_length=60, unique=True)
    ticked_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
