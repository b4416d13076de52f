"""The nurse's week: GET /api/v1/bone-health/worklist/ and /api/v1/bone-health/indicators/."""

import csv
import datetime as dt
import io

import pytest

from bonehealth.models import BoneHealthRecord
from tests.factories import CareTeamFactory, ClinicianFactory, PatientFactory, ProcedureFactory

from .conftest import TODAY

WORKLIST = "/api/v1/bone-health/worklist/"
INDICATORS = "/api/v1/bone-health/indicators/"


def days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def period(**extra):
    return {"from": "2025-01-01", "to": "2026-07-01", **extra}


def test_the_worklist_lists_overdue_milestones_most_overdue_first(api, clinician, on_pathway):
    late = on_pathway(130)  # assessment and dxa 40 days overdue; the 112-day ones 18
    recent = on_pathway(95)  # assessment and dxa 5 days overdue
    on_pathway(30)  # nothing overdue yet
    BoneHealthRecord.objects.create(patient=recent, dxa_not_needed_on=days(50))
    response = api(clinician).get(WORKLIST)
    assert response.status_code == 200
    body = response.json()
    rows = [(r["patient"], r["milestone"], r["days_overdue"]) for r in body["results"]]
    assert rows[:2] == [(late.pk, "assessment", 40), (late.pk, "dxa", 40)]
    assert (recent.pk, "assessment", 5) in rows
    assert (recent.pk, "dxa", 5) not in rows
    assert rows[-1] == (recent.pk, "assessment", 5)
    assert {m for p, m, _ in rows if p == late.pk} == {
        "assessment",
        "dxa",
        "falls_assessment",
        "treatment_decision",
        "treatment_start",
        "monitoring",
        "gp_letter",
    }
    first = body["results"][0]
    assert first == {
        "patient": late.pk,
        "first_name": late.first_name,
        "last_name": late.last_name,
        "milestone": "assessment",
        "due_on": days(40).isoformat(),
        "days_overdue": 40,
    }
    assert body["count"] == len(rows)


def test_the_worklist_pages(api, clinician, on_pathway):
    on_pathway(130)
    body = api(clinician).get(WORKLIST, {"page_size": 3}).json()
    assert body["count"] == 7 and len(body["results"]) == 3 and body["next"]


def test_the_worklist_leaves_out_other_teams_and_patients_off_the_pathway(
    api, clinician, other_clinician, on_pathway
):
    off = on_pathway(130)
    BoneHealthRecord.objects.create(patient=off, pathway_override="off")
    on_pathway(130, cause="trauma")
    assert api(clinician).get(WORKLIST).json()["count"] == 0
    on_pathway(130)
    assert api(other_clinician).get(WORKLIST).json()["count"] == 0


def indicator(body, code):
    return body["indicators"][code]


def test_indicators_count_window_boundaries(api, clinician, on_pathway):
    on_time = on_pathway(200)
    late = on_pathway(200)
    open_window = on_pathway(50)  # not assessed, window open: not in the denominator
    early = on_pathway(50)  # assessed early: counted already
    BoneHealthRecord.objects.create(
        patient=on_time,
        assessed_on=days(110),  # day 90
        falls_assessed_on=days(88),  # day 112
        treatment="alendronate",
        treatment_recommended_on=days(100),
        treatment_started_on=days(88),  # day 112
    )
    BoneHealthRecord.objects.create(
        patient=late,
        assessed_on=days(109),  # day 91
        falls_assessed_on=days(87),  # day 113
        treatment="declined",
        treatment_recommended_on=days(100),
    )
    BoneHealthRecord.objects.create(patient=early, assessed_on=days(40))
    del open_window
    body = api(clinician).get(INDICATORS, period()).json()
    assert body["from"] == "2025-01-01" and body["to"] == "2026-07-01"
    assert body["patients"] == 4
    assert indicator(body, "assessed_90d") == {
        "numerator": 2,
        "denominator": 3,
        "percent": 66.7,
        "band": "50_to_80",
    }
    assert indicator(body, "falls_assessed_16w") == {
        "numerator": 1,
        "denominator": 2,
        "percent": 50.0,
        "band": "50_to_80",
    }
    # declined: in treatment_recommended (a miss), out of treatment_started_16w.
    assert indicator(body, "treatment_recommended")["numerator"] == 1
    assert indicator(body, "treatment_recommended")["denominator"] == 2
    assert indicator(body, "treatment_started_16w") == {
        "numerator": 1,
        "denominator": 1,
        "percent": 100.0,
        "band": "above_80",
    }
    assert indicator(body, "on_treatment_52w") == {
        "numerator": 0,
        "denominator": 0,
        "percent": None,
        "band": None,
    }


def test_the_period_is_half_open_on_index_dates(api, clinician, on_pathway):
    on_pathway(100)  # index date TODAY - 100
    start = days(100).isoformat()
    assert api(clinician).get(INDICATORS, {"from": start, "to": TODAY}).json()["patients"] == 1
    assert (
        api(clinician).get(INDICATORS, {"from": "2020-01-01", "to": start}).json()["patients"] == 0
    )


def test_patients_leaving_and_joining_the_pathway_leave_and_join_the_indicators(
    api, clinician, on_pathway
):
    member = on_pathway(200)
    outsider = on_pathway(200, cause="trauma")
    client = api(clinician)
    assert client.get(INDICATORS, period()).json()["patients"] == 1
    BoneHealthRecord.objects.create(patient=member, pathway_override="off")
    BoneHealthRecord.objects.create(patient=outsider, pathway_override="on")
    body = client.get(INDICATORS, period()).json()
    assert body["patients"] == 1
    assert indicator(body, "assessed_90d")["denominator"] == 1


def test_a_new_procedure_moves_a_patient_out_of_the_period(api, clinician, on_pathway):
    patient = on_pathway(400)
    client = api(clinician)
    window = {"from": days(410).isoformat(), "to": days(390).isoformat()}
    assert client.get(INDICATORS, window).json()["patients"] == 1
    ProcedureFactory(patient=patient, performed_on=days(10))
    assert client.get(INDICATORS, window).json()["patients"] == 0


def test_on_treatment_52w_at_the_review_days(api, clinician, on_pathway):
    for reviewed in (335, 336, 392, 393):
        patient = on_pathway(400)
        BoneHealthRecord.objects.create(
            patient=patient,
            treatment="denosumab",
            treatment_recommended_on=days(390),
            reviewed_52w_on=days(400 - reviewed),
            on_treatment_52w=True,
        )
    body = api(clinician).get(INDICATORS, period(**{"from": "2024-01-01"})).json()
    assert indicator(body, "on_treatment_52w") == {
        "numerator": 2,
        "denominator": 4,
        "percent": 50.0,
        "band": "50_to_80",
    }


def test_one_sixteenth_is_six_point_three_percent(api, clinician, on_pathway):
    for n in range(16):
        patient = on_pathway(100)
        if n == 0:
            BoneHealthRecord.objects.create(patient=patient, assessed_on=days(95))
    figure = indicator(api(clinician).get(INDICATORS, period()).json(), "assessed_90d")
    assert figure == {"numerator": 1, "denominator": 16, "percent": 6.3, "band": "below_50"}


def test_a_team_outside_the_callers_gives_zeros(api, clinician, other_team, team, on_pathway):
    on_pathway(200)
    client = api(clinician)
    assert client.get(INDICATORS, period(team=team.pk)).json()["patients"] == 1
    body = client.get(INDICATORS, period(team=other_team.pk)).json()
    assert body["patients"] == 0
    assert {f["denominator"] for f in body["indicators"].values()} == {0}
    assert client.get(INDICATORS, period(team=999999)).json()["patients"] == 0


def test_indicators_cover_every_team_of_the_clinician(api, team, on_pathway):
    second = CareTeamFactory()
    nurse = ClinicianFactory(teams=[team, second])
    on_pathway(200)
    ProcedureFactory(patient=PatientFactory(team=second), performed_on=days(200))
    assert api(nurse).get(INDICATORS, period()).json()["patients"] == 2
    assert api(nurse).get(INDICATORS, period(team=second.pk)).json()["patients"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"to": "2026-01-01"}, "from"),
        ({"from": "2026-01-01"}, "to"),
        ({"from": "2026-13-01", "to": "2027-01-01"}, "from"),
        ({"from": "yesterday", "to": "2027-01-01"}, "from"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
        ({"from": "2026-01-01", "to": "2027-01-01", "team": "north"}, "team"),
    ],
)
def test_bad_periods_are_400s_naming_the_field(api, clinician, query, field):
    response = api(clinician).get(INDICATORS, query)
    assert response.status_code == 400
    assert field in response.json()


def test_indicators_as_csv(api, clinician, on_pathway):
    patient = on_pathway(200)
    BoneHealthRecord.objects.create(patient=patient, assessed_on=days(150))
    response = api(clinician).get(INDICATORS, period(format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["indicator", "numerator", "denominator", "percent", "band"]
    assert [r[0] for r in rows[1:]] == [
        "assessed_90d",
        "dxa_90d",
        "falls_assessed_16w",
        "treatment_recommended",
        "treatment_started_16w",
        "monitored_16w",
        "on_treatment_52w",
    ]
    assert rows[1] == ["assessed_90d", "1", "1", "100.0", "above_80"]
    assert rows[2] == ["dxa_90d", "0", "1", "0.0", "below_50"]
    assert rows[7] == ["on_treatment_52w", "0", "0", "", ""]


def test_a_bad_csv_request_is_still_a_400(api, clinician):
    response = api(clinician).get(INDICATORS, {"format": "csv"})
    assert response.status_code == 400
    assert b"from" in response.content


@pytest.fixture
def populate(team, on_pathway):
    def make(n: int):
        for i in range(n):
            patient = on_pathway(200 + i)  # six milestones overdue, the assessment done
            BoneHealthRecord.objects.create(patient=patient, assessed_on=days(150))
            PatientFactory(team=team)  # no procedure: in no indicator, on no worklist

    return make


@pytest.mark.parametrize("n", [1, 20])
def test_worklist_queries_do_not_grow(api, clinician, populate, django_assert_num_queries, n):
    populate(n)
    client = api(clinician)
    # 1 the user behind the token, 2 the caller's teams (their windows), 3 the page of overdue
    # rows with their count (computed in SQL), 4 the audit INSERT for the patients on the page.
    with django_assert_num_queries(4):
        response = client.get(WORKLIST, {"page_size": 200})
    assert response.json()["count"] == 6 * n


@pytest.mark.parametrize("n", [1, 20])
def test_indicator_queries_do_not_grow(api, clinician, populate, django_assert_num_queries, n):
    populate(n)
    client = api(clinician)
    # 1 the user behind the token, 2 the counts over the patients of the caller's teams with
    # an index date in the period (computed in SQL). No audit: no patient is shown.
    with django_assert_num_queries(2):
        response = client.get(INDICATORS, period())
    assert response.json()["patients"] == n
    with django_assert_num_queries(1):  # the user from the shared cache now
        client.get(INDICATORS, period(format="csv"))


def test_the_worklist_leaves_out_discharged_patients(api, clinician, on_pathway):
    """API.md: one row per overdue milestone of an active (not discharged) patient."""
    from recovery.lifecycle import patient_discharge

    late = on_pathway(130)
    before = api(clinician).get(WORKLIST).json()
    assert {row["patient"] for row in before["results"]} == {late.pk}
    patient_discharge(patient=late, by=clinician, reason="recovered")
    assert api(clinician).get(WORKLIST).json()["count"] == 0
