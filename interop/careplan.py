"""The recovery plan of a procedure as a CarePlan; its activities are the reminders."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.timing import Timing

from recovery.models import Procedure

from .elements import code_label, latest_of, meta_for, project_coding, ref
from .selectors import REMINDER_CHANGE_FIELDS

# Reminder status (PROTOCOL.md section 5) -> CarePlan.activity.detail.status.
ACTIVITY_STATUS = {
    "scheduled": "scheduled",
    "sent": "completed",
    "skipped": "cancelled",
    "failed": "stopped",
    "cancelled": "cancelled",
}
ACTIVITY_STATUS_REASON = {
    "skipped": "Not sent: the patient had already checked in that day.",
    "failed": "The reminder could not be delivered.",
    "cancelled": "Replaced by a newer plan or a change to the procedure.",
}


def _reminder_activity(reminder: Any) -> CarePlanActivity:
    kind = reminder.kind
    title = getattr(reminder, "title", None) or code_label(kind)
    reason = ACTIVITY_STATUS_REASON.get(reminder.status)
    return CarePlanActivity(
        detail=CarePlanActivityDetail(
            # A reminder is a message to the patient.
            kind="CommunicationRequest",
            code=CodeableConcept(
                coding=[project_coding("reminder-kind", kind, code_label(kind))], text=title
            ),
            status=ACTIVITY_STATUS.get(reminder.status, "unknown"),
            statusReason=CodeableConcept(text=reason) if reason else None,
            scheduledTiming=Timing(event=[reminder.due_at]),
            description=title,
        )
    )


def careplan_resource(
    procedure: Procedure, reminders: list[Any], *, latest: bool, replaces: Procedure | None
) -> CarePlan:
    """The recovery plan of one procedure; its activities are that procedure's reminders."""
    statuses = {r.status for r in reminders}
    if latest:
        status = "completed" if reminders and "scheduled" not in statuses else "active"
    else:
        # A newer procedure cancels the unsent reminders of older ones (PROTOCOL.md 5).
        status = "revoked" if statuses & {"scheduled", "cancelled"} else "completed"
    levels = ", ".join(procedure.vertebral_levels or [])
    until: date = procedure.lifting_restriction_until
    # The plan changes with its procedure and with each of its reminders.
    last_updated = latest_of(
        procedure.updated_at,
        *(getattr(r, name, None) for r in reminders for name in REMINDER_CHANGE_FIELDS),
    )
    return CarePlan(
        id=f"plan-{procedure.pk}",
        meta=meta_for(last_updated),
        status=status,
        intent="plan",
        title=f"Recovery plan after {procedure.procedure_type} {levels}".strip(),
        description=f"No heavy lifting until {until.isoformat()}.",
        subject=ref("Patient", procedure.patient_id),
        period=Period(start=procedure.performed_on),
        created=procedure.created_at,
        supportingInfo=[ref("Procedure", procedure.pk)],
        replaces=[ref("CarePlan", f"plan-{replaces.pk}")] if replaces else None,
        activity=[_reminder_activity(r) for r in reminders] or None,
    )
