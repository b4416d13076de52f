"""Reads of the pathway, scoped to the caller's patients (recovery.selectors.patients_for).

Each read is one query however many patients it covers: the patients with their team, their
bone-health record (a LEFT JOIN) and three values of their latest procedure (subqueries); the
statuses are then computed in Python from the pathway table (pathway.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from recovery.choices import PatientStatus
from recovery.models import Patient, Procedure
from recovery.selectors import patients_for, teams_for

from . import pathway
from .models import BoneHealthChange, BoneHealthRecord


def _with_pathway_facts(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Patients with what the pathway needs, in the one query that reads them."""
    latest = Procedure.objects.filter(patient=OuterRef("pk")).order_by("-performed_on", "-id")
    return patients.select_related("team", "bone_health").annotate(
        latest_cause=Subquery(latest.values("cause")[:1]),
        index_on=Coalesce(
            Subquery(latest.values("fracture_date")[:1]),
            Subquery(latest.values("performed_on")[:1]),
        ),
    )


@dataclass
class PathwayView:
    """One patient's record and where they stand on the pathway today."""

    patient: Patient
    record: BoneHealthRecord  # unsaved (all empty) until the first change
    on_pathway: bool
    index_date: date | None
    today: date
    milestones: list[pathway.MilestoneState]


def record_of(patient: Patient) -> BoneHealthRecord:
    try:
        return patient.bone_health
    except BoneHealthRecord.DoesNotExist:
        return BoneHealthRecord(patient=patient)


def pathway_view(patient: Patient, *, today: date | None = None) -> PathwayView:
    """From a patient read through _with_pathway_facts."""
    record = record_of(patient)
    on_pathway = pathway.is_on_pathway(
        override=record.pathway_override,
        cause=patient.latest_cause,
        has_osteoporosis=patient.has_osteoporosis,
    )
    today = today or patient.local_today()
    index = patient.index_on
    return PathwayView(
        patient=patient,
        record=record,
        on_pathway=on_pathway,
        index_date=index,
        today=today,
        milestones=pathway.milestone_states(
            record=record,
            on_pathway=on_pathway,
            index=index,
            today=today,
            windows=pathway.windows_for(patient.team.rule_settings),
        ),
    )


def bone_health_get(user: User, *, patient_id: int) -> PathwayView:
    """Raises Patient.DoesNotExist outside the caller's scope."""
    return pathway_view(_with_pathway_facts(patients_for(user)).get(pk=patient_id))


def bone_health_changes(record: BoneHealthRecord) -> QuerySet[BoneHealthChange]:
    if record.pk is None:
        return BoneHealthChange.objects.none()
    return record.changes.select_related("actor").order_by("-at", "-id")


# --- The worklist --------------------------------------------------------------------------


@dataclass(frozen=True)
class WorklistRow:
    patient: int
    first_name: str
    last_name: str
    milestone: str
    due_on: date
    days_overdue: int


def worklist_patients_for(user: User) -> QuerySet[Patient]:
    """The patients the worklist looks at: active ones (API.md: "not discharged"). The
    indicators keep discharged and deceased patients: they audit the service."""
    if not user.is_clinician:
        return Patient.objects.none()
    return patients_for(user).filter(status=PatientStatus.ACTIVE)


def worklist_for(user: User, *, team_id: int | None = None) -> list[WorklistRow]:
    """One row per overdue milestone, most overdue first (then by patient and pathway order).

    One query: the patients with their facts (_with_pathway_facts)."""
    patients = worklist_patients_for(user)
    if team_id is not None:
        patients = patients.filter(team_id=team_id)
    order = {m.code: i for i, m in enumerate(pathway.MILESTONES)}
    rows = []
    for patient in _with_pathway_facts(patients).filter(index_on__isnull=False):
        view = pathway_view(patient)
        rows.extend(
            WorklistRow(
                patient=patient.pk,
                first_name=patient.first_name,
                last_name=patient.last_name,
                milestone=state.code,
                due_on=state.due_on,
                days_overdue=state.days_overdue(view.today),
            )
            for state in view.milestones
            if state.status == pathway.MilestoneStatus.OVERDUE
        )
    rows.sort(key=lambda r: (-r.days_overdue, r.last_name, r.patient, order[r.milestone]))
    return rows


# --- The indicators ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorFigure:
    code: str
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return pathway.percent(self.numerator, self.denominator)

    @property
    def band(self) -> str | None:
        return pathway.band(self.numerator, self.denominator)


@dataclass(frozen=True)
class Indicators:
    start: date
    end: date
    patients: int
    figures: list[IndicatorFigure]


def indicators_for(user: User, *, start: date, end: date, team_id: int | None = None) -> Indicators:
    """The seven indicators over the caller's teams (or the one named, if it is theirs), for
    on-pathway patients with an index date in [start, end). One query: the patients."""
    patients = Patient.objects.filter(team__in=teams_for(user))
    if team_id is not None:
        patients = patients.filter(team_id=team_id)
    counts = {i.code: [0, 0] for i in pathway.INDICATORS}
    total = 0
    for patient in _with_pathway_facts(patients).filter(index_on__gte=start, index_on__lt=end):
        record = record_of(patient)
        if not pathway.is_on_pathway(
            override=record.pathway_override,
            cause=patient.latest_cause,
            has_osteoporosis=patient.has_osteoporosis,
        ):
            continue
        total += 1
        today = patient.local_today()
        for indicator in pathway.INDICATORS:
            counted, met = pathway.indicator_outcome(
                indicator, record=record, index=patient.index_on, today=today
            )
            counts[indicator.code][0] += met
            counts[indicator.code][1] += counted
    return Indicators(
        start=start,
        end=end,
        patients=total,
        figures=[IndicatorFigure(code, n, d) for code, (n, d) in counts.items()],
    )
