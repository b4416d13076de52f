"""Calling the patient back: the call record of an alert, and the signs a clinician marked as
expected for one patient (API.md "Calling the patient back")."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from lib.exceptions import DomainError

from . import rules
from .choices import (
    CONTACT_ACKNOWLEDGES,
    CONTACT_TRY_AGAIN,
    AlertStatus,
    Severity,
)
from .locks import summary_lock
from .models import Alert, AlertContact, Patient, RuleSilence
from .services import AlreadyResolved

# The severities whose failed calls bring a "try again" reminder to the team.
CHASED_SEVERITIES = (Severity.URGENT, Severity.EMERGENCY)
SILENCE_MAX_DAYS = 30


@transaction.atomic
def contact_record(
    *, alert: Alert, by: User, outcome: str, person: str = "patient", note: str = ""
) -> AlertContact:
    """Record a call about an alert. Reached or sent to emergency care acknowledges an open
    alert; no answer or a message left on an urgent or emergency alert asks the team to try
    again after the team's `callback_retry_minutes`; a later call replaces that time."""
    summary_lock(alert.patient_id)
    alert = Alert.objects.select_for_update().select_related("patient__team").get(pk=alert.pk)
    if alert.status == AlertStatus.RESOLVED:
        raise AlreadyResolved("A resolved alert takes no more calls.")
    now = timezone.now()
    contact = AlertContact.objects.create(
        alert=alert, outcome=outcome, person=person, note=note, by=by, at=now
    )
    fields = ["callback_due_at"]
    if outcome in CONTACT_ACKNOWLEDGES:
        alert.callback_due_at = None
        if alert.status == AlertStatus.OPEN:
            alert.status = AlertStatus.ACKNOWLEDGED
            alert.acknowledged_by = by
            alert.acknowledged_at = now
            fields += ["status", "acknowledged_by", "acknowledged_at"]
    elif outcome in CONTACT_TRY_AGAIN and alert.severity in CHASED_SEVERITIES:
        minutes = rules.notification_settings_for(alert.patient.team.rule_settings)[
            "callback_retry_minutes"
        ]
        alert.callback_due_at = now + timedelta(minutes=minutes)
    else:
        # A wrong number: nobody to call again at that number; the card shows it.
        alert.callback_due_at = None
    alert.save(update_fields=fields)
    return contact


class SilenceNotAllowed(DomainError):
    pass


def silence_errors(*, patient: Patient, rule: str, until: date) -> dict[str, list[str]]:
    """What is wrong with a silence, by field; empty when it may be set."""
    errors: dict[str, list[str]] = {}
    known = rules.RULES_BY_CODE.get(rule)
    if known is None:
        errors["rule"] = [f"Unknown rule '{rule}'."]
    elif known.severity == Severity.EMERGENCY:
        errors["rule"] = ["An emergency sign cannot be silenced."]
    today = timezone.now().astimezone(patient.tz).date()
    if not today < until <= today + timedelta(days=SILENCE_MAX_DAYS):
        errors["until"] = [
            f"Give a date after today and at most {SILENCE_MAX_DAYS} days ahead "
            f"(the patient's today is {today.isoformat()})."
        ]
    return errors


@transaction.atomic
def silence_create(*, patient: Patient, rule: str, until: date, reason: str, by: User):
    errors = silence_errors(patient=patient, rule=rule, until=until)
    if errors:
        raise SilenceNotAllowed(errors)
    return RuleSilence.objects.create(patient=patient, rule=rule, until=until, reason=reason, by=by)


def silence_end(*, silence: RuleSilence, by: User) -> None:
    """End a silence now; ending an ended one changes nothing."""
    RuleSilence.objects.filter(pk=silence.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=by
    )


def silences_active(patient_ids, *, on: date | None = None):
    """The silences not ended of these patients; with `on`, those still in force that day."""
    rows = RuleSilence.objects.filter(patient_id__in=patient_ids, ended_at__isnull=True)
    if on is not None:
        rows = rows.filter(until__gt=on)
    return rows.select_related("by").order_by("until", "pk")
