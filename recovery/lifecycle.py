"""The patient's life cycle: discharge (the end of follow-up) and re-activation.

A discharged patient keeps everything that keeps them safe: they can still sign in and check
in, the warning-sign rules still run on their check-ins and their alerts stay in the inbox.
What stops is what follow-up sends and counts: reminders, the missed_checkins rule, and their
place in the patient list and the dashboard's figures (recovery.selectors,
dashboard.selectors). "deceased" also stops, at once, every message still waiting to go to
the patient, and every one about them waiting to go to their caregivers (messages_stop).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from lib.exceptions import Conflict
from outbox.services import messages_cancel

from .choices import DischargeReason, PatientStatus
from .models import Patient
from .signals import patient_discharged


class AlreadyDischarged(Conflict):
    default_detail = "This patient is already discharged."


REASON_DECEASED = "The patient died: no more messages to them."


@transaction.atomic
def patient_discharge(*, patient: Patient, by: User | None, reason: str, note: str = "") -> Patient:
    """End the patient's follow-up, in one transaction. A second discharge is a conflict."""
    # The patient row's lock serialises this with a re-plan (reminders.plan_sync takes it too)
    # and with a second discharge of the same patient.
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.status == PatientStatus.DISCHARGED:
        raise AlreadyDischarged()
    locked.status = PatientStatus.DISCHARGED
    locked.discharged_at = timezone.now()
    locked.discharge_reason = reason
    locked.discharge_note = note
    locked.save(update_fields=["status", "discharged_at", "discharge_reason", "discharge_note"])
    # Reminders stop in this transaction (reminders/receivers.py).
    patient_discharged.send(sender=Patient, patient=locked, reason=reason)
    if reason == DischargeReason.DECEASED:
        messages_stop(patient=locked)
    for name in ("status", "discharged_at", "discharge_reason", "discharge_note"):
        setattr(patient, name, getattr(locked, name))
    return patient


# Apps above this one that send emails about a patient to someone else (caregivers/: their
# invitations and copies of the reminders) register here how to find theirs: a function of
# the patient returning a Q over outbox.Message. recovery stays the lower layer: it imports no
# app that imports it.
MessageFinder = Callable[[Patient], Q]
MESSAGE_FINDERS: list[MessageFinder] = []


def messages_finder_register(finder: MessageFinder) -> MessageFinder:
    """Register (once, from an AppConfig.ready) how to find an app's emails about a patient."""
    if finder not in MESSAGE_FINDERS:
        MESSAGE_FINDERS.append(finder)
    return finder


def messages_stop(*, patient: Patient) -> int:
    """Stop every message waiting to go to the patient and to those who receive copies of
    theirs, at once. Returns how many queued emails were cancelled.

    The one place for it: what other apps send about the patient (their caregivers'
    invitations and reminder copies) is found through MESSAGE_FINDERS. Reminders are
    cancelled by the discharge itself; alerts go to the care team, not to the patient, and
    are not messages to stop. A cancelled row's secret is forgotten, as a sent one's.
    """
    concerned = Q(to__in=[patient.user.email])
    for finder in MESSAGE_FINDERS:
        concerned |= finder(patient)
    return messages_cancel(reason=REASON_DECEASED, where=concerned)


def patient_reactivate(*, patient: Patient) -> bool:
    """A new procedure starts follow-up again: the patient is active. Returns whether they
    were discharged. Call inside the transaction that records the procedure, before its plan
    is built."""
    changed = Patient.objects.filter(pk=patient.pk, status=PatientStatus.DISCHARGED).update(
        status=PatientStatus.ACTIVE, discharged_at=None, discharge_reason="", discharge_note=""
    )
    if changed:
        patient.status = PatientStatus.ACTIVE
        patient.discharged_at = None
        patient.discharge_reason = patient.discharge_note = ""
    return bool(changed)
