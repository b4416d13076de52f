"""Reads for the FHIR export: one patient's record, scoped to the caller, in constant queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import User
from bonehealth import selectors as bone_selectors
from recovery.models import Alert, CheckIn, Patient, Procedure
from recovery.selectors import patients_for
from reminders.models import Reminder

# When a reminder last changed: updated_at moves on every save (auto_now), and every state
# change (sent, skipped, failed, cancelled, re-planned) is a save.
REMINDER_CHANGE_FIELDS = ("updated_at", "created_at", "sent_at")


@dataclass
class PatientRecord:
    patient: Patient
    # Every procedure, oldest first: plans need the whole sequence even when only some changed.
    procedures: list[Procedure]
    changed_procedure_ids: set[int]
    checkins: list[CheckIn]
    alerts: list[Alert]
    # procedure id -> its reminders by due time; only the plans to export (see plans_changed).
    plans: dict[int, list[Any]] = field(default_factory=dict)
    since: datetime | None = None
    # Caregiver user id -> their link with the patient (caregivers.CareLink), for the
    # check-ins they entered: exported as RelatedPerson, the Observations' performer.
    related_people: dict[int, Any] = field(default_factory=dict)
    # The fracture-liaison pathway (bonehealth): None when there is nothing to export (off the
    # pathway with no record, or, with `since`, no change to the record since then).
    bone_health: bone_selectors.PathwayView | None = None


def _reminder_changed_after(reminder: Reminder, since: datetime) -> bool:
    return any(
        (value := getattr(reminder, name)) is not None and value > since
        for name in REMINDER_CHANGE_FIELDS
    )


def _alert_changed_after(since: datetime) -> Q:
    # An alert changes when it opens, fires again, is acknowledged or is resolved.
    return (
        Q(created_at__gt=since)
        | Q(last_triggered_at__gt=since)
        | Q(acknowledged_at__gt=since)
        | Q(resolved_at__gt=since)
    )


def patient_record_get(*, user: User, patient_id: int, since: datetime | None) -> PatientRecord:
    """The patient's record as the caller may see it; with `since`, what changed after it.

    Queries: the patient with user and team (1), procedures (1), check-ins (1), alerts (1),
    reminders (1), the bone-health record with the pathway's facts (1): six, whatever the size.
    """
    patient = get_object_or_404(patients_for(user).select_related("user", "team"), pk=patient_id)

    procedures = list(Procedure.objects.filter(patient=patient).order_by("performed_on", "id"))
    changed_procedure_ids = {
        p.pk for p in procedures if since is None or p.updated_at > since or p.created_at > since
    }

    checkins = CheckIn.objects.filter(patient=patient)
    alerts = Alert.objects.filter(patient=patient)
    if since is not None:
        # received_at, not recorded_at: an offline check-in recorded last week but received
        # now is new to a poller. Check-ins are never edited, so receipt is their last change.
        checkins = checkins.filter(received_at__gt=since)
        alerts = alerts.filter(_alert_changed_after(since))

    record = PatientRecord(
        patient=patient,
        procedures=procedures,
        changed_procedure_ids=changed_procedure_ids,
        checkins=list(checkins.order_by("recorded_at", "id")),
        alerts=list(alerts.order_by("created_at", "id")),
        since=since,
    )
    record.plans = _plans(record)
    record.related_people = _related_people(record)
    record.bone_health = _bone_health(user=user, patient_id=patient.pk, since=since)
    return record


def _bone_health(*, user: User, patient_id: int, since: datetime | None):
    view = bone_selectors.bone_health_get(user, patient_id=patient_id)
    saved = view.record.pk is not None
    if not saved and not view.on_pathway:
        return None
    if since is not None and (not saved or view.record.updated_at <= since):
        return None
    return view


def _related_people(record: PatientRecord) -> dict[int, Any]:
    """The caregivers who entered exported check-ins; a query only when there are some."""
    from caregivers.models import CareLink

    others = {c.entered_by_id for c in record.checkins} - {None, record.patient.user_id}
    if not others:
        return {}
    links = CareLink.objects.filter(patient=record.patient, caregiver_id__in=others)
    # The latest link of each caregiver with this patient, revoked or not: the entry stays
    # theirs.
    return {link.caregiver_id: link for link in links.order_by("id")}


def _plans(record: PatientRecord) -> dict[int, list[Any]]:
    """Reminders grouped into one plan per procedure; with `since`, only the plans that changed.

    A plan is one resource, so a change to any of its reminders exports the whole plan.
    """
    if not record.procedures:
        return {}
    plans: dict[int, list[Any]] = {p.pk: [] for p in record.procedures}
    latest_id = max(record.procedures, key=lambda p: (p.performed_on, p.pk)).pk
    reminders = Reminder.objects.filter(patient=record.patient).order_by("due_at", "pk")
    for reminder in reminders:
        # A reminder of a procedure not in the list belongs to the plan being followed.
        key = reminder.procedure_id if reminder.procedure_id in plans else latest_id
        plans[key].append(reminder)
    since = record.since
    if since is None:
        return plans
    return {
        procedure_id: reminders
        for procedure_id, reminders in plans.items()
        if procedure_id in record.changed_procedure_ids
        or any(_reminder_changed_after(r, since) for r in reminders)
    }
