"""Every rule of PROTOCOL.md section 4 on both sides of each boundary, through checkin_record."""

import datetime as dt
import zoneinfo

import pytest

from recovery.models import Alert
from tests.factories import CheckInFactory, ProcedureFactory

from .conftest import fired, record, utc

# The procedure date; its start (UTC patient) is 2026-03-02T00:00Z.
PERFORMED_ON = dt.date(2026, 3, 2)
START = utc(2026, 3, 2)
H48 = START + dt.timedelta(hours=48)
DAY14 = utc(2026, 3, 16)  # start of procedure date + 14 days: the first moment outside
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def operated(patient):
    ProcedureFactory(patient=patient, performed_on=PERFORMED_ON, pre_procedure_pain=8)
    return patient


# --- fever -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("temp", "fires"), [(38.0, True), (37.9, False), (39.5, True)])
def test_fever_threshold_is_38_0_inclusive(operated, temp, fires):
    result = record(operated, at=START + dt.timedelta(days=3), pain=2, temp=temp)
    assert ("fever" in fired(result)) is fires


@pytest.mark.parametrize("symptom", ["fever", "chills"])
def test_fever_or_chills_symptom_fires_fever_without_a_temperature(operated, symptom):
    result = record(operated, at=START + dt.timedelta(days=3), pain=2, symptoms=[symptom])
    assert fired(result) == {"fever"}
    assert result.alerts[0].severity == "urgent"


# --- symptom rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symptom", "rule", "severity"),
    [
        ("leg_numbness", "leg_neuro", "urgent"),
        ("leg_weakness", "leg_neuro", "urgent"),
        ("shortness_of_breath", "embolism_signs", "emergency"),
        ("chest_pain", "embolism_signs", "emergency"),
        ("bowel_bladder_change", "cauda_equina_signs", "emergency"),
        ("site_redness", "site_infection", "warning"),
        ("site_swelling", "site_infection", "warning"),
        ("new_sudden_pain", "new_fracture_suspected", "urgent"),
    ],
)
def test_each_symptom_fires_its_rule_and_only_it(operated, symptom, rule, severity):
    result = record(operated, at=START + dt.timedelta(days=3), pain=2, symptoms=[symptom])
    assert fired(result) == {rule}
    assert result.alerts[0].severity == severity


def test_a_calm_checkin_fires_nothing_and_gives_no_guidance(operated):
    result = record(operated, at=START + dt.timedelta(days=3), pain=2, temp=37.9)
    assert result.alerts == []
    assert result.guidance is None


def test_embolism_signs_apply_long_after_the_first_week(operated):
    result = record(operated, at=START + dt.timedelta(days=200), pain=1, symptoms=["chest_pain"])
    assert fired(result) == {"embolism_signs"}


# --- worsening_pain: the +2 jump -------------------------------------------------------------


@pytest.mark.parametrize(("pain", "fires"), [(5, True), (4, False), (9, True)])
def test_worsening_pain_fires_at_two_points_above_the_previous_checkin(operated, pain, fires):
    at = START + dt.timedelta(days=4)
    CheckInFactory(patient=operated, recorded_at=at - dt.timedelta(hours=5), pain_score=3)
    result = record(operated, at=at, pain=pain)
    assert ("worsening_pain" in fired(result)) is fires


def test_worsening_pain_compares_with_the_latest_previous_not_the_lowest(operated):
    at = START + dt.timedelta(days=5)
    CheckInFactory(patient=operated, recorded_at=at - dt.timedelta(days=2), pain_score=1)
    CheckInFactory(patient=operated, recorded_at=at - dt.timedelta(days=1), pain_score=3)
    assert "worsening_pain" not in fired(record(operated, at=at, pain=4))


@pytest.mark.parametrize(
    ("ago", "fires"),
    [(dt.timedelta(days=7), True), (dt.timedelta(days=7) + SECOND, False)],
)
def test_worsening_jump_looks_back_seven_days_half_open(operated, ago, fires):
    # Check-ins on days 10 and later: past 48 h but pain 5 is below the baseline of 8.
    at = START + dt.timedelta(days=12)
    CheckInFactory(patient=operated, recorded_at=at - ago, pain_score=3)
    assert ("worsening_pain" in fired(record(operated, at=at, pain=5))) is fires


# --- worsening_pain: above the pre-procedure score after 48 h --------------------------------


@pytest.mark.parametrize(
    ("at", "pain", "fires"),
    [
        (H48, 9, True),  # 48 h exactly: inside [48 h, ...)
        (H48 - SECOND, 9, False),
        (H48 + dt.timedelta(days=30), 9, True),
        (H48, 8, False),  # equal to the baseline is not above it
    ],
)
def test_worsening_pain_above_baseline_from_48_hours(operated, at, pain, fires):
    assert ("worsening_pain" in fired(record(operated, at=at, pain=pain))) is fires


def test_without_a_procedure_only_checkin_based_rules_apply(patient):
    CheckInFactory(patient=patient, recorded_at=START, pain_score=3)
    result = record(patient, at=START + dt.timedelta(days=3), pain=10)
    assert fired(result) == {"worsening_pain", "new_fracture_suspected"}


# --- no_relief -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "fires"),
    [
        (H48 - SECOND, False),
        (H48, True),
        (DAY14 - SECOND, True),
        (DAY14, False),
    ],
)
def test_no_relief_window_is_48_hours_to_day_14_half_open(operated, at, fires):
    # Baseline 8: 6 is above 70 % (5.6) and not above the baseline.
    assert ("no_relief" in fired(record(operated, at=at, pain=6))) is fires


@pytest.mark.parametrize(
    ("pre", "pain", "fires"),
    [(10, 7, False), (10, 8, True), (8, 5, False), (8, 6, True), (3, 2, False), (3, 3, True)],
)
def test_no_relief_needs_pain_above_seventy_percent_of_baseline(patient, pre, pain, fires):
    ProcedureFactory(patient=patient, performed_on=PERFORMED_ON, pre_procedure_pain=pre)
    result = record(patient, at=START + dt.timedelta(days=5), pain=pain)
    assert ("no_relief" in fired(result)) is fires


# --- new_fracture_suspected ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prior_low", "pain", "fires"),
    [(3, 7, True), (3, 6, False), (4, 7, False), (0, 10, True)],
)
def test_new_fracture_needs_pain_7_after_a_low_of_3(operated, prior_low, pain, fires):
    at = START + dt.timedelta(days=10)
    CheckInFactory(patient=operated, recorded_at=at - dt.timedelta(days=6), pain_score=prior_low)
    # A check-in in between keeps the +2 jump out of the way where possible.
    CheckInFactory(patient=operated, recorded_at=at - dt.timedelta(days=1), pain_score=pain - 1)
    assert ("new_fracture_suspected" in fired(record(operated, at=at, pain=pain))) is fires


@pytest.mark.parametrize(
    ("ago", "fires"),
    [(dt.timedelta(days=14), True), (dt.timedelta(days=14) + SECOND, False)],
)
def test_new_fracture_looks_back_fourteen_days_half_open(operated, ago, fires):
    at = START + dt.timedelta(days=20)
    CheckInFactory(patient=operated, recorded_at=at - ago, pain_score=2)
    assert ("new_fracture_suspected" in fired(record(operated, at=at, pain=7))) is fires


# --- combinations ----------------------------------------------------------------------------


def test_a_jump_that_fits_both_pain_rules_fires_both(operated):
    at = START + dt.timedelta(days=20)
    CheckInFactory(patient=operated, recorded_at=at - dt.timedelta(days=1), pain_score=2)
    result = record(operated, at=at, pain=7)
    assert fired(result) == {"worsening_pain", "new_fracture_suspected"}
    assert result.guidance["severity"] == "urgent"


def test_one_checkin_fires_every_rule_it_matches_and_guidance_follows_the_highest(operated):
    at = START + dt.timedelta(days=5)
    CheckInFactory(patient=operated, recorded_at=at - dt.timedelta(days=1), pain_score=2)
    result = record(
        operated,
        at=at,
        pain=9,
        temp=38.4,
        symptoms=["leg_weakness", "chest_pain", "site_swelling", "bowel_bladder_change"],
    )
    assert fired(result) == {
        "fever",
        "leg_neuro",
        "embolism_signs",
        "cauda_equina_signs",
        "site_infection",
        "worsening_pain",
        "no_relief",
        "new_fracture_suspected",
    }
    assert result.guidance["severity"] == "emergency"
    assert "emergency services" in result.guidance["message"]
    assert Alert.objects.filter(patient=operated).count() == 8


def test_warning_only_checkin_tells_the_patient_the_team_will_review(operated):
    result = record(operated, at=START + dt.timedelta(days=3), pain=2, symptoms=["site_redness"])
    assert result.guidance["severity"] == "warning"


# --- "previous" is by recorded_at ------------------------------------------------------------


def test_late_offline_checkin_is_judged_by_the_checkins_recorded_before_it(operated):
    day = dt.timedelta(days=1)
    CheckInFactory(patient=operated, recorded_at=START + 20 * day, pain_score=5)
    # Received earlier, but recorded after the late one: it must not count as "previous".
    CheckInFactory(patient=operated, recorded_at=START + 22 * day, pain_score=1)
    late = record(operated, at=START + 21 * day, pain=7)
    # By recorded_at the previous pain was 5 (+2 fires; the lowest before was 5, so no
    # new fracture). By arrival order it would have been 1, firing new_fracture_suspected.
    assert fired(late) == {"worsening_pain"}


def test_late_offline_checkin_does_not_see_later_low_scores(operated):
    day = dt.timedelta(days=1)
    CheckInFactory(patient=operated, recorded_at=START + 20 * day, pain_score=6)
    CheckInFactory(patient=operated, recorded_at=START + 22 * day, pain_score=1)
    assert fired(record(operated, at=START + 21 * day, pain=7)) == set()


def test_late_checkin_recorded_before_a_newer_procedure_uses_the_procedure_it_followed(patient):
    ProcedureFactory(patient=patient, performed_on=PERFORMED_ON, pre_procedure_pain=8)
    ProcedureFactory(patient=patient, performed_on=dt.date(2026, 6, 1), pre_procedure_pain=9)
    # Day 5 after the first procedure, pain 6 > 70 % of 8: no_relief of the first procedure.
    assert fired(record(patient, at=START + dt.timedelta(days=5), pain=6)) == {"no_relief"}


# --- time zones and DST ----------------------------------------------------------------------

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def berlin(patient):
    patient.timezone = "Europe/Berlin"
    patient.save()
    return patient


def test_48_hours_are_elapsed_hours_from_local_midnight_across_dst(berlin):
    # 2026-03-29: clocks go forward in Berlin. The procedure date starts 2026-03-28T00:00+01:00
    # (23:00Z the day before); 48 elapsed hours later is 2026-03-30T01:00+02:00.
    ProcedureFactory(patient=berlin, performed_on=dt.date(2026, 3, 28), pre_procedure_pain=8)
    # Local times on purpose: same tzinfo as the procedure start, where naive subtraction lies.
    before = dt.datetime(2026, 3, 30, 0, 59, 59, tzinfo=BERLIN)
    at = dt.datetime(2026, 3, 30, 1, 0, tzinfo=BERLIN)
    assert "worsening_pain" not in fired(record(berlin, at=before, pain=9))
    assert "worsening_pain" in fired(record(berlin, at=at, pain=9))


def test_day_14_ends_at_local_midnight_across_dst(berlin):
    # Procedure 2026-03-20 in Berlin (+01:00); day 14 starts 2026-04-03T00:00+02:00 = 22:00Z,
    # an hour before 14 x 24 elapsed hours would end.
    ProcedureFactory(patient=berlin, performed_on=dt.date(2026, 3, 20), pre_procedure_pain=8)
    assert "no_relief" in fired(record(berlin, at=utc(2026, 4, 2, 21, 59, 59), pain=6))
    assert "no_relief" not in fired(record(berlin, at=utc(2026, 4, 2, 22, 30), pain=6))


def test_procedure_window_starts_at_midnight_in_the_patients_zone(patient):
    patient.timezone = "America/New_York"
    patient.save()
    ProcedureFactory(patient=patient, performed_on=PERFORMED_ON, pre_procedure_pain=8)
    # 2026-03-02T00:00-05:00 is 05:00Z, so 48 h is 2026-03-04T05:00Z.
    assert "no_relief" not in fired(record(patient, at=utc(2026, 3, 4, 4, 59), pain=6))
    assert "no_relief" in fired(record(patient, at=utc(2026, 3, 4, 5, 0), pain=6))
