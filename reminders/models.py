from django.db import models
from django.db.models import Q
from django.utils import timezone

from recovery.models import Patient, Procedure

from .plan import ITEMS, Kind


class Reminder(models.Model):
    """One item of a patient's recovery plan, and the truth about its delivery.

    The dispatcher turns a due row into outbox messages (the patient's email and/or SMS, the
    caregivers' copies) that point back at it; `status` only ever says `sent` once the
    transport (the SMTP server, the SMS provider) accepted one of the patient's own.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        SENT = "sent"
        SKIPPED = "skipped"
        FAILED = "failed"
        CANCELLED = "cancelled"

    # No single-column indexes on the two keys: the indexes below lead with them already, and
    # every index costs time when a bulk import writes half a million rows. `patient` is
    # always procedure.patient (plans_create writes both from the procedure), kept here for
    # scoping and the per-patient index; the database checks the procedure key only, which
    # halves the per-row foreign-key checks of a bulk import.
    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        related_name="reminders",
        db_index=False,
        db_constraint=False,
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="reminders", db_index=False
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    offset_days = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # Why it was skipped, cancelled or failed (or why the last attempt failed), for the team.
    reason = models.CharField(max_length=500, blank=True, default="")
    # The dispatcher queued its messages in the outbox at this time (null: not yet queued).
    # The reminder stays `scheduled` until they settle (reminders/delivery.py).
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # The plan's natural key: re-planning updates these rows instead of adding more.
            models.UniqueConstraint(
                fields=["procedure", "kind", "offset_days"], name="reminder_one_per_plan_item"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "sent", "skipped", "failed", "cancelled"]),
                name="reminder_status_valid",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="reminder_kind_valid"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="reminder_sent_has_sent_at",
            ),
        ]
        indexes = [
            # The dispatcher's question, asked every minute: which scheduled rows not yet
            # queued are due? The index stays as small as the backlog.
            models.Index(
                fields=["due_at"],
                condition=Q(status="scheduled", claimed_at__isnull=True),
                name="reminder_due_idx",
            ),
            # Queued reminders, oldest first: the dispatcher settles those whose messages were
            # all cancelled outside a send (reminders/delivery.py).
            models.Index(
                fields=["claimed_at"],
                condition=Q(status="scheduled", claimed_at__isnull=False),
                name="reminder_queued_idx",
            ),
            # The plan and the clinician's list: one patient's reminders in time order.
            models.Index(fields=["patient", "due_at"], name="reminder_patient_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk} ({self.kind})"

    @property
    def title(self) -> str:
        return ITEMS[self.kind].title


class ReminderOptOut(models.Model):
    """A patient asked for no more reminders of one kind, or of any kind ("all").

    Only reminder emails read this table: alerts to the care team never do.
    """

    ALL = "all"
    KIND_CHOICES = [*Kind.choices, (ALL, "All reminders")]

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="reminder_opt_outs")
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "kind"], name="reminder_opt_out_once"),
            models.CheckConstraint(
                condition=Q(kind__in=[*Kind.values, "all"]), name="reminder_opt_out_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Opt-out {self.patient_id} {self.kind}"


class CalendarFeed(models.Model):
    """The secret of a patient's iCalendar feed.

    The token in the URL is an HMAC of the patient and this nonce under SECRET_KEY, so the
    database alone does not reveal it; only its SHA-256 is stored, for lookup. Rotating the
    nonce makes the old URL a 404.
    """

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="calendar_feed")
    nonce = models.CharField(max_length=64)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed {self.patient_id}"
