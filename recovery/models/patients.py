"""Patients: the patient, the summary row the database keeps for the list, enrolment codes."""

import zoneinfo
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.timezone import now

from accounts.user_cache import ForgettingQuerySet
from recovery.choices import (
    SEVERITIES_BY_RANK,
    SEVERITY_RANK,
    DischargeReason,
    PatientStatus,
    ReminderChannel,
)

from .teams import CareTeam, validate_timezone


class Language(models.TextChoices):
    """The languages of everything a patient reads (pages, guidance, emails)."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class PatientQuerySet(ForgettingQuerySet):
    user_field = "user_id"


class Patient(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patient"
    )
    team = models.ForeignKey(CareTeam, on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    date_of_birth = models.DateField()
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    reminder_hour = models.PositiveSmallIntegerField(default=9)
    has_osteoporosis = models.BooleanField(default=False)
    enrolled_at = models.DateTimeField(default=now)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    # The end of follow-up (recovery/lifecycle.py). A new procedure makes the patient active.
    status = models.CharField(
        max_length=12, choices=PatientStatus.choices, default=PatientStatus.ACTIVE
    )
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharge_reason = models.CharField(
        max_length=20, choices=DischargeReason.choices, blank=True, default=""
    )
    discharge_note = models.TextField(blank=True, default="", max_length=2000)
    # Reminders by SMS (recovery/sms_settings.py): an E.164 number, the time the patient said
    # yes to texts (null: no consent), and the channel; SMS needs both of the first two.
    phone = models.CharField(max_length=20, blank=True, default="")
    sms_consent_at = models.DateTimeField(null=True, blank=True)
    reminder_channel = models.CharField(
        max_length=5, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL
    )

    # update() forgets the cached token rows of its patients (accounts/user_cache.py).
    objects = PatientQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_hour__gte=0) & Q(reminder_hour__lte=23),
                name="patient_reminder_hour_range",
            ),
            models.CheckConstraint(
                condition=Q(reminder_channel="email")
                | (
                    Q(reminder_channel__in=["sms", "both"])
                    & ~Q(phone="")
                    & Q(sms_consent_at__isnull=False)
                ),
                name="patient_sms_needs_phone_and_consent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PatientStatus.values), name="patient_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["team", "last_name", "first_name"])]

    def __str__(self) -> str:
        return f"Patient {self.pk}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_deceased(self) -> bool:
        """Discharged because they died: nothing more is sent to them or for them."""
        return self.status == "discharged" and self.discharge_reason == "deceased"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()

    def local_today(self) -> date:
        return timezone.now().astimezone(self.tz).date()

    @property
    def is_discharged(self) -> bool:
        return self.status == PatientStatus.DISCHARGED


class PatientSummary(models.Model):
    """What the patient list sorts by and shows, one row per patient, kept by the database.

    Triggers on patients, check-ins, alerts and procedures, their SQL frozen in migration 0010
    (where the numbers that chose them over the services are), update this row in the
    statement that changes them, whoever writes it; no Python code writes it. Every writer
    takes recovery.locks.summary_lock() first. Reading these figures from the source tables
    took ten correlated subqueries per patient on every list page (bench/NOTES.md).
    """

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    # The check-in with the latest recorded_at.
    latest_pain_score = models.PositiveSmallIntegerField(null=True)
    last_checkin_at = models.DateTimeField(null=True)
    # Unresolved (open or acknowledged) alerts by severity.
    open_emergency = models.PositiveIntegerField(db_default=0)
    open_urgent = models.PositiveIntegerField(db_default=0)
    open_warning = models.PositiveIntegerField(db_default=0)
    open_info = models.PositiveIntegerField(db_default=0)
    # The rank of the most severe unresolved alert (SEVERITY_RANK), 0 for none: the list's
    # risk order.
    risk_rank = models.GeneratedField(
        expression=models.Case(
            *(
                models.When(
                    **{f"open_{severity}__gt": 0}, then=models.Value(SEVERITY_RANK[severity])
                )
                for severity in SEVERITIES_BY_RANK
            ),
            default=models.Value(0),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    # The latest procedure (by performed_on, then id).
    latest_performed_on = models.DateField(null=True)
    latest_procedure_type = models.CharField(max_length=20, null=True)
    latest_levels = models.JSONField(null=True)

    def __str__(self) -> str:
        return f"Summary of patient {self.patient_id}"


class EnrollmentCode(models.Model):
    """A one-time code a patient types to set a password. Only a keyed hash is stored."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="enrollment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Enrollment code {self.pk}"
