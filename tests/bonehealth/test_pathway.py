"""The pathway table's arithmetic (PROTOCOL.md section 6): statuses, windows, indicators,
rounding and bands, each at its boundary. Pure functions: no database."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from bonehealth import pathway

INDEX = date(2026, 1, 10)
WINDOWS = pathway.windows_for(None)


def day(n: int) -> date:
    return INDEX + timedelta(days=n)


def record(**values):
    fields = {name: None for name in ("treatment", "on_treatment_52w")}
    return SimpleNamespace(**{**fields, **values})


def states(rec, *, today: date, on_pathway: bool = True, index: date | None = INDEX):
    result = pathway.milestone_states(
        record=rec, on_pathway=on_pathway, index=index, today=today, windows=WINDOWS
    )
    return {s.code: s for s in result}


def outcome(code: str, rec, *, today: date) -> tuple[bool, bool]:
    indicator = next(i for i in pathway.INDICATORS if i.code == code)
    return pathway.indicator_outcome(indicator, record=rec, index=INDEX, today=today)


def test_the_table_lists_the_eight_milestones_in_protocol_order_with_sources():
    assert [m.code for m in pathway.MILESTONES] == [
        "assessment",
        "dxa",
        "falls_assessment",
        "treatment_decision",
        "treatment_start",
        "monitoring",
        "persistence",
        "gp_letter",
    ]
    assert [m.due_days for m in pathway.MILESTONES] == [90, 90, 112, 112, 112, 112, 392, 112]
    assert all(m.source and m.done_when and m.applies for m in pathway.MILESTONES)
    assert [i.code for i in pathway.INDICATORS] == [
        "assessed_90d",
        "dxa_90d",
        "falls_assessed_16w",
        "treatment_recommended",
        "treatment_started_16w",
        "monitored_16w",
        "on_treatment_52w",
    ]


@pytest.mark.parametrize(
    ("recorded", "status"), [(90, "done"), (91, "done_late"), (0, "done"), (-365, "done")]
)
def test_assessment_on_day_90_is_on_time_and_day_91_late(recorded, status):
    s = states(record(assessed_on=day(recorded)), today=day(200))["assessment"]
    assert s.due_on == day(90)
    assert s.status == status
    assert s.done_on == day(recorded)


def test_a_date_more_than_365_days_before_the_index_date_completes_nothing():
    s = states(record(assessed_on=day(-366)), today=day(50))["assessment"]
    assert (s.status, s.done_on) == ("due", None)


@pytest.mark.parametrize(("today", "status"), [(90, "due"), (91, "overdue")])
def test_a_window_closes_once_its_last_day_is_past(today, status):
    assert states(record(), today=day(today))["assessment"].status == status


@pytest.mark.parametrize(("recorded", "status"), [(112, "done"), (113, "done_late")])
def test_falls_assessment_day_112_vs_113(recorded, status):
    assert (
        states(record(falls_assessed_on=day(recorded)), today=day(300))["falls_assessment"].status
        == status
    )


def test_dxa_not_needed_completes_dxa_with_the_date_it_was_marked():
    s = states(record(dxa_not_needed_on=day(20)), today=day(30))["dxa"]
    assert (s.status, s.done_on) == ("done", day(20))


@pytest.mark.parametrize(
    ("reviewed", "status"),
    [(335, "overdue"), (336, "done"), (392, "done"), (393, "done_late")],
)
def test_the_52_week_review_counts_from_day_336_and_is_late_after_day_392(reviewed, status):
    rec = record(treatment="alendronate", reviewed_52w_on=day(reviewed), on_treatment_52w=True)
    s = states(rec, today=day(400))["persistence"]
    assert s.due_on == day(392)
    assert s.status == status


def test_a_review_without_its_answer_does_not_complete_persistence():
    rec = record(treatment="alendronate", reviewed_52w_on=day(340))
    assert states(rec, today=day(341))["persistence"].status == "due"


@pytest.mark.parametrize("code", ["none", "declined"])
def test_none_or_declined_makes_start_and_persistence_not_applicable(code):
    rec = record(treatment=code, treatment_recommended_on=day(10))
    s = states(rec, today=day(500))
    assert s["treatment_decision"].status == "done"
    assert s["treatment_start"].status == "not_applicable"
    assert s["persistence"].status == "not_applicable"
    assert s["monitoring"].status == "overdue"


def test_before_any_decision_start_and_persistence_are_due_or_overdue():
    s = states(record(), today=day(200))
    assert s["treatment_start"].status == "overdue"
    assert s["persistence"].status == "due"


def test_off_the_pathway_or_without_index_date_everything_is_not_applicable():
    for kwargs in ({"on_pathway": False}, {"index": None}):
        assert {s.status for s in states(record(), today=day(5), **kwargs).values()} == {
            "not_applicable"
        }


def test_a_team_window_moves_the_due_date():
    windows = pathway.windows_for({"bone_assessment_due_days": 60, "bone_dxa_due_days": "x"})
    assert windows["assessment"] == 60
    assert windows["dxa"] == 90  # an invalid override is ignored


def test_pathway_membership_follows_cause_flag_and_override():
    assert pathway.is_on_pathway(override=None, cause="osteoporosis", has_osteoporosis=False)
    assert pathway.is_on_pathway(override=None, cause="trauma", has_osteoporosis=True)
    assert not pathway.is_on_pathway(override=None, cause="trauma", has_osteoporosis=False)
    assert pathway.is_on_pathway(override="on", cause="tumor", has_osteoporosis=False)
    assert not pathway.is_on_pathway(override="off", cause="osteoporosis", has_osteoporosis=True)


# --- Indicators ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recorded", "today", "expected"),
    [
        (90, 91, (True, True)),  # met on day 90
        (91, 200, (True, False)),  # late: a miss, in the denominator
        (None, 90, (False, False)),  # window still open, not met: not counted yet
        (None, 91, (True, False)),  # window closed
        (30, 40, (True, True)),  # met early: counted before the window closes
    ],
)
def test_assessed_90d_boundaries(recorded, today, expected):
    rec = record(assessed_on=None if recorded is None else day(recorded))
    assert outcome("assessed_90d", rec, today=day(today)) == expected


@pytest.mark.parametrize(("started", "expected"), [(112, (True, True)), (113, (True, False))])
def test_treatment_started_16w_day_112_vs_113(started, expected):
    rec = record(treatment="zoledronate", treatment_started_on=day(started))
    assert outcome("treatment_started_16w", rec, today=day(300)) == expected


@pytest.mark.parametrize("code", ["none", "declined"])
def test_no_medicine_patients_leave_the_treatment_indicators(code):
    rec = record(treatment=code, treatment_recommended_on=day(5))
    assert outcome("treatment_started_16w", rec, today=day(500)) == (False, False)
    assert outcome("on_treatment_52w", rec, today=day(500)) == (False, False)
    # ... but stay in treatment_recommended, as a patient without a medicine recommended.
    assert outcome("treatment_recommended", rec, today=day(500)) == (True, False)


def test_a_missing_decision_is_a_miss_for_the_treatment_indicators():
    assert outcome("treatment_started_16w", record(), today=day(113)) == (True, False)
    assert outcome("treatment_recommended", record(), today=day(113)) == (True, False)


@pytest.mark.parametrize(
    ("reviewed", "still", "expected"),
    [
        (335, True, (True, False)),
        (336, True, (True, True)),
        (392, True, (True, True)),
        (393, True, (True, False)),
        (350, False, (True, False)),
    ],
)
def test_on_treatment_52w_review_days(reviewed, still, expected):
    rec = record(treatment="denosumab", reviewed_52w_on=day(reviewed), on_treatment_52w=still)
    assert outcome("on_treatment_52w", rec, today=day(400)) == expected


def test_indicators_keep_the_published_windows_whatever_the_team_sets():
    # outcome() takes no team settings at all: a team's 60-day assessment window does not
    # make a day-80 assessment a miss.
    assert outcome("assessed_90d", record(assessed_on=day(80)), today=day(100)) == (True, True)


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent", "band"),
    [
        (1, 16, 6.3, "below_50"),
        (1, 8, 12.5, "below_50"),
        (1, 3, 33.3, "below_50"),
        (2, 3, 66.7, "50_to_80"),
        (1, 2, 50.0, "50_to_80"),
        (4, 5, 80.0, "50_to_80"),
        (7, 15, 46.7, "below_50"),
        (49, 98, 50.0, "50_to_80"),
        (999, 2000, 50.0, "below_50"),  # 49.95 % shows 50.0, yet is under one half
        (1601, 2000, 80.1, "above_80"),
        (5, 5, 100.0, "above_80"),
        (0, 4, 0.0, "below_50"),
        (0, 0, None, None),
    ],
)
def test_percent_rounds_half_up_and_bands_come_from_the_exact_fraction(
    numerator, denominator, percent, band
):
    assert pathway.percent(numerator, denominator) == percent
    assert pathway.band(numerator, denominator) == band
