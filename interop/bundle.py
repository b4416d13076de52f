"""The recovery record as FHIR R4 resources, built with fhir.resources' R4B models.

R4B reads and writes R4 for every resource used here (Patient, Procedure, Observation, Flag,
CarePlan, Bundle, OperationOutcome, CodeSystem). Building through the models, not through
dicts, means a missing required element or a wrong type fails here, not in the EHR.

This module gathers Patient/$everything into one Bundle and serves our CodeSystems and the
OperationOutcome of an error; each resource is built by the module named for it
(people, procedures, observations, careplan, bone_health; elements holds the shared pieces).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.codesystem import CodeSystem, CodeSystemConcept
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.resource import Resource

from recovery.choices import Cause, Severity, Symptom
from recovery.models import Procedure
from recovery.rules import RULES_BY_CODE
from reminders.plan import Kind as ReminderKind

from . import codes
from .bone_health import bone_health_resources
from .careplan import careplan_resource
from .elements import code_label, ref
from .observations import alert_flag, checkin_observations
from .people import patient_resource, related_person_resource
from .procedures import procedure_resource
from .selectors import PatientRecord


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
        performer = ref("RelatedPerson", link.pk) if link is not None else None
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
        "alert-rule": [(code, code_label(code)) for code in RULES_BY_CODE],
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
