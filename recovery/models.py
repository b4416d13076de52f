import uuid
import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.timezone import now

from .choices import (
    SEVERITIES_BY_RANK,
    SEVERITY_RANK,
    VERTEBRAL_LEVELS,
    AlertStatus,
    BoneMedicine,
    Cause,
    DischargeReason,
    PatientStatus,
    ProcedureType,
    ReminderChannel,
    Severity,
)


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not an IANA time zone name.")


def default_emergency_number() -> str:
    return settings.DEFAULT_EMERGENCY_NUMBER


class Language(models.TextChoices):
    """The languages of everything a patient reads (pages, guidance, emails)."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class CareTeam(models.Model):
    name = models.CharField(max_length=200, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    clinicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="care_teams",
        blank=True,
        through="TeamMembership",
        through_fields=("careteam", "user"),
    )
    # Overrides of the warning-sign and notification defaults in recovery/rules.py, keyed by
    # setting name (rules.SETTING_SPECS lists the names and the values each may take).
    rule_settings = models.JSONField(default=dict, blank=True)
    # What the patient app's guidance screens dial (tel: links): the team's own line for
    # "call your care team today", and the local emergency number for "call now".
    phone = models.CharField(max_length=40, blank=True, default="")
    emergency_number = models.CharField(max_length=20, default=default_emergency_number)

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def clean(self) -> None:
        from .phones import emergency_number_normalise, phone_normalise
        from .rules import settings_errors

        errors: dict[str, list] = {}
        rule_errors = settings_errors(self.rule_settings)
        if rule_errors:
            errors["rule_settings"] = rule_errors
        # Stored normalised (E.164), so the tel: links of the patient app always dial.
        for name, normalise in (
            ("phone", phone_normalise),
            ("emergency_number", emergency_number_normalise),
        ):
            try:
                setattr(self, name, normalise(getattr(self, name)))
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)


class TeamMembership(models.Model):
    """A clinician on a care team. Admins run the team: they invite and remove clinicians and
    edit its settings (dashboard/team pages). Not a role: /api/v1/me/ keeps "clinician".

    The table is the one Django made for the plain many-to-many (migration
    0007_team_membership kept its rows), hence its name and its columns, which the dashboard's
    hand-written summary SQL joins on.
    """

    # "careteam", as Django named it for the plain many-to-many: code that used its through
    # model (notifications, bench) keeps working unchanged.
    careteam = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    is_admin = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=now)

    class Meta:
        db_table = "recovery_careteam_clinicians"
        # As Django declared it for the plain many-to-many, so the database keeps its index.
        unique_together = [("careteam", "user")]

    def __str__(self) -> str:
        return f"Membership {self.careteam_id}/{self.user_id}"


class TeamSettingsVersion(models.Model):
    """One change of a team's settings: who made it, when, and the values before and after
    (the changed keys only; a rule setting missing from a side is the protocol's default)."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="settings_versions")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=now)
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["team", "-changed_at"])]

    def __str__(self) -> str:
        return f"Settings version {self.pk} of team {self.team_id}"

    @property
    def changes(self) -> list[dict]:
        """Each changed value, before and after; a rule setting absent from one side was the
        protocol's default there (keys "rule:<name>" are rule settings)."""
        return [
            {
                "name": key.removeprefix("rule:"),
                "old": self.old.get(key, "default"),
                "new": self.new.get(key, "default"),
            }
            for key in sorted(self.old.keys() | self.new.keys())
        ]


class TeamInvitation(models.Model):
    """An admin asked a clinician by email to join the team: a single-use link, stored only
    as a keyed hash of its token (recovery/teams.py)."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation {self.pk} to team {self.team_id}"


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


class Procedure(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="procedures")
    procedure_type = models.CharField(max_length=20, choices=ProcedureType.choices)
    performed_on = models.DateField()
    vertebral_levels = models.JSONField()
    cause = models.CharField(max_length=20, choices=Cause.choices)
    pre_procedure_pain = models.PositiveSmallIntegerField()
    height_loss_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    fracture_date = models.DateField(null=True, blank=True)
    lifting_restriction_days = models.PositiveSmallIntegerField(default=7)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(procedure_type__in=ProcedureType.values), name="procedure_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(cause__in=Cause.values), name="procedure_cause_valid"
            ),
            models.CheckConstraint(
                condition=Q(pre_procedure_pain__gte=0) & Q(pre_procedure_pain__lte=10),
                name="procedure_pre_pain_range",
            ),
            models.CheckConstraint(
                condition=Q(height_loss_percent__isnull=True)
                | (Q(height_loss_percent__gte=0) & Q(height_loss_percent__lte=100)),
                name="procedure_height_loss_range",
            ),
            models.CheckConstraint(
                condition=Q(lifting_restriction_days__gte=1) & Q(lifting_restriction_days__lte=90),
                name="procedure_restriction_days_range",
            ),
            models.CheckConstraint(
                condition=Q(fracture_date__isnull=True)
                | Q(fracture_date__lte=models.F("performed_on")),
                name="procedure_fracture_not_after_procedure",
            ),
        ]
        # "The latest procedure of a patient" is the most asked question.
        indexes = [models.Index(fields=["patient", "-performed_on", "-id"])]

    def __str__(self) -> str:
        return f"Procedure {self.pk}"

    @property
    def lifting_restriction_until(self) -> date:
        """The first day without the restriction (PROTOCOL.md section 3)."""
        return self.performed_on + timedelta(days=self.lifting_restriction_days)

    def clean(self) -> None:
        bad = [lvl for lvl in self.vertebral_levels or [] if lvl not in VERTEBRAL_LEVELS]
        if bad:
            raise ValidationError({"vertebral_levels": f"Unknown levels: {', '.join(bad)}"})


class CheckIn(models.Model):
    # The client's UUID is the primary key, so an offline replay cannot store a second row.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="checkins")
    recorded_at = models.DateTimeField()
    pain_score = models.PositiveSmallIntegerField()
    temperature_c = models.FloatField(null=True, blank=True)
    symptoms = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True, default="", max_length=2000)
    # Asked when an osteoporosis_medication reminder fell due since the last answer; null when
    # not asked or not answered.
    bone_medicine = models.CharField(
        max_length=20, choices=BoneMedicine.choices, null=True, blank=True
    )
    received_at = models.DateTimeField(default=now)
    # Who entered it: the patient, or a caregiver on the patient's behalf (caregivers/). Null
    # only for rows written without an account behind them (imports, old test rows).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The fields the client sent, normalised, to tell a faithful replay from a clash.
    client_payload = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_score__gte=0) & Q(pain_score__lte=10), name="checkin_pain_range"
            ),
            models.CheckConstraint(
                condition=Q(temperature_c__isnull=True)
                | (Q(temperature_c__gte=34.0) & Q(temperature_c__lte=43.0)),
                name="checkin_temperature_range",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-recorded_at"])]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"


class Alert(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="alerts")
    rule = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    message = models.TextField()
    # The rule parameters it fired with, so a later settings change never rewrites history.
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now)
    last_triggered_at = models.DateTimeField(default=now)
    occurrences = models.PositiveIntegerField(default=1)
    checkins = models.ManyToManyField(CheckIn, related_name="alerts", blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True, default="")
    # Care-team email (urgent and emergency): when the team was first told, how many re-sends
    # went out since, and when the next one is due while nobody has acknowledged the alert.
    notified_at = models.DateTimeField(null=True, blank=True)
    escalations_sent = models.PositiveSmallIntegerField(default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    # missed_checkins only: the last local day this alert has counted, so an hourly task that
    # runs many times a day adds each missed day once.
    missed_through = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            # At most one unresolved alert per patient and rule (PROTOCOL.md section 4).
            models.UniqueConstraint(
                fields=["patient", "rule"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_one_unresolved_per_rule",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="alert_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AlertStatus.values), name="alert_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "status"]),
            models.Index(fields=["status", "-created_at"]),
            # The escalation sweep's one question: which open alerts are due a re-send.
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(status="open", next_escalation_at__isnull=False),
                name="alert_escalation_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk} ({self.rule})"
