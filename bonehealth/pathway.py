"""The fracture-liaison pathway of PROTOCOL.md section 6, as one declarative table.

Beside the warning-sign rules (recovery/rules.py) and the plan (reminders/plan.py): each
milestone names what completes it (the record's fields), its due window in days after the index
date with its source, and when it applies. The windows are per-team settings
(CareTeam.rule_settings, validated against recovery.rules.SETTING_SPECS, where this app adds
them when it loads); the indicators keep the published windows whatever a team sets.

Everything here is pure: it reads a record's attributes and dates and never the database, so
the single-patient view, the letter and FHIR compute the same statuses from the same few
values. The worklist and the indicators, which cover thousands of patients, ask PostgreSQL in
SQL that pathway_sql.py generates from these same tables; tests/bonehealth/test_pathway_sql.py
holds the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from recovery import rules

from .choices import NO_MEDICINE, Band, MilestoneStatus, PathwayOverride, Treatment

# A recorded date more than this many days before the index date belongs to an earlier
# fracture: it is kept, but completes nothing (PROTOCOL.md section 6).
LOOKBACK_DAYS = 365
# A 52-week review before this day after the index date is kept but does not complete
# `persistence` (weeks 48 to 56: day 336 to day 392).
REVIEW_EARLIEST_DAY = 336


@dataclass(frozen=True)
class Milestone:
    code: str
    label: str  # for people: the dashboard, FHIR's text
    done_when: str  # in words, for the generated docs and the dashboard
    completed_by: tuple[str, ...]  # the record's date fields; the earliest valid one counts
    due_days: int  # default window, days after the index date (inclusive)
    source: str
    applies: str  # in words
    # A record field that must hold a value for the date to count (the decision itself, the
    # answer of the review).
    requires: str | None = None
    # Not applicable once `none` or `declined` is recorded (no medicine to start or take).
    needs_medicine: bool = False
    # The earliest day after the index date on which the date counts.
    earliest_day: int | None = None

    @property
    def setting(self) -> str:
        return f"bone_{self.code}_due_days"


ON_PATHWAY = "every patient on the pathway with an index date"

MILESTONES: tuple[Milestone, ...] = (
    Milestone(
        code="assessment",
        label="Assessment",
        done_when="a bone-health assessment is recorded (fracture risk low, high, very high)",
        completed_by=("assessed_on",),
        due_days=90,
        source="FLS-DB KPI 4 (90 days); IOF 12 weeks",
        applies=ON_PATHWAY,
    ),
    Milestone(
        code="dxa",
        label="DXA scan",
        done_when="a DXA scan is recorded (date, lowest T-score), or marked not needed",
        completed_by=("dxa_done_on", "dxa_not_needed_on"),
        due_days=90,
        source="FLS-DB KPI 5",
        applies=ON_PATHWAY,
    ),
    Milestone(
        code="falls_assessment",
        label="Falls assessment",
        done_when="a falls-risk assessment is recorded",
        completed_by=("falls_assessed_on",),
        due_days=112,
        source="FLS-DB KPI 6; IOF strength and balance within 16 weeks",
        applies=ON_PATHWAY,
    ),
    Milestone(
        code="treatment_decision",
        label="Treatment decision",
        done_when="a treatment is recommended, or none or declined is recorded",
        completed_by=("treatment_recommended_on",),
        requires="treatment",
        due_days=112,
        source="FLS-DB KPI 7",
        applies=ON_PATHWAY,
    ),
    Milestone(
        code="treatment_start",
        label="Treatment start",
        done_when="the treatment's start date is recorded",
        completed_by=("treatment_started_on",),
        due_days=112,
        source="IOF: treatment started within 16 weeks",
        applies=ON_PATHWAY + ", unless none or declined is recorded",
        needs_medicine=True,
    ),
    Milestone(
        code="monitoring",
        label="Monitoring",
        done_when="a follow-up contact is recorded",
        completed_by=("monitored_on",),
        due_days=112,
        source="FLS-DB / IOF: monitored within 16 weeks",
        applies=ON_PATHWAY,
    ),
    Milestone(
        code="persistence",
        label="52-week review",
        done_when="a review from day 336 (week 48) records whether the patient is still on "
        "treatment",
        completed_by=("reviewed_52w_on",),
        requires="on_treatment_52w",
        earliest_day=REVIEW_EARLIEST_DAY,
        due_days=392,
        source="IOF: still on treatment at 52 weeks (review in weeks 48 to 56)",
        applies=ON_PATHWAY + ", unless none or declined is recorded",
        needs_medicine=True,
    ),
    Milestone(
        code="gp_letter",
        label="GP letter",
        done_when="the letter to the patient's primary-care doctor is sent",
        completed_by=("gp_letter_sent_on",),
        due_days=112,
        source="IOF standard 11, communication",
        applies=ON_PATHWAY,
    ),
)

MILESTONES_BY_CODE = {m.code: m for m in MILESTONES}
# What a team may set for each window: at least a day, at most two years; the review window
# cannot close before the review may happen.
WINDOW_SPECS = {m.setting: rules.SettingSpec(m.earliest_day or 1, 730) for m in MILESTONES}
WINDOW_DEFAULTS = {m.setting: m.due_days for m in MILESTONES}


def windows_for(team_settings: dict | None) -> dict[str, int]:
    """The due windows of a team, by milestone code: the defaults with its valid overrides."""
    values = {**WINDOW_DEFAULTS, **rules.valid_overrides(team_settings, WINDOW_DEFAULTS)}
    return {m.code: int(values[m.setting]) for m in MILESTONES}


def is_on_pathway(*, override: str | None, cause: str | None, has_osteoporosis: bool) -> bool:
    """The plan's osteoporosis test (reminders/plan.py), unless a clinician said otherwise."""
    if override == PathwayOverride.ON:
        return True
    if override == PathwayOverride.OFF:
        return False
    return cause == "osteoporosis" or has_osteoporosis


def index_date(*, fracture_date: date | None, performed_on: date | None) -> date | None:
    """The latest procedure's fracture date, or its date when the fracture's is not known."""
    return fracture_date or performed_on


def completed_on(milestone: Milestone, record: Any, index: date) -> date | None:
    """The date that completes the milestone for this index date, or None."""
    if milestone.requires and getattr(record, milestone.requires, None) is None:
        return None
    earliest = index - timedelta(days=LOOKBACK_DAYS)
    if milestone.earliest_day is not None:
        earliest = index + timedelta(days=milestone.earliest_day)
    dates = [
        day
        for name in milestone.completed_by
        if (day := getattr(record, name, None)) is not None and day >= earliest
    ]
    return min(dates) if dates else None


def no_medicine(record: Any) -> bool:
    return getattr(record, "treatment", None) in NO_MEDICINE


@dataclass(frozen=True)
class MilestoneState:
    code: str
    due_on: date | None
    done_on: date | None
    status: str

    @property
    def milestone(self) -> Milestone:
        return MILESTONES_BY_CODE[self.code]

    def days_overdue(self, today: date) -> int:
        return (today - self.due_on).days if self.status == MilestoneStatus.OVERDUE else 0


def milestone_states(
    *, record: Any, on_pathway: bool, index: date | None, today: date, windows: dict[str, int]
) -> list[MilestoneState]:
    """Each milestone's due date and status (PROTOCOL.md section 6).

    Days count inclusively: due within N days is due on index + N, a date recorded that day is
    on time, and the window has closed once `today` (the patient's local date) is past it.
    """
    states = []
    for milestone in MILESTONES:
        if not on_pathway or index is None or (milestone.needs_medicine and no_medicine(record)):
            states.append(
                MilestoneState(milestone.code, None, None, MilestoneStatus.NOT_APPLICABLE)
            )
            continue
        due_on = index + timedelta(days=windows[milestone.code])
        done_on = completed_on(milestone, record, index)
        if done_on is not None:
            status = MilestoneStatus.DONE if done_on <= due_on else MilestoneStatus.DONE_LATE
        else:
            status = MilestoneStatus.OVERDUE if today > due_on else MilestoneStatus.DUE
        states.append(MilestoneState(milestone.code, due_on, done_on, status))
    return states


# --- Indicators ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldIn:
    """A condition on the record: the field holds one of these values (never when empty).
    Data rather than a function, so pathway_sql.py can say the same in SQL."""

    field: str
    values: tuple

    def holds(self, record: Any) -> bool:
        return getattr(record, self.field, None) in self.values


# Not none, not declined: a treatment that is a medicine.
A_MEDICINE = FieldIn("treatment", tuple(t for t in Treatment.values if t not in NO_MEDICINE))
STILL_ON_TREATMENT = FieldIn("on_treatment_52w", (True,))


@dataclass(frozen=True)
class Indicator:
    code: str
    milestone: str
    window_days: int  # the published window, whatever a team sets
    met_when: str
    source: str
    # Patients with none or declined recorded are left out (no medicine to start).
    excludes_no_medicine: bool = False
    # A further condition on the record, besides the milestone being completed in the window.
    also: FieldIn | None = None


INDICATORS: tuple[Indicator, ...] = (
    Indicator("assessed_90d", "assessment", 90, "assessment recorded", "FLS-DB KPI 4"),
    Indicator("dxa_90d", "dxa", 90, "DXA recorded (scan or not needed)", "FLS-DB KPI 5"),
    Indicator(
        "falls_assessed_16w", "falls_assessment", 112, "falls assessment recorded", "FLS-DB KPI 6"
    ),
    Indicator(
        "treatment_recommended",
        "treatment_decision",
        112,
        "a medicine recommended (not none, not declined)",
        "FLS-DB KPI 7",
        also=A_MEDICINE,
    ),
    Indicator(
        "treatment_started_16w",
        "treatment_start",
        112,
        "treatment start recorded",
        "IOF patient-level KPI (Javaid et al. 2020)",
        excludes_no_medicine=True,
    ),
    Indicator("monitored_16w", "monitoring", 112, "follow-up contact recorded", "FLS-DB / IOF KPI"),
    Indicator(
        "on_treatment_52w",
        "persistence",
        392,
        "a review between days 336 and 392 says still on treatment",
        "IOF patient-level KPI (Javaid et al. 2020)",
        excludes_no_medicine=True,
        also=STILL_ON_TREATMENT,
    ),
)


def indicator_outcome(
    indicator: Indicator, *, record: Any, index: date, today: date
) -> tuple[bool, bool]:
    """(in the denominator, in the numerator) for one on-pathway patient.

    The denominator holds the patients whose window has closed or who already met it; the
    numerator those who met it within the window (day N included).
    """
    if indicator.excludes_no_medicine and no_medicine(record):
        return False, False
    due_on = index + timedelta(days=indicator.window_days)
    done_on = completed_on(MILESTONES_BY_CODE[indicator.milestone], record, index)
    met = (
        done_on is not None
        and done_on <= due_on
        and (indicator.also is None or indicator.also.holds(record))
    )
    return met or today > due_on, met


def percent(numerator: int, denominator: int) -> float | None:
    """One decimal, rounded half up from the exact fraction (1/16 is 6.25 %, shown 6.3)."""
    if denominator == 0:
        return None
    tenths = Fraction(1000 * numerator, denominator)  # the percentage in tenths
    rounded = int(tenths + Fraction(1, 2))  # never negative: half up is floor(x + 1/2)
    return rounded / 10


def band(numerator: int, denominator: int) -> str | None:
    """The IOF band from the exact fraction: 50_to_80 includes both one half and four fifths."""
    if denominator == 0:
        return None
    share = Fraction(numerator, denominator)
    if share < Fraction(1, 2):
        return Band.BELOW_50
    if share <= Fraction(4, 5):
        return Band.FROM_50_TO_80
    return Band.ABOVE_80
