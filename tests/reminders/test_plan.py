"""The plan matches PROTOCOL.md section 5 to the minute, in the patient's local time."""

import datetime as dt
from collections import defaultdict

import pytest

from reminders.models import Reminder

from .conftest import NY

UTC = dt.UTC

# PROTOCOL.md section 5, written out by hand (not read from reminders/plan.py), for a 7-day
# lifting restriction.
EVERY_PROCEDURE = {
    "checkin": [*range(1, 15), 21, 28, 35, 42, 49, 56, 63, 70, 77, 84],
    "lifting_restriction": [1, 3],
    "lifting_restriction_end": [7],
    "activity": [1],
    "physical_therapy": [7],
    "opioid_review": [7],
    "brace_review": [30],
    "followup_imaging": [28],
    "new_fracture_awareness": [90, 180, 365],
}
OSTEOPOROSIS = {
    "osteoporosis_medication": [3, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 360],
    "calcium_vitamin_d": [7],
    "fall_prevention": [14],
    "osteoporosis_followup": [42],
}


def offsets_by_kind(procedure) -> dict:
    found = defaultdict(list)
    for kind, offset in procedure.reminders.order_by("offset_days").values_list(
        "kind", "offset_days"
    ):
        found[kind].append(offset)
    return dict(found)


@pytest.mark.parametrize("procedure_type", ["vertebroplasty", "kyphoplasty"])
@pytest.mark.parametrize(
    ("cause", "has_osteoporosis", "bone_items"),
    [
        ("osteoporosis", False, True),
        ("trauma", True, True),
        ("trauma", False, False),
        ("tumor", False, False),
    ],
)
def test_plan_has_every_protocol_item_and_bone_items_only_when_they_apply(
    ny_patient, record, procedure_type, cause, has_osteoporosis, bone_items
):
    ny_patient.has_osteoporosis = has_osteoporosis
    ny_patient.save()
    procedure = record(ny_patient, procedure_type=procedure_type, cause=cause)
    expected = {**EVERY_PROCEDURE, **(OSTEOPOROSIS if bone_items else {})}
    assert offsets_by_kind(procedure) == expected
    assert set(procedure.reminders.values_list("status", flat=True)) == {"scheduled"}


def test_due_times_are_nine_local_in_winter_and_summer_stored_in_utc(ny_patient, record):
    procedure = record(ny_patient, cause="osteoporosis")
    due = {(r.kind, r.offset_days): r.due_at for r in procedure.reminders.all()}
    # Before 8 March 2026 New York is on EST (UTC-5), after it on EDT (UTC-4), and from
    # 1 November 2026 on EST again.
    assert due[("checkin", 1)] == dt.datetime(2026, 2, 21, 14, 0, tzinfo=UTC)
    assert due[("lifting_restriction", 3)] == dt.datetime(2026, 2, 23, 14, 0, tzinfo=UTC)
    assert due[("lifting_restriction_end", 7)] == dt.datetime(2026, 2, 27, 14, 0, tzinfo=UTC)
    assert due[("checkin", 14)] == dt.datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    assert due[("checkin", 21)] == dt.datetime(2026, 3, 13, 13, 0, tzinfo=UTC)
    assert due[("followup_imaging", 28)] == dt.datetime(2026, 3, 20, 13, 0, tzinfo=UTC)
    assert due[("osteoporosis_followup", 42)] == dt.datetime(2026, 4, 3, 13, 0, tzinfo=UTC)
    assert due[("new_fracture_awareness", 180)] == dt.datetime(2026, 8, 19, 13, 0, tzinfo=UTC)
    assert due[("osteoporosis_medication", 240)] == dt.datetime(2026, 10, 18, 13, 0, tzinfo=UTC)
    assert due[("osteoporosis_medication", 270)] == dt.datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
    assert due[("new_fracture_awareness", 365)] == dt.datetime(2027, 2, 20, 14, 0, tzinfo=UTC)
    for (_, offset), due_at in due.items():
        local = due_at.astimezone(NY)
        assert (local.hour, local.minute) == (9, 0)
        assert local.date() == dt.date(2026, 2, 20) + dt.timedelta(days=offset)


def test_reminder_hour_is_the_patients_own(ny_patient, record):
    ny_patient.reminder_hour = 18
    ny_patient.save()
    procedure = record(ny_patient)
    first = procedure.reminders.get(kind="checkin", offset_days=1)
    assert first.due_at == dt.datetime(2026, 2, 21, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("days", "during", "end"),
    [(1, [], [1]), (2, [1], [2]), (3, [1], [3]), (4, [1, 3], [4]), (30, [1, 3], [30])],
)
def test_lifting_items_follow_the_restriction_length(ny_patient, record, days, during, end):
    procedure = record(ny_patient, lifting_restriction_days=days)
    found = offsets_by_kind(procedure)
    assert found.get("lifting_restriction", []) == during
    assert found["lifting_restriction_end"] == end


def test_items_more_than_a_day_past_when_planned_are_skipped_not_sent_late(ny_patient, record):
    # Recorded on day 5 at 10:00: day 4 09:00 is 25 h late, day 5 09:00 only one hour.
    procedure = record(ny_patient, at=dt.datetime(2026, 2, 25, 10, 0, tzinfo=NY))
    rows = {r.offset_days: r for r in procedure.reminders.filter(kind="checkin")}
    assert rows[4].status == "skipped"
    assert "past" in rows[4].reason
    assert rows[5].status == "scheduled"
    assert rows[6].status == "scheduled"


def test_a_newer_procedure_cancels_the_unsent_reminders_of_the_older_one(ny_patient, record):
    first = record(ny_patient, at=dt.datetime(2026, 2, 20, 15, 0, tzinfo=NY))
    sent = first.reminders.get(kind="checkin", offset_days=1)
    Reminder.objects.filter(pk=sent.pk).update(status="sent", sent_at=sent.due_at)
    second = record(
        ny_patient,
        at=dt.datetime(2026, 2, 22, 15, 0, tzinfo=NY),
        performed_on=dt.date(2026, 2, 22),
        vertebral_levels=["T12"],
    )
    statuses = set(first.reminders.exclude(pk=sent.pk).values_list("status", flat=True))
    assert statuses == {"cancelled"}
    assert first.reminders.get(pk=sent.pk).status == "sent"
    assert offsets_by_kind(second) == EVERY_PROCEDURE
    assert set(second.reminders.values_list("status", flat=True)) == {"scheduled"}
