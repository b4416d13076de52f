"""Turning rule hits into alerts: open a new one, or add to the unresolved one of that rule."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import rules
from .choices import UNRESOLVED
from .models import Alert, CheckIn, Patient
from .selectors import latest_procedure


def checkin_context(*, checkin: CheckIn) -> rules.Context:
    patient = checkin.patient
    params = rules.parameters_for(patient.team.rule_settings)
    lookback = max(params["worsening_lookback_days"], params["new_fracture_lookback_days"])
    history = list(
        CheckIn.objects.filter(
            patient=patient,
            recorded_at__lt=checkin.recorded_at,
            recorded_at__gte=checkin.recorded_at - timedelta(days=lookback),
        )
        .order_by("-recorded_at")
        .values_list("recorded_at", "pain_score")
    )
    procedure = latest_procedure(patient)
    return rules.Context(
        recorded_at=checkin.recorded_at,
        pain_score=checkin.pain_score,
        temperature_c=checkin.temperature_c,
        symptoms=frozenset(checkin.symptoms),
        history=history,
        procedure_start=rules.procedure_start(procedure.performed_on, patient.tz)
        if procedure
        else None,
        pre_procedure_pain=procedure.pre_procedure_pain if procedure else None,
        params=params,
    )


def alerts_raise_for_checkin(*, checkin: CheckIn) -> list[Alert]:
    context = checkin_context(checkin=checkin)
    hits = rules.evaluate(context)
    return [
        alert_open_or_bump(
            patient=checkin.patient, rule=rule, params=context.params, checkin=checkin
        )
        for rule in hits
    ]


def alert_open_or_bump(
    *, patient: Patient, rule: rules.Rule, params: dict, checkin: CheckIn | None = None
) -> Alert:
    """At most one unresolved alert per patient and rule: add to it, or open a new one."""
    now = timezone.now()
    alert = (
        Alert.objects.select_for_update()
        .filter(patient=patient, rule=rule.code, status__in=UNRESOLVED)
        .first()
    )
    if alert is None:
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    patient=patient,
                    rule=rule.code,
                    severity=rule.severity,
                    message=rule.message,
                    parameters={name: params[name] for name in rule.uses},
                    created_at=now,
                    last_triggered_at=now,
                )
                alert.newly_opened = True
        except IntegrityError:
            # A concurrent check-in opened it first: add to that one instead.
            alert = Alert.objects.select_for_update().get(
                patient=patient, rule=rule.code, status__in=UNRESOLVED
            )
    if not getattr(alert, "newly_opened", False):
        alert.occurrences += 1
        alert.last_triggered_at = now
        alert.save(update_fields=["occurrences", "last_triggered_at"])
        alert.newly_opened = False
    if checkin is not None:
        alert.checkins.add(checkin)
    return alert
