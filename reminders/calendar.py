"""The patient's plan as an iCalendar feed: the lifting restriction and the follow-ups.

Daily check-in nudges are left out on purpose: a phone calendar full of them hides the
dates that matter (the end of the restriction, imaging, the bone-health visit).
"""

from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event

from recovery.models import Patient, Procedure

from . import plan
from .models import Reminder

# Kinds that are events in the calendar; the others are emails only.
CALENDAR_KINDS = {
    plan.Kind.LIFTING_RESTRICTION_END,
    plan.Kind.PHYSICAL_THERAPY,
    plan.Kind.OPIOID_REVIEW,
    plan.Kind.BRACE_REVIEW,
    plan.Kind.FOLLOWUP_IMAGING,
    plan.Kind.CALCIUM_VITAMIN_D,
    plan.Kind.FALL_PREVENTION,
    plan.Kind.OSTEOPOROSIS_FOLLOWUP,
    plan.Kind.OSTEOPOROSIS_MEDICATION,
    plan.Kind.NEW_FRACTURE_AWARENESS,
}


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "tracker"


def plan_calendar(
    *, patient: Patient, procedure: Procedure | None, reminders: list[Reminder]
) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Recovery tracker//Recovery plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "My recovery plan")
    cal.add("x-wr-timezone", patient.timezone)
    if procedure is None:
        return cal.to_ical()
    until = procedure.lifting_restriction_until
    restriction = Event()
    restriction.add("uid", f"restriction-{procedure.pk}@{_host()}")
    restriction.add("summary", "No heavy lifting")
    restriction.add(
        "description",
        f"No heavy lifting after your procedure. The restriction ends on {plan.format_day(until)}.",
    )
    restriction.add("dtstart", procedure.performed_on)
    restriction.add("dtend", until)  # all-day events end on the first day without them
    restriction.add("dtstamp", procedure.updated_at)
    cal.add_component(restriction)
    ends = Event()
    ends.add("uid", f"restriction-end-{procedure.pk}@{_host()}")
    ends.add("summary", "Lifting restriction ends")
    ends.add("dtstart", until)
    ends.add("dtend", until + timedelta(days=1))
    ends.add("dtstamp", procedure.updated_at)
    cal.add_component(ends)
    for reminder in reminders:
        if reminder.kind not in CALENDAR_KINDS or reminder.status == Reminder.Status.CANCELLED:
            continue
        item = plan.ITEMS[reminder.kind]
        due_day = reminder.due_at.astimezone(patient.tz).date()
        event = Event()
        event.add("uid", f"reminder-{reminder.pk}@{_host()}")
        event.add("summary", item.title)
        event.add("description", plan.text_for(reminder.kind, until=until, due=due_day))
        event.add("dtstart", reminder.due_at)
        event.add("dtend", reminder.due_at + timedelta(minutes=15))
        event.add("dtstamp", reminder.updated_at)
        cal.add_component(event)
    return cal.to_ical()
