"""Reads of the patient app, always of the one patient the signed-in person acts for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from recovery import rules
from recovery.choices import SEVERITY_RANK, UNRESOLVED, Symptom
from recovery.models import Alert, CheckIn, Patient, Procedure
from recovery.selectors import checkins_for, patients_for, procedures_for
from reminders.models import Reminder


def acting_patient(user: User, chosen_id: int | None = None) -> Patient | None:
    """Whose pages these are: a patient's own; for a caregiver, the patient chosen (kept in
    the session, `chosen_id`) among those they help, or their only one. None when there is
    nobody to act for, or a caregiver of several has not chosen yet (cared_patients says
    which). Asked on every request through the active care links (recovery.selectors
    .patients_for), so a revoked link stops working on the next request."""
    if user.is_patient:
        patient = patients_for(user).select_related("team").first()
        if patient is not None:
            patient.user = user  # the signed-in user: no second copy joined in
        return patient
    if not user.is_caregiver:
        return None
    patients = cared_patients(user)
    if chosen_id is not None:
        chosen = [p for p in patients if p.pk == chosen_id]
        if chosen:
            return chosen[0]
    return patients[0] if len(patients) == 1 else None


def cared_patients(user: User) -> list[Patient]:
    """The patients a caregiver helps today (active links), by name: one query."""
    if not user.is_caregiver:
        return []
    return list(
        patients_for(user).select_related("team", "user").order_by("first_name", "last_name", "id")
    )


def symptom_severity(code: str) -> str | None:
    """The most severe rule that this one symptom fires on its own (recovery/rules.py), so
    the order of the questions and the offline emergency line follow the rules table."""
    context = rules.Context(
        recorded_at=timezone.now(),
        pain_score=0,
        temperature_c=None,
        symptoms=frozenset({code}),
        history=[],
        procedure_start=None,
        pre_procedure_pain=None,
        params=dict(rules.DEFAULTS),
    )
    fired = rules.evaluate(context)
    if not fired:
        return None
    return max((rule.severity for rule in fired), key=SEVERITY_RANK.get)


def symptoms_in_question_order(order: list[str] | None = None) -> list[str]:
    """Symptoms whose rules are emergencies first, then urgent, then warnings (within one
    severity, in `order`)."""
    codes = list(order or Symptom.values)
    return sorted(codes, key=lambda c: -SEVERITY_RANK.get(symptom_severity(c) or "", 0))


def emergency_symptoms() -> list[str]:
    return [code for code in Symptom.values if symptom_severity(code) == "emergency"]


@dataclass
class Home:
    patient: Patient
    today: date
    checked_in_today: bool
    procedure: Procedure | None
    days_since_procedure: int | None
    restriction_until: date | None
    next_reminders: list[Reminder]


def home_get(patient: Patient, *, now: datetime | None = None) -> Home:
    now = now or timezone.now()
    tz = patient.tz
    today = now.astimezone(tz).date()
    start = rules.day_start(today, tz)
    checked_in = CheckIn.objects.filter(
        patient=patient, recorded_at__gte=start, recorded_at__lt=start + timedelta(days=1)
    ).exists()
    procedure = patient.procedures.order_by("-performed_on", "-id").first()
    until = procedure.lifting_restriction_until if procedure else None
    upcoming = list(
        Reminder.objects.filter(
            patient=patient, status=Reminder.Status.SCHEDULED, due_at__gte=now
        ).order_by("due_at", "kind")[:3]
    )
    return Home(
        patient=patient,
        today=today,
        checked_in_today=checked_in,
        procedure=procedure,
        days_since_procedure=(today - procedure.performed_on).days if procedure else None,
        restriction_until=until if until and until > today else None,
        next_reminders=upcoming,
    )


# The `patient` narrows a caregiver's scope (all the patients they help) to the one they act
# for; the user's own scope always comes first.


def _narrowed(queryset, patient: Patient | None):
    return queryset if patient is None else queryset.filter(patient=patient)


def own_checkins(user: User, patient: Patient | None = None) -> QuerySet[CheckIn]:
    return _narrowed(checkins_for(user), patient)


def own_procedures(user: User, patient: Patient | None = None) -> QuerySet[Procedure]:
    return _narrowed(procedures_for(user), patient)


def own_checkin_get(user: User, checkin_id, patient: Patient | None = None) -> CheckIn | None:
    checkins = _narrowed(checkins_for(user), patient)
    return checkins.filter(pk=checkin_id).prefetch_related("alerts").first()


# What a caregiver is told on the patient's home page, most severe first (issue 24).
TOLD_SEVERITIES = ("emergency", "urgent", "warning")


def open_alert_severity(patient: Patient) -> str | None:
    """The most severe unresolved alert of the patient a caregiver should act on, or None:
    one query."""
    severities = set(
        Alert.objects.filter(
            patient=patient, status__in=UNRESOLVED, severity__in=TOLD_SEVERITIES
        ).values_list("severity", flat=True)
    )
    return max(severities, key=SEVERITY_RANK.get) if severities else None
