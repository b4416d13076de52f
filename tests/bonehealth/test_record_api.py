"""GET/PATCH /api/v1/patients/{id}/bone-health/ (API.md "Bone health (clinicians)")."""

import datetime as dt

import pytest

from bonehealth.models import BoneHealthChange, BoneHealthRecord
from tests.api.support import field_errors
from tests.factories import ProcedureFactory

from .conftest import TODAY


def url(patient) -> str:
    return f"/api/v1/patients/{patient.pk}/bone-health/"


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def milestones(body) -> dict:
    return {m["code"]: m for m in body["milestones"]}


def test_a_new_patient_has_an_empty_record_with_every_milestone_due(api, clinician, on_pathway):
    patient = on_pathway(10)
    response = api(clinician).get(url(patient))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "on_pathway",
        "pathway_override",
        "index_date",
        "pathway_override_reason",
        "assessed_on",
        "risk",
        "dxa_done_on",
        "dxa_lowest_t_score",
        "dxa_not_needed_on",
        "falls_assessed_on",
        "treatment",
        "treatment_recommended_on",
        "treatment_started_on",
        "last_dose_on",
        "monitored_on",
        "reviewed_52w_on",
        "on_treatment_52w",
        "gp_name",
        "gp_address",
        "gp_letter_sent_on",
        "milestones",
    ]
    assert body["on_pathway"] is True
    assert body["index_date"] == ago(10)
    assert body["pathway_override"] is None
    assert [m["code"] for m in body["milestones"]][0] == "assessment"
    assert milestones(body)["assessment"] == {
        "code": "assessment",
        "due_on": (TODAY + dt.timedelta(days=80)).isoformat(),
        "done_on": None,
        "status": "due",
    }
    assert len(body["milestones"]) == 8
    # A GET creates nothing.
    assert not BoneHealthRecord.objects.exists()


def test_without_a_procedure_the_index_date_is_null_and_nothing_applies(api, clinician, patient):
    body = api(clinician).get(url(patient)).json()
    assert body["index_date"] is None
    assert {m["status"] for m in body["milestones"]} == {"not_applicable"}
    assert {m["due_on"] for m in body["milestones"]} == {None}


def test_the_fracture_date_is_the_index_date_when_known(api, clinician, on_pathway):
    patient = on_pathway(10, fracture_date=TODAY - dt.timedelta(days=30))
    assert api(clinician).get(url(patient)).json()["index_date"] == ago(30)


def test_patch_records_milestones_and_every_change_with_who_old_and_new(api, clinician, on_pathway):
    patient = on_pathway(100)
    client = api(clinician)
    response = client.patch(
        url(patient),
        {
            "assessed_on": ago(20),
            "risk": "very_high",
            "dxa_done_on": ago(15),
            "dxa_lowest_t_score": -3.1,
            "treatment": "zoledronate",
            "treatment_recommended_on": ago(5),
            "gp_name": "Dr Ada Lee",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dxa_lowest_t_score"] == -3.1
    assert body["treatment"] == "zoledronate"
    states = milestones(body)
    assert states["assessment"]["status"] == "done"  # day 80 of 90
    assert states["assessment"]["done_on"] == ago(20)
    assert states["dxa"]["status"] == "done"
    assert states["falls_assessment"]["status"] == "due"
    assert states["treatment_decision"]["status"] == "done"
    assert states["treatment_start"]["status"] == "due"

    changes = {c.field: c for c in BoneHealthChange.objects.all()}
    assert set(changes) == {
        "assessed_on",
        "risk",
        "dxa_done_on",
        "dxa_lowest_t_score",
        "treatment",
        "treatment_recommended_on",
        "gp_name",
    }
    assert changes["risk"].old is None and changes["risk"].new == "very_high"
    assert changes["assessed_on"].new == ago(20)
    assert changes["gp_name"].old == "" and changes["gp_name"].actor == clinician

    # A second change keeps the first one's value as "old"; an unchanged value adds nothing.
    client.patch(url(patient), {"risk": "high", "gp_name": "Dr Ada Lee"}, format="json")
    latest = BoneHealthChange.objects.filter(field="risk").order_by("-id").first()
    assert (latest.old, latest.new) == ("very_high", "high")
    assert BoneHealthChange.objects.filter(field="gp_name").count() == 1
    assert BoneHealthRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"assessed_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "assessed_on"),
        ({"dxa_done_on": ago(10 + 366)}, "dxa_done_on"),
        ({"dxa_lowest_t_score": -9}, "dxa_lowest_t_score"),
        ({"dxa_lowest_t_score": 4.5}, "dxa_lowest_t_score"),
        ({"dxa_lowest_t_score": "-2.5"}, "dxa_lowest_t_score"),
        ({"dxa_lowest_t_score": True}, "dxa_lowest_t_score"),
        ({"treatment": "aspirin"}, "treatment"),
        ({"treatment": 3}, "treatment"),
        ({"risk": "medium"}, "risk"),
        ({"pathway_override": "maybe"}, "pathway_override"),
        ({"on_treatment_52w": "yes"}, "on_treatment_52w"),
        ({"gp_letter_sent_on": "2026-02-30"}, "gp_letter_sent_on"),
        ({"monitored_on": 20260101}, "monitored_on"),
        ({"gp_name": "x" * 201}, "gp_name"),
        # One bad field refuses the whole request, the good one included.
        ({"risk": "high", "treatment": "aspirin"}, "treatment"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(
    api, clinician, on_pathway, body, field
):
    patient = on_pathway(10)
    response = api(clinician).patch(url(patient), body, format="json")
    assert field in field_errors(response)
    assert not BoneHealthRecord.objects.exists()
    assert not BoneHealthChange.objects.exists()


def test_a_date_exactly_365_days_before_the_index_date_is_accepted(api, clinician, on_pathway):
    patient = on_pathway(10)
    response = api(clinician).patch(url(patient), {"dxa_done_on": ago(375)}, format="json")
    assert response.status_code == 200
    assert milestones(response.json())["dxa"]["status"] == "done"


def test_fields_can_be_cleared_with_null(api, clinician, on_pathway):
    patient = on_pathway(10)
    client = api(clinician)
    client.patch(url(patient), {"assessed_on": ago(1)}, format="json")
    body = client.patch(url(patient), {"assessed_on": None}, format="json").json()
    assert body["assessed_on"] is None
    assert milestones(body)["assessment"]["status"] == "due"


def test_read_only_fields_are_ignored(api, clinician, on_pathway):
    patient = on_pathway(10)
    body = (
        api(clinician)
        .patch(url(patient), {"on_pathway": False, "index_date": "2020-01-01"}, format="json")
        .json()
    )
    assert body["on_pathway"] is True
    assert body["index_date"] == ago(10)


def test_leaving_and_joining_the_pathway(api, clinician, on_pathway, team):
    client = api(clinician)
    patient = on_pathway(10)
    body = client.patch(
        url(patient),
        {"pathway_override": "off", "pathway_override_reason": "Under oncology"},
        format="json",
    ).json()
    assert body["on_pathway"] is False
    assert {m["status"] for m in body["milestones"]} == {"not_applicable"}
    body = client.patch(url(patient), {"pathway_override": None}, format="json").json()
    assert body["on_pathway"] is True

    trauma = on_pathway(10, cause="trauma")
    assert client.get(url(trauma)).json()["on_pathway"] is False
    body = client.patch(url(trauma), {"pathway_override": "on"}, format="json").json()
    assert body["on_pathway"] is True
    assert milestones(body)["assessment"]["status"] == "due"


def test_a_new_procedure_moves_the_index_date_and_old_dates_stop_counting(
    api, clinician, on_pathway
):
    client = api(clinician)
    patient = on_pathway(500)
    client.patch(url(patient), {"assessed_on": ago(480)}, format="json")
    before = client.get(url(patient)).json()
    assert milestones(before)["assessment"]["status"] == "done"

    ProcedureFactory(patient=patient, performed_on=TODAY - dt.timedelta(days=100))
    after = client.get(url(patient)).json()
    assert after["index_date"] == ago(100)
    # 480 days ago is 380 days before the new index date: kept, but completes nothing.
    assert after["assessed_on"] == ago(480)
    assert milestones(after)["assessment"] == {
        "code": "assessment",
        "due_on": ago(10),
        "done_on": None,
        "status": "overdue",
    }


def test_a_team_window_moves_due_dates_and_is_validated_like_rule_settings(
    api, clinician, on_pathway, team
):
    from django.core.exceptions import ValidationError

    patient = on_pathway(70)
    team.rule_settings = {"bone_assessment_due_days": 60}
    team.full_clean()
    team.save()
    body = api(clinician).get(url(patient)).json()
    assert milestones(body)["assessment"]["due_on"] == ago(10)
    assert milestones(body)["assessment"]["status"] == "overdue"
    assert milestones(body)["dxa"]["status"] == "due"
    team.rule_settings = {"bone_assessment_due_days": 0}
    with pytest.raises(ValidationError):
        team.full_clean()


@pytest.mark.parametrize("changes", [1, 10])
def test_the_record_reads_in_constant_queries(
    api, clinician, on_pathway, django_assert_num_queries, changes
):
    patient = on_pathway(100)
    client = api(clinician)
    for i in range(changes):
        client.patch(url(patient), {"gp_name": f"Dr {i}"}, format="json")
    # 1 the patient in scope with team, record and latest procedure (subqueries), 2 the audit
    # INSERT; the user behind the token is in the shared cache since the first PATCH.
    with django_assert_num_queries(2):
        assert client.get(url(patient)).status_code == 200
