"""The worklist and the indicators in SQL, generated from the tables in pathway.py.

pathway.py stays the one place the rules are written; each expression here is read off a
Milestone (completed_by, requires, needs_medicine, earliest_day, its team's window) or an
Indicator (window_days, excludes_no_medicine, also), never typed out again. Computing them in
Python took a second for 10,000 patients, most of it building model instances to read ten
dates (issue 17); here PostgreSQL computes them in one pass and returns only a page of
rows, or eight counts. tests/bonehealth/test_pathway_sql.py holds both equal to pathway.py.

Every statement starts from `facts`: one row per patient in the scope with a procedure, their
local today, index date, on-pathway test and the record's fields (NULL without a record, as
an unsaved record's). Codes and dates are parameters; column names and day counts come from
the tables above, never from a request.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from recovery.choices import Cause
from recovery.models import Patient

from . import pathway
from .choices import NO_MEDICINE, PathwayOverride

Sql = tuple[str, list]

# The record's columns the tables read, in a stable order.
RECORD_FIELDS = tuple(
    sorted(
        {name for m in pathway.MILESTONES for name in m.completed_by}
        | {m.requires for m in pathway.MILESTONES if m.requires}
        | {i.also.field for i in pathway.INDICATORS if i.also}
        | {"treatment"}
    )
)


PATIENT_FIELDS = ("id", "first_name", "last_name", "team_id", "timezone", "has_osteoporosis")


def facts(scope: QuerySet[Patient], *, now: datetime) -> Sql:
    """The patients of `scope` that have a procedure, with what the pathway reads.

    The latest procedure is one LATERAL probe of its (patient, -performed_on, -id) index;
    local today is Patient.local_today (the zone names are IANA's in both); on_pathway is
    pathway.is_on_pathway."""
    try:
        scope_sql, scope_params = scope.values(*PATIENT_FIELDS).query.sql_with_params()
    except EmptyResultSet:  # .none(): not a clinician
        scope_sql, scope_params = (
            f"SELECT {', '.join(PATIENT_FIELDS)} FROM recovery_patient WHERE false",  # noqa: S608
            [],
        )
    record = ", ".join(f"r.{name}" for name in RECORD_FIELDS)
    sql = f"""
        SELECT p.id, p.first_name, p.last_name, p.team_id,
               (%s::timestamptz AT TIME ZONE p.timezone)::date AS today,
               COALESCE(latest.fracture_date, latest.performed_on) AS index_on,
               CASE r.pathway_override WHEN %s THEN true WHEN %s THEN false
                    ELSE latest.cause = %s OR p.has_osteoporosis END AS on_pathway,
               COALESCE(r.treatment = ANY(%s), false) AS no_medicine,
               {record}
        FROM ({scope_sql}) p
        CROSS JOIN LATERAL (
            SELECT fracture_date, performed_on, cause FROM recovery_procedure
            WHERE patient_id = p.id ORDER BY performed_on DESC, id DESC LIMIT 1
        ) latest
        LEFT JOIN bonehealth_bonehealthrecord r ON r.patient_id = p.id"""  # noqa: S608
    params = [
        now,
        PathwayOverride.ON.value,
        PathwayOverride.OFF.value,
        Cause.OSTEOPOROSIS.value,
        sorted(NO_MEDICINE),
        *scope_params,
    ]
    return sql, params


def completed_on(milestone: pathway.Milestone) -> str:
    """pathway.completed_on: the earliest of its dates on or after the earliest day."""
    if milestone.earliest_day is not None:
        earliest = f"f.index_on + {int(milestone.earliest_day)}"
    else:
        earliest = f"f.index_on - {int(pathway.LOOKBACK_DAYS)}"
    dates = [
        f"CASE WHEN f.{name} >= {earliest} THEN f.{name} END" for name in milestone.completed_by
    ]
    done = dates[0] if len(dates) == 1 else f"LEAST({', '.join(dates)})"  # LEAST skips NULLs
    if milestone.requires:
        done = f"CASE WHEN f.{milestone.requires} IS NOT NULL THEN {done} END"
    return done


def window(milestone: pathway.Milestone, team_windows: dict[int, dict[str, int]]) -> Sql:
    """The milestone's window in days for the row's team: a CASE on the teams that differ
    from the default (the clinician's teams are few), else the default itself."""
    overrides = {
        team: windows[milestone.code]
        for team, windows in sorted(team_windows.items())
        if windows[milestone.code] != milestone.due_days
    }
    if not overrides:
        return str(int(milestone.due_days)), []
    whens = " ".join("WHEN %s THEN %s" for _ in overrides)
    params = [value for pair in overrides.items() for value in pair]
    return f"(CASE f.team_id {whens} ELSE {int(milestone.due_days)} END)", params


def due_on(milestone: pathway.Milestone, team_windows: dict[int, dict[str, int]]) -> Sql:
    """The due date, NULL where the milestone does not apply for want of a medicine."""
    days, params = window(milestone, team_windows)
    due = f"(f.index_on + {days})"
    if milestone.needs_medicine:
        due = f"(CASE WHEN f.no_medicine THEN NULL ELSE {due} END)"
    return due, params


def overdue(facts_sql: Sql, team_windows: dict[int, dict[str, int]]) -> Sql:
    """The worklist's patients (`late`): the on-pathway ones, with late_0 ... late_7 each
    milestone's days overdue in pathway.MILESTONES order, NULL unless overdue (applicable,
    not completed, due before today: pathway.milestone_states). Both are materialized: `f`
    so that each patient's today is computed once, not once per milestone, `late` so that
    the page's eight SELECTs read it eight times without computing it again."""
    columns, params = [], []
    for milestone in pathway.MILESTONES:
        due, due_params = due_on(milestone, team_windows)
        done = completed_on(milestone)
        columns.append(f"CASE WHEN {done} IS NULL AND f.today > {due} THEN f.today - {due} END")
        params += due_params * 2
    late = ", ".join(f"{column} AS late_{k}" for k, column in enumerate(columns))
    sql = f"""
        WITH f AS MATERIALIZED ({facts_sql[0]}),
        late AS MATERIALIZED (
            SELECT f.id, f.first_name, f.last_name, f.today, {late} FROM f WHERE f.on_pathway
        )"""  # noqa: S608 - column names and day counts from pathway.py
    return sql, [*facts_sql[1], *params]


LATE = ", ".join(f"late_{k}" for k in range(len(pathway.MILESTONES)))
# How many overdue milestones: the non-NULL late_k of each patient, no rows made.
COUNT = f"SELECT COALESCE(sum(num_nonnulls({LATE})), 0)::integer FROM late"  # noqa: S608


def worklist_count(late: Sql) -> Sql:
    return f"{late[0]} {COUNT}", late[1]


def worklist_page(late: Sql, *, offset: int, limit: int | None) -> Sql:
    """One row per overdue milestone, in the worklist's order: most overdue first, then last
    name (code-point order, as Python's sort), patient, pathway order. A UNION ALL of one
    SELECT per milestone over the materialized `late`: a third of the time of a LATERAL
    VALUES or unnest() unpivot, which re-run per patient (issue 17)."""
    select = "SELECT id, first_name, last_name, {k} AS ord, today - late_{k}, late_{k} AS days"
    per_milestone = " UNION ALL ".join(
        select.format(k=k) + f" FROM late WHERE late_{k} IS NOT NULL"  # noqa: S608
        for k in range(len(pathway.MILESTONES))
    )
    # The count beside each row, for the paginator (api.py): one scan of `late`, cheaper than
    # count(*) OVER (), which keeps every row before the sort.
    sql = f"""{late[0]}
        SELECT *, ({COUNT}) FROM ({per_milestone}) AS overdue
        ORDER BY days DESC, last_name COLLATE "C", id, ord
        LIMIT %s OFFSET %s"""  # noqa: S608 - generated above
    return sql, [*late[1], limit, offset]  # LIMIT NULL: all of them


def indicator_counts(facts_sql: Sql, *, start: date, end: date) -> Sql:
    """One row: the on-pathway patients with an index date in [start, end), then each
    indicator's numerator and denominator (pathway.indicator_outcome), in INDICATORS order."""
    columns, params = ["count(*)"], []
    for indicator in pathway.INDICATORS:
        milestone = pathway.MILESTONES_BY_CODE[indicator.milestone]
        due = f"f.index_on + {int(indicator.window_days)}"
        met = f"{completed_on(milestone)} <= {due}"  # NULL (not met) when not completed
        met_params = []
        if indicator.also is not None:
            met += f" AND f.{indicator.also.field} = ANY(%s)"
            met_params = [list(indicator.also.values)]
        counted = f"({met}) OR f.today > {due}"
        counted_params = list(met_params)
        if indicator.excludes_no_medicine:
            met, counted = f"NOT f.no_medicine AND {met}", f"NOT f.no_medicine AND ({counted})"
        columns += [f"count(*) FILTER (WHERE {met})", f"count(*) FILTER (WHERE {counted})"]
        params += met_params + counted_params
    sql = f"""
        SELECT {", ".join(columns)}
        FROM ({facts_sql[0]}) f
        WHERE f.on_pathway AND f.index_on >= %s AND f.index_on < %s"""  # noqa: S608
    return sql, [*params, *facts_sql[1], start, end]  # in the order they appear
