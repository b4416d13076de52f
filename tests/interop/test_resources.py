"""The builders behind $everything: CPT coding, the plan as a CarePlan, our code systems."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.codesystem import CodeSystem

from interop import selectors
from interop.careplan import careplan_resource
from interop.procedures import procedure_cpt_codes
from recovery.choices import Symptom
from reminders.models import Reminder
from tests.factories import ProcedureFactory


@pytest.mark.parametrize(
    "procedure_type, levels, expected",
    [
        ("vertebroplasty", ["C7"], [("22510", 1)]),
        ("vertebroplasty", ["T8"], [("22510", 1)]),
        ("vertebroplasty", ["L3"], [("22511", 1)]),
        ("vertebroplasty", ["S1"], [("22511", 1)]),
        ("vertebroplasty", ["L2", "L1", "L3"], [("22511", 1), ("22512", 2)]),
        # The most cranial level is the first: T12 before L1 whatever the order given.
        ("vertebroplasty", ["L1", "T12"], [("22510", 1), ("22512", 1)]),
        ("kyphoplasty", ["T5"], [("22513", 1)]),
        ("kyphoplasty", ["L4"], [("22514", 1)]),
        ("kyphoplasty", ["L1", "L2"], [("22514", 1), ("22515", 1)]),
        ("kyphoplasty", ["T11", "T12", "L1"], [("22513", 1), ("22515", 2)]),
        # No CPT code fits a cervical or sacral kyphoplasty (API.md Codes): text only.
        ("kyphoplasty", ["C5"], []),
        ("kyphoplasty", ["S1"], []),
        ("kyphoplasty", ["L5", "S1"], []),
        ("kyphoplasty", [], []),
        # A level named twice is one level.
        ("kyphoplasty", ["L1", "L1"], [("22514", 1)]),
    ],
)
def test_cpt_codes_follow_type_and_region(procedure_type, levels, expected):
    assert procedure_cpt_codes(procedure_type, levels) == expected


def reminder(kind, status, due_at, title=None):
    # The shape of reminders.models.Reminder as the builder reads it.
    row = SimpleNamespace(kind=kind, status=status, due_at=due_at, procedure_id=None)
    if title:
        row.title = title
    return row


DUE = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_careplan_activities_are_the_reminders_with_their_states(patient):
    with time_machine.travel(DUE - dt.timedelta(days=1), tick=False):
        procedure = ProcedureFactory(patient=patient, performed_on=dt.date(2026, 3, 1))
    reminders = [
        reminder("checkin", "sent", DUE),
        reminder("checkin", "skipped", DUE + dt.timedelta(days=1)),
        reminder("activity", "failed", DUE, title="Take a short walk"),
        reminder("opioid_review", "scheduled", DUE + dt.timedelta(days=6)),
        reminder("lifting_restriction", "cancelled", DUE + dt.timedelta(days=2)),
    ]

    reminders[0].sent_at = DUE + dt.timedelta(minutes=1)
    plan = careplan_resource(procedure, reminders, latest=True, replaces=None)
    body = CarePlan.model_validate(plan.model_dump(mode="json")).model_dump(mode="json")

    assert body["status"] == "active"
    assert body["intent"] == "plan"
    # The plan last changed when its latest reminder did.
    assert dt.datetime.fromisoformat(body["meta"]["lastUpdated"]) == DUE + dt.timedelta(minutes=1)
    details = [activity["detail"] for activity in body["activity"]]
    assert [d["status"] for d in details] == [
        "completed",
        "cancelled",
        "stopped",
        "scheduled",
        "cancelled",
    ]
    assert all(d["kind"] == "CommunicationRequest" for d in details)
    assert details[0]["code"]["coding"][0] == {
        "system": "http://testserver/fhir/CodeSystem/reminder-kind",
        "code": "checkin",
        "display": "Checkin",
    }
    assert details[2]["description"] == "Take a short walk"
    assert "already checked in" in details[1]["statusReason"]["text"]
    assert dt.datetime.fromisoformat(details[3]["scheduledTiming"]["event"][0]) == DUE + (
        dt.timedelta(days=6)
    )


def test_careplan_status_follows_the_plan(patient):
    older = ProcedureFactory(patient=patient, performed_on=dt.date(2026, 1, 1))
    newer = ProcedureFactory(patient=patient, performed_on=dt.date(2026, 3, 1))
    done = [reminder("checkin", "sent", DUE)]
    cut_short = [reminder("checkin", "sent", DUE), reminder("checkin", "cancelled", DUE)]

    assert careplan_resource(newer, done, latest=True, replaces=older).status == "completed"
    assert careplan_resource(newer, [], latest=True, replaces=older).status == "active"
    assert careplan_resource(older, cut_short, latest=False, replaces=None).status == "revoked"
    assert careplan_resource(older, done, latest=False, replaces=None).status == "completed"


@pytest.mark.parametrize("name", ["symptom", "alert-rule", "alert-severity", "procedure-cause"])
def test_our_code_systems_resolve_at_their_urls(client, db, name):
    response = client.get(f"/fhir/CodeSystem/{name}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    system = CodeSystem.model_validate(response.json())
    assert system.url == f"http://testserver/fhir/CodeSystem/{name}"
    assert system.count == len(system.concept)


def test_symptom_code_system_lists_every_protocol_symptom(client, db):
    body = client.get("/fhir/CodeSystem/symptom").json()
    assert {c["code"] for c in body["concept"]} == set(Symptom.values)


def test_unknown_fhir_paths_are_404_operation_outcomes(client, db):
    for path in ["/fhir/CodeSystem/nope", "/fhir/Observation/1", "/fhir/metadata-x"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["resourceType"] == "OperationOutcome"


def test_recorded_procedure_plan_is_exported_as_a_careplan(api, clinician, patient):
    """Recording a procedure through the API creates its plan, exported as one CarePlan."""
    response = api(clinician).post(
        f"/api/v1/patients/{patient.pk}/procedures/",
        {
            "procedure_type": "kyphoplasty",
            "performed_on": timezone.now().date().isoformat(),
            "vertebral_levels": ["L1"],
            "cause": "osteoporosis",
            "pre_procedure_pain": 8,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    procedure_id = response.json()["id"]
    rows = list(Reminder.objects.filter(procedure_id=procedure_id).order_by("due_at", "pk"))
    assert rows, "recording a procedure should plan reminders"

    body = api(clinician).get(f"/fhir/Patient/{patient.pk}/$everything").json()

    # The recovery plan; an osteoporotic fracture also has the bone-health pathway's CarePlan
    # (bone-health-<patient>, tests/interop/test_bone_health_fhir.py).
    plans = [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    (plan,) = [p for p in plans if not p["id"].startswith("bone-health-")]
    assert plan["id"] == f"plan-{procedure_id}"
    details = [activity["detail"] for activity in plan["activity"]]
    assert [d["code"]["coding"][0]["code"] for d in details] == [r.kind for r in rows]


def test_plans_group_reminders_by_procedure_and_since_keeps_changed_plans(clinician, patient):
    with time_machine.travel(DUE - dt.timedelta(days=60), tick=False):
        old = ProcedureFactory(patient=patient, performed_on=dt.date(2026, 1, 1))
        new = ProcedureFactory(patient=patient, performed_on=dt.date(2026, 3, 1))
        Reminder.objects.create(
            patient=patient,
            procedure=old,
            kind="checkin",
            offset_days=1,
            due_at=DUE,
            status="cancelled",
        )
        Reminder.objects.create(
            patient=patient,
            procedure=new,
            kind="activity",
            offset_days=1,
            due_at=DUE - dt.timedelta(days=1),
        )
        sent = Reminder.objects.create(
            patient=patient, procedure=new, kind="checkin", offset_days=1, due_at=DUE
        )
    since = DUE - dt.timedelta(days=30)
    with time_machine.travel(DUE, tick=False):
        sent.status = "sent"
        sent.sent_at = DUE
        sent.save()

    everything = selectors.patient_record_get(user=clinician, patient_id=patient.pk, since=None)
    assert [r.kind for r in everything.plans[old.pk]] == ["checkin"]
    assert [r.kind for r in everything.plans[new.pk]] == ["activity", "checkin"]

    # A plan is one resource: one sent reminder exports the whole of its plan, and only it.
    changed = selectors.patient_record_get(user=clinician, patient_id=patient.pk, since=since)
    assert set(changed.plans) == {new.pk}
    assert [r.kind for r in changed.plans[new.pk]] == ["activity", "checkin"]
