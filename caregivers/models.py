"""A patient's caregivers: who may act on the patient's behalf, and the trail of that consent.

A CareLink is the one place a caregiver's access comes from. Every read a caregiver makes
goes through recovery.selectors.patients_for, which asks this table for ACTIVE links on each
request; tokens and sessions carry no list of patients, so revoking a link takes effect on
the caregiver's next request, whatever they signed in with.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from recovery.models import Patient
from reminders.models import ReminderOptOut


class CareLink(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited"
        ACTIVE = "active"
        REVOKED = "revoked"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="care_links")
    # Null until the invitation is accepted: who holds the address is not known before.
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_links",
    )
    email = models.EmailField()
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=60)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    receives_reminders = models.BooleanField(default=False)
    # Told of each urgent or emergency check-in (API.md "Calling the patient back"); the
    # patient may turn it off.
    receives_alerts = models.BooleanField(default=True)
    # The caregiver's own phone (E.164), for the nurse to call; texts only with their consent.
    phone = models.CharField(max_length=20, blank=True, default="")
    sms_consent_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The invitation link's secret, as a keyed hash; single use (token_used_at), 14 days.
    token_hash = models.CharField(max_length=64, unique=True)
    token_expires_at = models.DateTimeField()
    token_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["invited", "active", "revoked"]),
                name="carelink_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(caregiver__isnull=False),
                name="carelink_active_has_caregiver",
            ),
            # One active link per patient and caregiver: the scope joins through it.
            models.UniqueConstraint(
                fields=["patient", "caregiver"],
                condition=Q(status="active"),
                name="carelink_one_active_per_pair",
            ),
        ]
        indexes = [
            # The scope's question on every caregiver request.
            models.Index(fields=["caregiver", "status"], name="carelink_caregiver_status_idx"),
            models.Index(fields=["patient", "status"], name="carelink_patient_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Care link {self.pk} ({self.status})"

    @property
    def label(self) -> str:
        """ "Ann Hill (daughter)", as the care team reads who entered a check-in."""
        return f"{self.name} ({self.relationship})" if self.relationship else self.name


class CaregiverReminderOptOut(models.Model):
    """A caregiver asked for no more copies of the patient's reminders of one kind (or "all").

    Kept apart from reminders.ReminderOptOut: a caregiver's unsubscribe link must never stop
    the patient's own reminders.
    """

    link = models.ForeignKey(CareLink, on_delete=models.CASCADE, related_name="opt_outs")
    kind = models.CharField(max_length=40, choices=ReminderOptOut.KIND_CHOICES)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "kind"], name="caregiver_opt_out_once"),
        ]

    def __str__(self) -> str:
        return f"Caregiver opt-out {self.link_id} {self.kind}"


class CaregiverAlertNotice(models.Model):
    """The caregiver was told of an urgent or emergency check-in: once per check-in and link."""

    link = models.ForeignKey(CareLink, on_delete=models.PROTECT, related_name="+")
    checkin = models.ForeignKey("recovery.CheckIn", on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "checkin"], name="caregiver_notice_once")
        ]

    def __str__(self) -> str:
        return f"Caregiver alert notice {self.pk} (check-in {self.checkin_id})"
