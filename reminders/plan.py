"""The recovery plan of PROTOCOL.md section 5, as one table the care team can review.

Each row names a kind of reminder, the days after the procedure it is due, when it applies,
the source document in seeds/ and our own plain-language wording. `plan_for` turns the table
into due times: the patient's reminder hour in the patient's own time zone on procedure date +
offset, stored in UTC, so a 09:00 reminder stays 09:00 local across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext


class Kind(models.TextChoices):
    CHECKIN = "checkin", "check-in"
    LIFTING_RESTRICTION = "lifting_restriction", "lifting restriction"
    LIFTING_RESTRICTION_END = "lifting_restriction_end", "end of the lifting restriction"
    ACTIVITY = "activity", "activity"
    PHYSICAL_THERAPY = "physical_therapy", "physical therapy"
    OPIOID_REVIEW = "opioid_review", "pain medicine"
    BRACE_REVIEW = "brace_review", "back brace"
    FOLLOWUP_IMAGING = "followup_imaging", "follow-up imaging"
    OSTEOPOROSIS_MEDICATION = "osteoporosis_medication", "bone medicine"
    CALCIUM_VITAMIN_D = "calcium_vitamin_d", "calcium and vitamin D"
    FALL_PREVENTION = "fall_prevention", "fall prevention"
    OSTEOPOROSIS_FOLLOWUP = "osteoporosis_followup", "bone-health follow-up"
    NEW_FRACTURE_AWARENESS = "new_fracture_awareness", "new fracture signs"


@dataclass(frozen=True)
class PlanInput:
    """What the plan depends on: exactly the fields PROTOCOL.md section 5 re-plans on."""

    performed_on: date
    cause: str
    lifting_restriction_days: int
    timezone: str
    reminder_hour: int
    has_osteoporosis: bool

    @classmethod
    def of(cls, procedure) -> PlanInput:
        patient = procedure.patient
        return cls(
            performed_on=procedure.performed_on,
            cause=procedure.cause,
            lifting_restriction_days=procedure.lifting_restriction_days,
            timezone=patient.timezone,
            reminder_hour=patient.reminder_hour,
            has_osteoporosis=patient.has_osteoporosis,
        )

    @property
    def lifting_restriction_until(self) -> date:
        return self.performed_on + timedelta(days=self.lifting_restriction_days)


# --- Conditions and offsets that depend on the procedure -----------------------------------


def always(plan: PlanInput) -> bool:
    return True


def osteoporosis(plan: PlanInput) -> bool:
    """The bone-health items: the cause is osteoporosis or the patient is known to have it."""
    return plan.cause == "osteoporosis" or plan.has_osteoporosis


def before_restriction_end(*days: int) -> Callable[[PlanInput], tuple[int, ...]]:
    """Offsets that only make sense while the restriction still holds (day < N)."""

    def offsets(plan: PlanInput) -> tuple[int, ...]:
        return tuple(day for day in days if day < plan.lifting_restriction_days)

    return offsets


def restriction_end(plan: PlanInput) -> tuple[int, ...]:
    return (plan.lifting_restriction_days,)


Offsets = tuple[int, ...] | Callable[[PlanInput], tuple[int, ...]]


@dataclass(frozen=True)
class PlanItem:
    kind: str
    offsets: Offsets
    applies: Callable[[PlanInput], bool]
    source: str
    title: str
    # Plain-language text. {until} is the first day without the lifting restriction,
    # {due} the day of this reminder, both in the patient's own words of a date.
    text: str

    def offsets_for(self, plan: PlanInput) -> tuple[int, ...]:
        return self.offsets(plan) if callable(self.offsets) else self.offsets


PLAN: tuple[PlanItem, ...] = (
    PlanItem(
        kind=Kind.CHECKIN,
        offsets=(*range(1, 15), *range(21, 85, 7)),
        applies=always,
        source="default",
        title="Time for your check-in",
        text=(
            "Please take a minute to log today's pain score and any symptoms in the app. "
            "It helps your care team see how your back is healing."
        ),
    ),
    PlanItem(
        kind=Kind.LIFTING_RESTRICTION,
        offsets=before_restriction_end(1, 3),
        applies=always,
        source="002, 004",
        title="No heavy lifting yet",
        text=(
            "Your spine is still settling after the procedure. Please do not lift anything "
            "heavy until {until}. Walking and light everyday tasks are fine."
        ),
    ),
    PlanItem(
        kind=Kind.LIFTING_RESTRICTION_END,
        offsets=restriction_end,
        applies=always,
        source="004",
        title="Your lifting restriction ends today",
        text=(
            "From today, {until}, the lifting restriction is over. Ease back into your normal "
            "activities step by step over the coming days, and stop if the pain comes back."
        ),
    ),
    PlanItem(
        kind=Kind.ACTIVITY,
        offsets=(1,),
        applies=always,
        source="000, 002",
        title="A short walk is good for you",
        text=(
            "Getting up and walking helps your recovery. Short walks and light activity are "
            "fine from now on; rest when you need to."
        ),
    ),
    PlanItem(
        kind=Kind.PHYSICAL_THERAPY,
        offsets=(7,),
        applies=always,
        source="000, 002",
        title="Back-strengthening exercises",
        text=(
            "If your care team suggested exercises or physical therapy to strengthen your back, "
            "this is a good week to start. If you are not sure, ask them."
        ),
    ),
    PlanItem(
        kind=Kind.OPIOID_REVIEW,
        offsets=(7,),
        applies=always,
        source="004",
        title="How is your pain medicine going?",
        text=(
            "Most people no longer need strong (opioid) pain medicine about a week after the "
            "procedure. If you still need it, please tell your care team."
        ),
    ),
    PlanItem(
        kind=Kind.BRACE_REVIEW,
        offsets=(30,),
        applies=always,
        source="004",
        title="Do you still wear a back brace?",
        text=(
            "Most people stop wearing a back brace within about a month. If you still use one, "
            "ask your care team whether you can stop."
        ),
    ),
    PlanItem(
        kind=Kind.FOLLOWUP_IMAGING,
        offsets=(28,),
        applies=always,
        source="002",
        title="Follow-up X-ray or MRI",
        text=(
            "If your care team ordered a follow-up X-ray or MRI, it is due around {due}. It "
            "checks that the bone has healed and that there is no new fracture. Please book it "
            "if you have not done so yet."
        ),
    ),
    PlanItem(
        kind=Kind.OSTEOPOROSIS_MEDICATION,
        offsets=(3, *range(30, 361, 30)),
        applies=osteoporosis,
        source="002, 004",
        title="Your bone-strengthening medicine",
        text=(
            "Medicine that strengthens your bones lowers the chance of another fracture. If "
            "it has been prescribed, please start it or keep taking it as your doctor told you."
        ),
    ),
    PlanItem(
        kind=Kind.CALCIUM_VITAMIN_D,
        offsets=(7,),
        applies=osteoporosis,
        source="002, 004",
        title="Calcium and vitamin D",
        text=(
            "Your bones need calcium and vitamin D. Ask your care team how much you should "
            "take, from food or as a supplement."
        ),
    ),
    PlanItem(
        kind=Kind.FALL_PREVENTION,
        offsets=(14,),
        applies=osteoporosis,
        source="002, 004",
        title="Keep your bones strong and avoid falls",
        text=(
            "Balance exercises and gentle weight-bearing activity such as walking help keep "
            "your bones strong and make falls less likely. Not smoking and drinking little "
            "alcohol help too."
        ),
    ),
    PlanItem(
        kind=Kind.OSTEOPOROSIS_FOLLOWUP,
        offsets=(42,),
        applies=osteoporosis,
        source="004",
        title="Book your bone-health follow-up",
        text=(
            "The procedure treated the fracture; a follow-up visit treats the weak bones behind "
            "it. Please make sure you have an appointment around {due}."
        ),
    ),
    PlanItem(
        kind=Kind.NEW_FRACTURE_AWARENESS,
        offsets=(90, 180, 365),
        applies=always,
        source="004",
        title="Know the sign of a new fracture",
        text=(
            "Sudden new back pain can mean a new fracture in another bone of the spine. If it "
            "happens, log a check-in in the app and call your care team."
        ),
    ),
)

ITEMS: dict[str, PlanItem] = {item.kind: item for item in PLAN}


@dataclass(frozen=True)
class PlannedReminder:
    kind: str
    offset_days: int
    due_at: datetime  # UTC


def due_at(plan: PlanInput, offset_days: int) -> datetime:
    """The reminder hour in the patient's zone on procedure date + offset, in UTC.

    zoneinfo applies the offset in force on that very date (EST in January, EDT in July). An
    hour that does not exist on a spring-forward day resolves with the earlier offset (02:00
    becomes 03:00 local); an hour that happens twice on a fall-back day is the first one.
    """
    day = plan.performed_on + timedelta(days=offset_days)
    return _local_to_utc(day, plan.reminder_hour, plan.timezone)


# Bulk planning asks the same (day, hour, zone) many times; the answer never changes.
@lru_cache(maxsize=65536)
def _local_to_utc(day: date, hour: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour=hour), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def plan_items(plan: PlanInput) -> Iterator[tuple[str, int, datetime]]:
    """(kind, offset in days, due time in UTC) of every reminder the protocol gives."""
    for item in PLAN:
        if item.applies(plan):
            for offset in item.offsets_for(plan):
                yield item.kind.value, offset, due_at(plan, offset)


# A bulk import plans many procedures with the same inputs (same day, zone, hour, length,
# bone flag); their plans are identical, so each is computed once.
@lru_cache(maxsize=4096)
def plan_items_cached(plan: PlanInput) -> tuple[tuple[str, int, datetime], ...]:
    return tuple(plan_items(plan))


def plan_for(plan: PlanInput) -> list[PlannedReminder]:
    """Every reminder the protocol gives this procedure, in due order."""
    planned = [
        PlannedReminder(kind=kind, offset_days=offset, due_at=due)
        for kind, offset, due in plan_items(plan)
    ]
    return sorted(planned, key=lambda r: (r.due_at, r.kind))


def format_day(day: date) -> str:
    """A date as a patient reads it, in the active language: "Friday 6 March 2026"."""
    # Translators: a date format of django.utils.dateformat, e.g. "Friday 6 March 2026".
    return date_format(day, gettext("l j F Y"))


def text_for(kind: str, *, until: date, due: date) -> str:
    """The item's text in the active language (patientapp/locale holds the translations)."""
    return gettext(ITEMS[kind].text).format(until=format_day(until), due=format_day(due))
