"""Opting out of reminder emails: the signed one-click unsubscribe link, and the kinds a
patient chose in the app's settings."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import transaction

from lib.exceptions import DomainError
from recovery.models import Patient

from . import plan
from .models import ReminderOptOut

UNSUBSCRIBE_SALT = "reminders.unsubscribe"


def unsubscribe_token(*, patient_id: int, kind: str) -> str:
    return signing.dumps({"p": patient_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, patient_id: int, kind: str) -> str:
    return f"{settings.SITE_URL}/unsubscribe/{unsubscribe_token(patient_id=patient_id, kind=kind)}/"


class BadUnsubscribeLink(DomainError):
    default_detail = "This unsubscribe link is not valid."


def unsubscribe_payload(*, token: str, salt: str) -> dict | None:
    """What a signed unsubscribe token holds when it names a reminder kind (or "all") under
    this salt; None for a tampered token or an unknown kind. The caregivers' links use it too."""
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in [*plan.Kind.values, ReminderOptOut.ALL]:
        return None
    return data


def unsubscribe_parse(*, token: str) -> tuple[Patient, str]:
    """The patient and kind a link names; a tampered or unknown link is a BadUnsubscribeLink."""
    data = unsubscribe_payload(token=token, salt=UNSUBSCRIBE_SALT)
    if data is None:
        raise BadUnsubscribeLink()
    patient = Patient.objects.filter(pk=data.get("p")).first()
    if patient is None:
        raise BadUnsubscribeLink()
    return patient, data["k"]


def reminder_opt_out(*, patient: Patient, kind: str) -> ReminderOptOut:
    """Stop reminder emails of one kind (or "all") for the patient. Idempotent.

    Alerts to clinicians do not read opt-outs, so this can never silence them.
    """
    opt_out, _ = ReminderOptOut.objects.get_or_create(patient=patient, kind=kind)
    return opt_out


@transaction.atomic
def reminder_kinds_set(*, patient: Patient, wanted: Iterable[str]) -> None:
    """Get exactly the reminder kinds in `wanted` by email: the others are opted out, and an
    earlier opt-out of a wanted kind (or of all reminders) is lifted (subscribing again)."""
    wanted = set(wanted)
    unwanted = [kind for kind in plan.Kind.values if kind not in wanted]
    patient.reminder_opt_outs.exclude(kind__in=unwanted).delete()
    for kind in unwanted:
        ReminderOptOut.objects.get_or_create(patient=patient, kind=kind)


def reminder_kinds_wanted(*, patient: Patient) -> set[str]:
    """The reminder kinds the patient gets by email (none after "stop all")."""
    opted_out = set(patient.reminder_opt_outs.values_list("kind", flat=True))
    if ReminderOptOut.ALL in opted_out:
        return set()
    return {kind for kind in plan.Kind.values if kind not in opted_out}
