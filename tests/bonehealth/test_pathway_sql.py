"""The worklist and indicators in SQL (pathway_sql.py) equal the Python reference (pathway.py).

Many varied patients: every milestone status, overrides both ways, no-medicine treatments,
dates on either side of the lookback and earliest-day limits and of each window, a team that
sets its own windows, two procedures (the latest decides), none, a fracture date before the
procedure, discharged patients, time zones whose today is not UTC's, names that sort by code
point. The reference is what the endpoints computed before, and the SQLite demo still does:
pathway_view for each patient (selectors.worklist_in_python, indicator_counts_in_python).
"""

import datetime as dt
import random

import pytest
import time_machine

from bonehealth import pathway, selectors
from bonehealth.models import BoneHealthRecord
from bonehealth.pathway_sql import RECORD_FIELDS
from recovery.models import Patient
from tests.factories import CareTeamFactory, ClinicianFactory, PatientFactory, ProcedureFactory

from .conftest import TODAY

ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York", "Asia/Kolkata"]
NAMES = ["Bell", "bell", "Ávila", "avila", "Zed", "O'Neil", "Ñúñez", "Bell"]
TREATMENTS = [None, "alendronate", "denosumab", "none", "declined"]
# A team whose windows are not the defaults (the indicators keep the published ones).
OWN_WINDOWS = {"bone_assessment_due_days": 60, "bone_gp_letter_due_days": 30}
OWN_WINDOWS |= {"bone_persistence_due_days": 420, "bone_treatment_start_due_days": 100}


def edge_dates(index: dt.date, rng: random.Random) -> dt.date | None:
    """A date at one of the limits the rules draw, or none."""
    days = rng.choice(
        [None, None, -366, -365, -1, 0, 59, 60, 61, 89, 90, 91, 100, 111, 112, 113, 335, 336]
        + [337, 391, 392, 393, 420, 421]
    )
    return None if days is None else index + dt.timedelta(days=days)


def make_patients(teams, rng: random.Random, n: int) -> None:
    for i in range(n):
        patient = PatientFactory(
            team=teams[i % len(teams)],
            timezone=ZONES[i % len(ZONES)],
            last_name=NAMES[i % len(NAMES)],
            has_osteoporosis=i % 4 == 0,
        )
        if i % 17 == 0:
            continue  # no procedure: no index date
        days_ago = rng.choice([0, 1, 59, 60, 61, 90, 91, 111, 112, 113, 200, 392, 393, 420, 500])
        index = TODAY - dt.timedelta(days=days_ago)
        if i % 5 == 0:  # an earlier procedure, which the latest replaces
            ProcedureFactory(patient=patient, performed_on=index - dt.timedelta(days=300))
        fracture = index - dt.timedelta(days=20) if i % 6 == 0 else None
        ProcedureFactory(
            patient=patient,
            performed_on=index,
            fracture_date=fracture,
            cause=rng.choice(["osteoporosis", "osteoporosis", "trauma", "tumor"]),
        )
        index = fracture or index
        if i % 11 == 0:
            Patient.objects.filter(pk=patient.pk).update(status="discharged")
        if i % 3 == 0:
            continue  # no record
        BoneHealthRecord.objects.create(
            patient=patient,
            pathway_override=rng.choice([None, None, None, "on", "off"]),
            treatment=rng.choice(TREATMENTS),
            on_treatment_52w=rng.choice([None, True, False]),
            **{
                name: edge_dates(index, rng)
                for name in RECORD_FIELDS
                if name not in ("treatment", "on_treatment_52w")
            },
        )


def reference_worklist(user, team_id=None) -> list[selectors.WorklistRow]:
    patients = selectors.worklist_patients_for(user)
    if team_id is not None:
        patients = patients.filter(team_id=team_id)
    return selectors.worklist_in_python(patients)


def reference_indicators(user, *, start, end, team_id=None) -> tuple[int, list]:
    patients = Patient.objects.filter(team__clinicians=user)
    if team_id is not None:
        patients = patients.filter(team_id=team_id)
    total, counts = selectors.indicator_counts_in_python(patients, start=start, end=end)
    codes = [indicator.code for indicator in pathway.INDICATORS]
    return total, [(code, counts[2 * i], counts[2 * i + 1]) for i, code in enumerate(codes)]


@pytest.fixture
def cast(db):
    teams = [CareTeamFactory(), CareTeamFactory(rule_settings=OWN_WINDOWS), CareTeamFactory()]
    nurse = ClinicianFactory(teams=teams[:2])  # not the third team's
    make_patients(teams, random.Random(17), 240)
    return nurse, teams


# Noon UTC, and half past eleven at night: then Kiritimati, Kolkata are a day ahead.
@pytest.mark.parametrize("clock", [dt.time(12, 0), dt.time(23, 30), dt.time(0, 30)])
def test_the_sql_worklist_is_the_python_reference(cast, clock):
    nurse, teams = cast
    with time_machine.travel(dt.datetime.combine(TODAY, clock, tzinfo=dt.UTC), tick=False):
        expected = reference_worklist(nurse)
        worklist = selectors.worklist_for(nurse)
        assert len(worklist) == len(expected)
        assert worklist[0:7] == expected[0:7]
        assert worklist[7:30] == expected[7:30]
        assert list(selectors.worklist_for(nurse)) == expected
        assert list(selectors.worklist_for(nurse, team_id=teams[1].pk)) == reference_worklist(
            nurse, team_id=teams[1].pk
        )
        assert list(selectors.worklist_for(nurse, team_id=teams[2].pk)) == []
    statuses = {
        state.status
        for patient in selectors._with_pathway_facts(Patient.objects.all())
        for state in selectors.pathway_view(patient).milestones
    }
    assert statuses == set(pathway.MilestoneStatus.values)  # the cast covers every status
    assert len({row.milestone for row in expected}) == len(pathway.MILESTONES)


@pytest.mark.parametrize("clock", [dt.time(12, 0), dt.time(23, 30)])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (TODAY - dt.timedelta(days=600), TODAY + dt.timedelta(days=1)),
        (TODAY - dt.timedelta(days=113), TODAY - dt.timedelta(days=59)),
        (TODAY, TODAY),
    ],
)
def test_the_sql_indicators_are_the_python_reference(cast, clock, start, end):
    nurse, teams = cast
    with time_machine.travel(dt.datetime.combine(TODAY, clock, tzinfo=dt.UTC), tick=False):
        for team_id in (None, teams[1].pk):
            total, figures = reference_indicators(nurse, start=start, end=end, team_id=team_id)
            result = selectors.indicators_for(nurse, start=start, end=end, team_id=team_id)
            assert result.patients == total
            assert [(f.code, f.numerator, f.denominator) for f in result.figures] == figures
    if end > start:
        assert total > 0


def test_not_a_clinician_has_an_empty_worklist(patient):
    assert list(selectors.worklist_for(patient.user)) == []
    assert selectors.indicators_for(patient.user, start=TODAY, end=TODAY).patients == 0


def test_the_api_pages_through_the_reference(cast, api):
    nurse, _ = cast
    expected = [
        {**vars(row), "due_on": row.due_on.isoformat()} for row in reference_worklist(nurse)
    ]
    client, seen, page = api(nurse), [], 1
    while True:
        body = client.get("/api/v1/bone-health/worklist/", {"page_size": 7, "page": page}).json()
        assert body["count"] == len(expected)
        seen += body["results"]
        if not body["next"]:
            break
        page += 1
    assert seen == expected
    last = client.get("/api/v1/bone-health/worklist/", {"page_size": 7, "page": "last"}).json()
    assert last["results"] == expected[7 * (page - 1) :]
    beyond = client.get("/api/v1/bone-health/worklist/", {"page_size": 7, "page": page + 1})
    assert beyond.status_code == 404
    assert client.get("/api/v1/bone-health/worklist/", {"page": "x"}).status_code == 404


def test_an_empty_worklist_is_one_query_too(api, clinician, django_assert_num_queries):
    client = api(clinician)
    # 1 the user, 2 the teams, 3 the (empty) page, which says the count is 0; nothing to audit
    # (access_record writes no row for no patients).
    with django_assert_num_queries(3):
        body = client.get("/api/v1/bone-health/worklist/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
