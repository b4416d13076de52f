"""The periodic denosumab_overdue rule (recovery/rules.py, PROTOCOL.md section 6).

Evaluated here rather than in recovery.alerts because it reads the bone-health record, and
recovery does not import this app. The alert itself goes through recovery's one path for
opening or adding to alerts (alert_open_or_bump, under the patient's summary lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from notifications.services import alerts_notify
from recovery import rules
from recovery.alerts import alert_open_or_bump
from recovery.choices import UNRESOLVED
from recovery.locks import summary_lock
from recovery.models import Alert

from .choices import Treatment
from .models import BoneHealthRecord


@dataclass
class DenosumabResult:
    candidates: int = 0
    opened: int = 0
    added_to: int = 0


def denosumab_overdue_evaluate(*, now: datetime | None = None) -> DenosumabResult:
    """Open (or add to, once a local day) the denosumab_overdue alert of every patient whose
    last injection, or the start when no dose is recorded, was more than the team's
    `denosumab_overdue_days` ago in the patient's time zone.

    Once a clinician resolved the alert, it opens again only for a later gap: a new dose moves
    the date it counts from, and a resolved alert opened after that date has seen this gap.
    Three queries to find the work (the records with patient and team, their alerts), then
    one short transaction per alert written.
    """
    now = now or timezone.now()
    rule = rules.DENOSUMAB_OVERDUE
    records = list(
        BoneHealthRecord.objects.filter(treatment=Treatment.DENOSUMAB)
        .exclude(last_dose_on__isnull=True, treatment_started_on__isnull=True)
        .select_related("patient__team")
    )
    result = DenosumabResult(candidates=len(records))
    alerts_by_patient: dict[int, list[Alert]] = {}
    for alert in Alert.objects.filter(
        patient__in=[r.patient_id for r in records], rule=rule.code
    ).only("pk", "patient_id", "status", "created_at", "last_triggered_at"):
        alerts_by_patient.setdefault(alert.patient_id, []).append(alert)

    for record in records:
        patient = record.patient
        params = rules.parameters_for(patient.team.rule_settings)
        tz = patient.tz
        today = now.astimezone(tz).date()
        since = record.last_dose_on or record.treatment_started_on
        if (today - since).days <= params["denosumab_overdue_days"]:
            continue
        alerts = alerts_by_patient.get(patient.pk, [])
        unresolved = next((a for a in alerts if a.status in UNRESOLVED), None)
        if unresolved is not None:
            if unresolved.last_triggered_at.astimezone(tz).date() >= today:
                continue  # counted today already
        elif any(a.created_at.astimezone(tz).date() > since for a in alerts):
            continue  # a clinician resolved this gap's alert
        with transaction.atomic():
            summary_lock(patient.pk)
            alert = alert_open_or_bump(patient=patient, rule=rule, params=params)
            alerts_notify(alerts=[alert])
        if alert.newly_opened:
            result.opened += 1
        else:
            result.added_to += 1
    return result
