"""Who on the care team was told about what, and when (PROTOCOL.md section 4).

The email itself is an outbox row (outbox.Message); these rows say why it exists and make
each notification happen once: a unique (alert, clinician, round) and a unique (clinician, team,
local date) turn a task that runs twice into an IntegrityError instead of a second email.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AlertNotification(models.Model):
    """One email to one clinician about one urgent or emergency alert."""

    alert = models.ForeignKey(
        "recovery.Alert", on_delete=models.PROTECT, related_name="notifications"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # 0 is the first email when the alert opened; 1, 2, ... are the re-sends while unacknowledged.
    round = models.PositiveSmallIntegerField()
    # One email per check-in and clinician names every sign of the check-in, so the alerts of
    # one check-in share it (API.md "Calling the patient back").
    email = models.ForeignKey(
        "outbox.Message", on_delete=models.PROTECT, related_name="alert_notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "clinician", "round"], name="alert_notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"AlertNotification {self.pk} (alert {self.alert_id}, round {self.round})"


class WarningDigest(models.Model):
    """The daily warnings digest of one clinician for one team and local date.

    A row is written even when there was nothing to send, so the digest goes out at the team's
    digest hour and not later in the day when the first warning of the day arrives.
    """

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey("recovery.CareTeam", on_delete=models.PROTECT, related_name="+")
    local_date = models.DateField()
    alert_count = models.PositiveIntegerField(default=0)
    email = models.OneToOneField(
        "outbox.Message",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warning_digest",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "team", "local_date"], name="warning_digest_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"WarningDigest {self.pk} ({self.local_date})"


class CallbackReminder(models.Model):
    """The team was reminded to call again after a call that did not get through: once per
    such call (the contact row)."""

    contact = models.OneToOneField(
        "recovery.AlertContact", on_delete=models.PROTECT, related_name="reminder"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"CallbackReminder {self.pk} (contact {self.contact_id})"
