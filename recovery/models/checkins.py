"""Check-ins and the alerts they raise."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from recovery.choices import (
    AlertStatus,
    BoneMedicine,
    ContactOutcome,
    ContactPerson,
    Severity,
)

from .patients import Patient


class CheckIn(models.Model):
    # The client's UUID is the primary key, so an offline replay cannot store a second row.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="checkins")
    recorded_at = models.DateTimeField()
    # Null only for a check-in stored at an emergency "yes" in the app, which asks the
    # emergency signs before the pain (API.md "Patient app"), until the patient finishes it.
    # The API's POST always requires it. (A CHECK passes on NULL.)
    pain_score = models.PositiveSmallIntegerField(null=True, blank=True)
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
    # Rules that fired but were silenced for this patient (RuleSilence): recorded here for the
    # timeline, with no alert and no message.
    silenced_rules = models.JSONField(default=list, blank=True)

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
    # The check-in that last fed it (API.md "Calling the patient back"): the dashboard's card
    # groups the alerts of one check-in. Null for periodic rules (missed_checkins, ...).
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True, default="")
    # Said at resolve: was the suspected problem real? Null when not said (outcomes' precision).
    confirmed = models.BooleanField(null=True, blank=True)
    # After a call that did not get through ("no answer", "left a message") on an urgent or
    # emergency alert: when the team is reminded to try again, cleared once reminded.
    callback_due_at = models.DateTimeField(null=True, blank=True)
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
            models.Index(
                fields=["callback_due_at"],
                condition=Q(callback_due_at__isnull=False),
                name="alert_callback_due_idx",
            ),
            models.Index(fields=["checkin"], name="alert_checkin_idx"),
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk} ({self.rule})"


class AlertContact(models.Model):
    """One call back about an alert: who tried, whom they tried, how it went."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="contacts")
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    person = models.CharField(
        max_length=10, choices=ContactPerson.choices, default=ContactPerson.PATIENT
    )
    note = models.TextField(blank=True, default="", max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ContactOutcome.values), name="contact_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(person__in=ContactPerson.values), name="contact_person_valid"
            ),
        ]
        indexes = [models.Index(fields=["alert", "-at"])]

    def __str__(self) -> str:
        return f"Contact {self.pk} ({self.outcome})"


class RuleSilence(models.Model):
    """A clinician marked a sign as expected for one patient until a date (exclusive, in the
    patient's zone): the rule still records on the check-in but opens no alert."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="silences")
    rule = models.CharField(max_length=40)
    until = models.DateField()
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=now)
    # Set when a clinician ends it early (DELETE); the row stays as the record of who did what.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["patient", "until"], name="silence_patient_until_idx")]

    def __str__(self) -> str:
        return f"Silence {self.pk} ({self.rule} until {self.until})"
