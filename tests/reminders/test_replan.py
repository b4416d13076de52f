"""Re-planning the unsent reminders on every change PROTOCOL.md section 5 lists."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from outbox.models import Message
from outbox.signals import messages_settled
from recovery.services import patient_update, procedure_update
from reminders.models import Reminder

from .conftest import NY

UTC = dt.UTC
LATER = dt.datetime(2026, 2, 22, 12, 0, tzinfo=NY)  # day 2, after the day 1 and 2 reminders


@pytest.fixture
def planned(ny_patient, record):
    """A trauma procedure on 20 Feb 2026 whose day-1 and day-2 reminders went out."""
    procedure = record(ny_patient)
    for row in procedure.reminders.filter(due_at__lt=LATER):
        Reminder.objects.filter(pk=row.pk).update(status="sent", sent_at=row.due_at)
    return procedure


def sent_snapshot(procedure) -> set:
    return set(procedure.reminders.filter(status="sent").values_list("pk", "kind", "due_at"))


def test_changing_the_procedure_date_moves_only_unsent_reminders(planned, api, clinician):
    sent_before = sent_snapshot(planned)
    with time_machine.travel(LATER, tick=False):
        response = api(clinician).patch(
            f"/api/v1/procedures/{planned.pk}/", {"performed_on": "2026-02-21"}, format="json"
        )
    assert response.status_code == 200, response.content
    assert sent_snapshot(planned) == sent_before
    day_21 = planned.reminders.get(kind="checkin", offset_days=21)
    assert day_21.status == "scheduled"
    assert day_21.due_at == dt.datetime(2026, 3, 14, 13, 0, tzinfo=UTC)  # 9:00 EDT
    day_3 = planned.reminders.get(kind="checkin", offset_days=3)
    assert day_3.due_at == dt.datetime(2026, 2, 24, 14, 0, tzinfo=UTC)


def test_changing_the_restriction_length_replaces_the_restriction_items(planned):
    with time_machine.travel(LATER, tick=False):
        procedure_update(procedure=planned, data={"lifting_restriction_days": 3})
    end = planned.reminders.get(kind="lifting_restriction_end", offset_days=3)
    assert end.status == "scheduled"
    assert end.due_at == dt.datetime(2026, 2, 23, 14, 0, tzinfo=UTC)
    old_end = planned.reminders.get(kind="lifting_restriction_end", offset_days=7)
    assert (old_end.status, "No longer in the plan" in old_end.reason) == ("cancelled", True)
    # Day 3 is no longer before the end of a 3-day restriction.
    assert planned.reminders.get(kind="lifting_restriction", offset_days=3).status == "cancelled"
    assert planned.reminders.get(kind="lifting_restriction", offset_days=1).status == "sent"


def test_changing_the_cause_adds_and_removes_the_bone_health_items(planned):
    with time_machine.travel(LATER, tick=False):
        procedure_update(procedure=planned, data={"cause": "osteoporosis"})
    bone = planned.reminders.filter(kind="osteoporosis_medication")
    assert bone.count() == 13
    assert set(bone.values_list("status", flat=True)) == {"scheduled"}
    with time_machine.travel(LATER, tick=False):
        procedure_update(procedure=planned, data={"cause": "tumor"})
    assert set(bone.values_list("status", flat=True)) == {"cancelled"}
    with time_machine.travel(LATER, tick=False):
        procedure_update(procedure=planned, data={"cause": "osteoporosis"})
    assert set(bone.values_list("status", flat=True)) == {"scheduled"}
    assert bone.count() == 13  # brought back, never doubled


def test_the_osteoporosis_flag_of_the_patient_replans(planned, ny_patient, api, clinician):
    with time_machine.travel(LATER, tick=False):
        response = api(clinician).patch(
            f"/api/v1/patients/{ny_patient.pk}/", {"has_osteoporosis": True}, format="json"
        )
    assert response.status_code == 200, response.content
    assert planned.reminders.filter(kind="fall_prevention", status="scheduled").count() == 1


def test_the_time_zone_of_the_patient_replans(planned, ny_patient):
    with time_machine.travel(LATER, tick=False):
        patient_update(patient=ny_patient, data={"timezone": "Europe/Berlin"})
    day_3 = planned.reminders.get(kind="checkin", offset_days=3)
    assert day_3.due_at == dt.datetime(2026, 2, 23, 8, 0, tzinfo=UTC)  # 09:00 CET
    day_40 = planned.reminders.get(kind="checkin", offset_days=42)
    assert day_40.due_at == dt.datetime(2026, 4, 3, 7, 0, tzinfo=UTC)  # 09:00 CEST


def test_the_reminder_hour_of_the_patient_replans(planned, ny_patient):
    sent_before = sent_snapshot(planned)
    with time_machine.travel(LATER, tick=False):
        patient_update(patient=ny_patient, data={"reminder_hour": 7})
    assert planned.reminders.get(kind="checkin", offset_days=3).due_at == dt.datetime(
        2026, 2, 23, 12, 0, tzinfo=UTC
    )
    assert sent_snapshot(planned) == sent_before


def test_a_change_outside_the_plan_fields_touches_no_reminder(planned, ny_patient):
    before = list(planned.reminders.order_by("pk").values("pk", "due_at", "status", "updated_at"))
    with time_machine.travel(LATER, tick=False):
        patient_update(patient=ny_patient, data={"first_name": "Rose"})
        procedure_update(procedure=planned, data={"pre_procedure_pain": 6})
    after = list(planned.reminders.order_by("pk").values("pk", "due_at", "status", "updated_at"))
    assert after == before


def test_a_replan_cancels_a_moved_reminders_queued_messages_but_not_one_in_flight(
    planned, ny_patient
):
    """A queued reminder that moves goes back to the dispatcher; its messages still queued are
    cancelled through the outbox, and one already with its transport goes out: the reminder
    then says `sent` (before the outbox, the re-plan left a reminder being sent unmoved)."""
    reminder = planned.reminders.get(kind="checkin", offset_days=3)
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=LATER)
    about = {"category": "reminder", "ref_type": "reminder", "ref_id": reminder.pk}
    queued = Message.objects.create(channel="email", to="rosa@patient.test", body_text="x", **about)
    in_flight = Message.objects.create(
        channel="sms", to="+12025550142", body_text="x", status="sending", **about
    )
    with time_machine.travel(LATER, tick=False):
        patient_update(patient=ny_patient, data={"reminder_hour": 7})
    reminder.refresh_from_db()
    assert (reminder.status, reminder.claimed_at) == ("scheduled", None)
    assert reminder.due_at == dt.datetime(2026, 2, 23, 12, 0, tzinfo=UTC)
    queued.refresh_from_db()
    in_flight.refresh_from_db()
    assert queued.status == "cancelled" and in_flight.status == "sending"
    with transaction.atomic():
        Message.objects.filter(pk=in_flight.pk).update(status="sent", sent_at=LATER)
        in_flight.status, in_flight.sent_at = "sent", LATER
        messages_settled.send(sender="reminder", messages=[in_flight])
    reminder.refresh_from_db()
    assert (reminder.status, reminder.sent_at) == ("sent", LATER)


def test_a_replan_of_the_older_procedure_keeps_its_reminders_cancelled(ny_patient, record):
    first = record(ny_patient)
    second = record(
        ny_patient,
        at=dt.datetime(2026, 2, 24, 15, 0, tzinfo=NY),
        performed_on=dt.date(2026, 2, 24),
    )
    with time_machine.travel(dt.datetime(2026, 2, 24, 16, 0, tzinfo=NY), tick=False):
        procedure_update(procedure=first, data={"lifting_restriction_days": 10})
    assert first.reminders.filter(status="scheduled").count() == 0
    assert second.reminders.filter(status="scheduled").count() == 35


def test_recording_a_procedure_through_the_api_builds_its_plan(api, clinician, ny_patient):
    with time_machine.travel(dt.datetime(2026, 2, 20, 15, 0, tzinfo=NY), tick=False):
        response = api(clinician).post(
            f"/api/v1/patients/{ny_patient.pk}/procedures/",
            {
                "procedure_type": "vertebroplasty",
                "performed_on": "2026-02-20",
                "vertebral_levels": ["L2"],
                "cause": "osteoporosis",
                "pre_procedure_pain": 9,
                "lifting_restriction_days": 10,
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["lifting_restriction_until"] == "2026-03-02"
    rows = Reminder.objects.filter(procedure_id=response.json()["id"])
    assert rows.count() == 51
    assert rows.get(kind="lifting_restriction_end").offset_days == 10


def test_the_plan_is_written_in_the_procedures_transaction(ny_patient, record, monkeypatch):
    from reminders import planning

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(planning, "plans_create", broken)
    with pytest.raises(RuntimeError):
        record(ny_patient)
    assert not ny_patient.procedures.exists()  # no procedure without its plan
