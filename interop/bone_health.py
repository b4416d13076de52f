"""Bone health (PROTOCOL.md section 6) as FHIR, by text only (interop/codes.py says why):
the pathway as a CarePlan, the DXA scan, the bone-strengthening medicine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.resource import Resource

from . import codes
from .elements import meta_for, ref

# Milestone status (bonehealth.pathway) -> CarePlan.activity.detail.status.
MILESTONE_ACTIVITY_STATUS = {
    "done": "completed",
    "done_late": "completed",
    "due": "scheduled",
    "overdue": "not-started",
    "not_applicable": "cancelled",
}
MILESTONE_STATUS_REASON = {
    "done_late": "Done after its due date.",
    "overdue": "Overdue: not recorded by its due date.",
    "not_applicable": "Not applicable to this patient.",
}


def bone_health_careplan(view: Any) -> CarePlan:
    from bonehealth.pathway import MILESTONES_BY_CODE

    record = view.record
    activities = []
    for state in view.milestones:
        milestone = MILESTONES_BY_CODE[state.code]
        reason = MILESTONE_STATUS_REASON.get(state.status)
        activities.append(
            CarePlanActivity(
                detail=CarePlanActivityDetail(
                    code=CodeableConcept(text=milestone.label),
                    status=MILESTONE_ACTIVITY_STATUS[state.status],
                    statusReason=CodeableConcept(text=reason) if reason else None,
                    scheduledPeriod=Period(end=state.due_on) if state.due_on else None,
                    description=f"{milestone.done_when} ({milestone.source})"
                    + (f"; done {state.done_on.isoformat()}" if state.done_on else ""),
                ),
            )
        )
    return CarePlan(
        id=f"bone-health-{view.patient.pk}",
        meta=meta_for(record.updated_at) if record.pk else None,
        status="active" if view.on_pathway else "revoked",
        intent="plan",
        title="Bone health after the fracture (fracture-liaison pathway)",
        description=(
            f"Index date {view.index_date.isoformat()}."
            if view.index_date
            else "No index date: no procedure recorded."
        ),
        subject=ref("Patient", view.patient.pk),
        period=Period(start=view.index_date) if view.index_date else None,
        activity=activities,
    )


def dxa_observation(view: Any) -> Observation | None:
    record = view.record
    if record.dxa_done_on is None:
        return None
    has_score = record.dxa_lowest_t_score is not None
    return Observation(
        id=f"bone-health-{view.patient.pk}-dxa",
        meta=meta_for(record.updated_at),
        status="final",
        category=[
            CodeableConcept(
                coding=[
                    Coding(
                        system=codes.OBSERVATION_CATEGORY,
                        code=codes.OBSERVATION_CATEGORY_IMAGING,
                    )
                ]
            )
        ],
        code=CodeableConcept(text="DXA scan, lowest T-score"),
        subject=ref("Patient", view.patient.pk),
        effectiveDateTime=record.dxa_done_on.isoformat(),
        valueQuantity=Quantity(value=round(record.dxa_lowest_t_score, 1), unit="T-score")
        if has_score
        else None,
        dataAbsentReason=None if has_score else CodeableConcept(text="T-score not recorded"),
    )


def treatment_statement(view: Any) -> MedicationStatement | None:
    record = view.record
    if record.treatment is None:
        return None
    label = record.get_treatment_display()
    if record.treatment in ("none", "declined"):
        status = "not-taken"
        reason = "Not indicated" if record.treatment == "none" else "Declined by the patient"
        medication = CodeableConcept(text="Bone-strengthening medicine")
    else:
        reason = None
        medication = CodeableConcept(text=label)
        if record.on_treatment_52w is False:
            status = "stopped"
        elif record.treatment_started_on is not None:
            status = "active"
        else:
            status = "intended"
    asserted = record.treatment_recommended_on or record.treatment_started_on
    return MedicationStatement(
        id=f"bone-health-{view.patient.pk}-treatment",
        meta=meta_for(record.updated_at),
        status=status,
        statusReason=[CodeableConcept(text=reason)] if reason else None,
        medicationCodeableConcept=medication,
        subject=ref("Patient", view.patient.pk),
        effectivePeriod=Period(start=record.treatment_started_on)
        if record.treatment_started_on
        else None,
        dateAsserted=datetime.combine(asserted, datetime.min.time(), tzinfo=UTC)
        if asserted
        else None,
        note=[{"text": f"Last dose {record.last_dose_on.isoformat()}"}]
        if record.last_dose_on
        else None,
    )


def bone_health_resources(view: Any) -> list[Resource]:
    if view is None:
        return []
    found = [treatment_statement(view), dxa_observation(view), bone_health_careplan(view)]
    return [resource for resource in found if resource is not None]
