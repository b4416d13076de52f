"""Reads of the pathway, scoped to the caller's patients (recovery.selectors.patients_for).

One patient (bone_health_get) is read with their team, record and three values of their latest
procedure, and their statuses computed in Python (pathway.py). The worklist and the indicators
cover thousands of patients: PostgreSQL computes them (pathway_sql.py, generated from the same
tables), and only a page of rows or the counts come back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from recovery.choices import PatientStatus
from recovery.models import Patient, Procedure
from recovery.selectors import patients_for, teams_for

from . import pathway, pathway_sql
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


class Worklist:
    """The overdue rows, read lazily so that only a page comes to Python: a slice is one
    LIMIT/OFFSET query whose rows also carry the whole count (a window count), len() is that
    count (or a COUNT query when no page was read), iterating reads them all (the dashboard).
    Each query repeats the whole computation; they share one `now`, so they agree."""

    def __init__(self, late: pathway_sql.Sql) -> None:
        self.late = late
        self._count: int | None = None
        self._page: tuple[int, int | None, list[WorklistRow]] | None = None

    def page(self, *, offset: int, limit: int | None) -> list[WorklistRow]:
        """Rows offset to offset + limit (to the end if None), remembered with the count."""
        if self._page is not None and self._page[:2] == (offset, limit):
            return self._page[2]
        with connection.cursor() as cursor:
            cursor.execute(*pathway_sql.worklist_page(self.late, offset=offset, limit=limit))
            found = cursor.fetchall()
        rows = [
            WorklistRow(
                patient=pk,
                first_name=first,
                last_name=last,
                milestone=pathway.MILESTONES[ord_].code,
                due_on=due_on,
                days_overdue=days,
            )
            for pk, first, last, ord_, due_on, days, _count in found
        ]
        if found:
            self._count = found[0][-1]
        elif offset == 0:
            self._count = 0
        self._page = (offset, limit, rows)
        return rows

    def count(self) -> int:
        if self._count is None:
            with connection.cursor() as cursor:
                cursor.execute(*pathway_sql.worklist_count(self.late))
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[WorklistRow]:
        return iter(self.page(offset=0, limit=None))

    def __getitem__(self, index: int | slice):
        cached = self._page
        if cached and cached[:2] == (0, None):  # all of them read already
            return cached[2][index]
        start = index.start or 0 if isinstance(index, slice) else -1
        if start < 0 or index.step not in (None, 1) or (index.stop or start) < start:
            return self.page(offset=0, limit=None)[index]  # an index, a step, from the end
        limit = None if index.stop is None else index.stop - start
        if cached and cached[0] == start and None not in (limit, cached[1]) and limit <= cached[1]:
            return cached[2][:limit]  # the paginator's page, cut at the count it learnt from it
        return self.page(offset=start, limit=limit)


def worklist_in_python(patients: QuerySet[Patient]) -> list[WorklistRow]:
    """The worklist patient by patient from pathway.py: the reference the SQL is tested
    against, and what the SQLite demo runs (pathway_sql.py is PostgreSQL's dialect)."""
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


def worklist_for(user: User, *, team_id: int | None = None) -> Worklist | list[WorklistRow]:
    """One row per overdue milestone, most overdue first (then by last name, patient and
    pathway order), each milestone due by its team's window.

    Two queries however many patients: the caller's teams (their windows), then, when read,
    the rows in SQL (pathway_sql.py): a count and a page, or all of them."""
    patients = worklist_patients_for(user)
    if team_id is not None:
        patients = patients.filter(team_id=team_id)
    if connection.vendor != "postgresql":
        return worklist_in_python(patients)
    team_windows = {
        team.pk: pathway.windows_for(team.rule_settings)
        for team in teams_for(user).only("pk", "rule_settings")
    }
    facts = pathway_sql.facts(patients, now=timezone.now())
    return Worklist(pathway_sql.overdue(facts, team_windows))


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
    on-pathway patients with an index date in [start, end). One query: the counts, in SQL
    (pathway_sql.py); the published windows, whatever a team sets."""
    patients = Patient.objects.filter(team__in=teams_for(user))
    if team_id is not None:
        patients = patients.filter(team_id=team_id)
    if connection.vendor != "postgresql":
        total, counts = indicator_counts_in_python(patients, start=start, end=end)
    else:
        facts = pathway_sql.facts(patients, now=timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(*pathway_sql.indicator_counts(facts, start=start, end=end))
            total, *counts = cursor.fetchone()
    return Indicators(
        start=start,
        end=end,
        patients=total,
        figures=[
            IndicatorFigure(indicator.code, counts[2 * i], counts[2 * i + 1])
            for i, indicator in enumerate(pathway.INDICATORS)
        ],
    )


def indicator_counts_in_python(
    patients: QuerySet[Patient], *, start: date, end: date
) -> tuple[int, list[int]]:
    """The patient total and each indicator's numerator and denominator, in INDICATORS order,
    patient by patient: the reference of pathway_sql.indicator_counts (and SQLite's)."""
    counts = [0] * (2 * len(pathway.INDICATORS))
    total = 0
    for patient in _with_pathway_facts(patients).filter(index_on__gte=start, index_on__lt=end):
        view = pathway_view(patient)
        if not view.on_pathway:
            continue
        total += 1
        for i, indicator in enumerate(pathway.INDICATORS):
            counted, met = pathway.indicator_outcome(
                indicator, record=view.record, index=view.index_date, today=view.today
            )
            counts[2 * i] += met
            counts[2 * i + 1] += counted
    return total, counts
