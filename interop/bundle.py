"""The recovery record as FHIR R4 resources, built with fhir.resources' R4B models.

R4B reads and writes R4 for every resource used here (Patient, Procedure, Observation, Flag,
CarePlan, Bundle, OperationOutcome, CodeSystem). Building through the models, not through
dicts, means a missing required element or a wrong type fails here, not in the EHR.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.codesystem import CodeSystem, CodeSystemConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.procedure import Procedure as FhirProcedure
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.relatedperson import RelatedPerson
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.timing import Timing

from recovery.choices import VERTEBRAL_LEVELS, AlertStatus, Cause, Severity, Symptom
from recovery.models import Alert, CheckIn, Patient, Procedure
from recovery.rules import RULES_BY_CODE
from reminders.plan import Kind as ReminderKind

from . import codes
from .selectors import REMINDER_CHANGE_FIELDS, PatientRecord

# --- Procedure codes -----------------------------------------------------------------------

_SPINE_ORDER = {level: i for i, level in enumerate(VERTEBRAL_LEVELS)}


def procedure_cpt_codes(procedure_type: str, levels: Iterable[str]) -> list[tuple[str, int]]:
    """(CPT code, units) for a procedure (API.md Codes); [] when no CPT code fits.

    CPT reports a session as one first-level code for the region plus one add-on code per
    further level. The first level is the most cranial one, a convention: CPT does not say
    which level of a multi-region session is "first".
    """
    ordered = sorted(set(levels), key=lambda level: _SPINE_ORDER.get(level, len(_SPINE_ORDER)))
    if not ordered:
        return []
    regions = [level[:1] for level in ordered]
    extra = len(ordered) - 1
    if procedure_type == "vertebroplasty":
        # 22510 cervicothoracic, 22511 lumbosacral, +22512 each additional level.
        first = (
            codes.CPT_VERTEBROPLASTY_CERVICOTHORACIC
            if regions[0] in {"C", "T"}
            else codes.CPT_VERTEBROPLASTY_LUMBOSACRAL
        )
        additional = codes.CPT_VERTEBROPLASTY_ADDITIONAL
    elif procedure_type == "kyphoplasty":
        # 22513 thoracic, 22514 lumbar, +22515 each additional level. No code fits a cervical
        # or sacral kyphoplasty (API.md): any such level leaves the whole session text only,
        # since a code for part of it would describe a different procedure.
        if any(region not in {"T", "L"} for region in regions):
            return []
        first = (
            codes.CPT_KYPHOPLASTY_THORACIC if regions[0] == "T" else codes.CPT_KYPHOPLASTY_LUMBAR
        )
        additional = codes.CPT_KYPHOPLASTY_ADDITIONAL
    else:
        return []
    result = [(first, 1)]
    if extra:
        result.append((additional, extra))
    return result


# --- Helpers -------------------------------------------------------------------------------


def _ref(resource_type: str, pk: Any) -> Reference:
    return Reference(reference=f"{resource_type}/{pk}")


def _project_coding(system: str, code: str, display: str | None = None) -> Coding:
    return Coding(system=codes.project_system(system), code=code, display=display)


def _label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _fhir_id(value: str) -> str:
    # FHIR ids allow letters, digits, "-" and "."; our codes use "_".
    return value.replace("_", "-")


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if isinstance(v, datetime)]
    return max(present) if present else None


def _meta(last_updated: datetime | None) -> Meta | None:
    return Meta(lastUpdated=last_updated) if last_updated else None


# --- Resources -----------------------------------------------------------------------------


def patient_resource(patient: Patient) -> FhirPatient:
    # Patient has no change timestamp in our model, so no meta.lastUpdated (see views._since).
    return FhirPatient(
        id=str(patient.pk),
        active=True,
        name=[HumanName(use="official", family=patient.last_name, given=[patient.first_name])],
        birthDate=patient.date_of_birth,
        telecom=[ContactPoint(system="email", value=patient.user.email, use="home")],
        managingOrganization=Reference(display=patient.team.name),
        # A discharge for "deceased" (recovery/lifecycle.py); otherwise unknown, so absent.
        deceasedBoolean=True if patient.discharge_reason == "deceased" else None,
    )


def procedure_resource(procedure: Procedure) -> FhirProcedure:
    levels = sorted(
        procedure.vertebral_levels or [],
        key=lambda level: _SPINE_ORDER.get(level, len(_SPINE_ORDER)),
    )
    cpt = procedure_cpt_codes(procedure.procedure_type, levels)
    text = f"{procedure.get_procedure_type_display()} {', '.join(levels)}".strip()
    if cpt:
        text += " (CPT " + " + ".join(f"{c}" if n == 1 else f"{c} x{n}" for c, n in cpt) + ")"
    code = CodeableConcept(
        # A multi-level session carries its first-level code and the add-on code: together
        # they are how CPT names it; the units are in the text.
        coding=[Coding(system=codes.CPT, code=c, display=codes.CPT_DISPLAY[c]) for c, _ in cpt]
        or None,
        text=text,
    )
    cause = procedure.cause
    return FhirProcedure(
        id=str(procedure.pk),
        meta=_meta(procedure.updated_at),
        status="completed",
        code=code,
        subject=_ref("Patient", procedure.patient_id),
        # A date: the procedure's time of day is not recorded.
        performedDateTime=procedure.performed_on,
        bodySite=[CodeableConcept(text=level) for level in levels] or None,
        reasonCode=[
            CodeableConcept(
                coding=[_project_coding("procedure-cause", cause, Cause(cause).label)],
                text=f"Vertebral fracture, cause: {cause}",
            )
        ],
    )


def related_person_resource(link: Any) -> RelatedPerson:
    """A caregiver (caregivers.CareLink) as the patient's RelatedPerson."""
    return RelatedPerson(
        id=str(link.pk),
        active=link.status == "active",
        patient=_ref("Patient", link.patient_id),
        relationship=[CodeableConcept(text=link.relationship)] if link.relationship else None,
        name=[HumanName(text=link.name)],
        telecom=[ContactPoint(system="email", value=link.email, use="home")],
    )


def checkin_observations(
    checkin: CheckIn, *, performer: Reference | None = None
) -> list[Observation]:
    """A check-in as Observations: pain always, temperature when given, one per symptom.

    `performer`: the caregiver's RelatedPerson when a caregiver entered it, else the patient.
    """
    common = {
        "status": "final",
        "subject": _ref("Patient", checkin.patient_id),
        # Self-reported through the app, by the patient or by their caregiver for them.
        "performer": [performer or _ref("Patient", checkin.patient_id)],
        "effectiveDateTime": checkin.recorded_at,
        "issued": checkin.received_at,
        "meta": _meta(checkin.received_at),
    }
    survey = [CodeableConcept(coding=[Coding(system=codes.OBSERVATION_CATEGORY, code="survey")])]
    observations = [
        Observation(
            id=f"{checkin.pk}-pain",
            category=survey,
            code=CodeableConcept(
                coding=[
                    Coding(
                        system=codes.LOINC,
                        code=codes.LOINC_PAIN_SEVERITY,
                        display=codes.LOINC_PAIN_SEVERITY_DISPLAY,
                    )
                ],
                text="Pain score (0-10)",
            ),
            valueInteger=checkin.pain_score,
            note=[{"text": checkin.notes}] if checkin.notes else None,
            **common,
        )
    ]
    if checkin.temperature_c is not None:
        observations.append(
            Observation(
                id=f"{checkin.pk}-temperature",
                category=[
                    CodeableConcept(
                        coding=[Coding(system=codes.OBSERVATION_CATEGORY, code="vital-signs")]
                    )
                ],
                code=CodeableConcept(
                    coding=[
                        Coding(
                            system=codes.LOINC,
                            code=codes.LOINC_BODY_TEMPERATURE,
                            display=codes.LOINC_BODY_TEMPERATURE_DISPLAY,
                        )
                    ],
                    text="Body temperature",
                ),
                valueQuantity=Quantity(
                    value=round(checkin.temperature_c, 1),
                    unit=codes.UCUM_CELSIUS,
                    system=codes.UCUM,
                    code=codes.UCUM_CELSIUS,
                ),
                **common,
            )
        )
    for symptom in sorted(set(checkin.symptoms or [])):
        label = Symptom(symptom).label if symptom in Symptom.values else _label(symptom)
        observations.append(
            Observation(
                id=f"{checkin.pk}-{_fhir_id(symptom)}",
                category=survey,
                code=CodeableConcept(
                    coding=[_project_coding("symptom", symptom, label)], text=label
                ),
                # Present: the patient ticked it. Absent symptoms are not exported.
                valueBoolean=True,
                **common,
            )
        )
    return observations


FLAG_STATUS = {
    AlertStatus.OPEN: "active",
    AlertStatus.ACKNOWLEDGED: "active",
    AlertStatus.RESOLVED: "inactive",
}


def alert_flag(alert: Alert) -> Flag:
    return Flag(
        id=str(alert.pk),
        meta=_meta(
            _latest(
                alert.created_at,
                alert.last_triggered_at,
                alert.acknowledged_at,
                alert.resolved_at,
            )
        ),
        status=FLAG_STATUS[alert.status],
        category=[
            CodeableConcept(coding=[Coding(system=codes.FLAG_CATEGORY, code="clinical")]),
            CodeableConcept(
                coding=[_project_coding("alert-severity", alert.severity, _label(alert.severity))],
                text=alert.severity,
            ),
        ],
        code=CodeableConcept(
            coding=[_project_coding("alert-rule", alert.rule, _label(alert.rule))],
            text=alert.rule,
        ),
        subject=_ref("Patient", alert.patient_id),
        period=Period(start=alert.created_at, end=alert.resolved_at),
    )


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
    title = getattr(reminder, "title", None) or _label(kind)
    reason = ACTIVITY_STATUS_REASON.get(reminder.status)
    return CarePlanActivity(
        detail=CarePlanActivityDetail(
            # A reminder is a message to the patient.
            kind="CommunicationRequest",
            code=CodeableConcept(
                coding=[_project_coding("reminder-kind", kind, _label(kind))], text=title
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
    last_updated = _latest(
        procedure.updated_at,
        *(getattr(r, name, None) for r in reminders for name in REMINDER_CHANGE_FIELDS),
    )
    return CarePlan(
        id=f"plan-{procedure.pk}",
        meta=_meta(last_updated),
        status=status,
        intent="plan",
        title=f"Recovery plan after {procedure.procedure_type} {levels}".strip(),
        description=f"No heavy lifting until {until.isoformat()}.",
        subject=_ref("Patient", procedure.patient_id),
        period=Period(start=procedure.performed_on),
        created=procedure.created_at,
        supportingInfo=[_ref("Procedure", procedure.pk)],
        replaces=[_ref("CarePlan", f"plan-{replaces.pk}")] if replaces else None,
        activity=[_reminder_activity(r) for r in reminders] or None,
    )


# --- Bone health (PROTOCOL.md section 6), by text only (interop/codes.py says why) --------

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
        meta=_meta(record.updated_at) if record.pk else None,
        status="active" if view.on_pathway else "revoked",
        intent="plan",
        title="Bone health after the fracture (fracture-liaison pathway)",
        description=(
            f"Index date {view.index_date.isoformat()}."
            if view.index_date
            else "No index date: no procedure recorded."
        ),
        subject=_ref("Patient", view.patient.pk),
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
        meta=_meta(record.updated_at),
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
        subject=_ref("Patient", view.patient.pk),
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
        meta=_meta(record.updated_at),
        status=status,
        statusReason=[CodeableConcept(text=reason)] if reason else None,
        medicationCodeableConcept=medication,
        subject=_ref("Patient", view.patient.pk),
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


# --- The bundle ----------------------------------------------------------------------------


def _full_url(resource: Resource) -> str:
    return f"{settings.SITE_URL}/fhir/{resource.get_resource_type()}/{resource.id}"


def everything_bundle(record: PatientRecord, *, self_url: str) -> Bundle:
    """Patient/$everything as a searchset: the patient matches, the rest is included."""
    resources: list[tuple[Resource, str]] = [(patient_resource(record.patient), "match")]
    for procedure in record.procedures:
        if procedure.pk in record.changed_procedure_ids:
            resources.append((procedure_resource(procedure), "include"))
    for link in record.related_people.values():
        resources.append((related_person_resource(link), "include"))
    for checkin in record.checkins:
        link = record.related_people.get(checkin.entered_by_id)
        performer = _ref("RelatedPerson", link.pk) if link is not None else None
        resources.extend(
            (obs, "include") for obs in checkin_observations(checkin, performer=performer)
        )
    resources.extend((alert_flag(alert), "include") for alert in record.alerts)
    previous: Procedure | None = None
    latest = record.procedures[-1] if record.procedures else None
    for procedure in record.procedures:
        if procedure.pk in record.plans:
            careplan = careplan_resource(
                procedure,
                record.plans[procedure.pk],
                latest=procedure is latest,
                replaces=previous,
            )
            resources.append((careplan, "include"))
        previous = procedure
    resources.extend((r, "include") for r in bone_health_resources(record.bone_health))
    return Bundle(
        type="searchset",
        timestamp=timezone.now(),
        total=len(resources),
        link=[BundleLink(relation="self", url=self_url)],
        entry=[
            BundleEntry(
                fullUrl=_full_url(resource),
                resource=resource,
                search=BundleEntrySearch(mode=mode),
            )
            for resource, mode in resources
        ],
    )


# --- Code systems and errors ---------------------------------------------------------------


def _reminder_kinds() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in ReminderKind.choices]


def code_system(name: str) -> CodeSystem | None:
    """One of our code systems (codes.SYSTEM_NAMES), so their URLs resolve to their content."""
    concepts: list[tuple[str, str]] = {
        "symptom": list(Symptom.choices),
        "alert-rule": [(code, _label(code)) for code in RULES_BY_CODE],
        "alert-severity": list(Severity.choices),
        "procedure-cause": list(Cause.choices),
        "reminder-kind": _reminder_kinds(),
    }.get(name)
    if concepts is None:
        return None
    return CodeSystem(
        id=name,
        url=codes.project_system(name),
        name="".join(part.capitalize() for part in name.split("-")),
        title=f"Recovery tracker {name.replace('-', ' ')} codes",
        status="active",
        content="complete",
        caseSensitive=True,
        count=len(concepts),
        concept=[CodeSystemConcept(code=code, display=display) for code, display in concepts]
        or None,
    )


# FHIR issue type per HTTP status (http://hl7.org/fhir/issue-type).
ISSUE_CODE = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    413: "too-long",
    429: "throttled",
}


def operation_outcome(status_code: int, message: str, *, expression: str | None = None) -> dict:
    outcome = OperationOutcome(
        issue=[
            OperationOutcomeIssue(
                severity="error",
                code=ISSUE_CODE.get(status_code, "exception"),
                diagnostics=message,
                expression=[expression] if expression else None,
            )
        ]
    )
    return outcome.model_dump(mode="json")
