"""Reads of the recovery plan, scoped to what the caller may see."""

from django.db.models import QuerySet

from accounts.models import User
from recovery.models import Patient, Procedure
from recovery.selectors import latest_procedure, patients_for

from .models import CalendarFeed, Reminder


def reminders_for(user: User) -> QuerySet[Reminder]:
    return Reminder.objects.filter(patient__in=patients_for(user))


def plan_get(patient: Patient) -> tuple[Procedure | None, list[Reminder]]:
    """The plan follows the most recent procedure (PROTOCOL.md section 1)."""
    procedure = latest_procedure(patient)
    if procedure is None:
        return None, []
    return procedure, list(procedure.reminders.order_by("due_at", "kind", "id"))


def calendar_patient_get(token: str) -> Patient | None:
    """The patient whose current calendar secret this is; an old or unknown one is None."""
    from .calendar_feeds import calendar_digest

    feed = (
        CalendarFeed.objects.select_related("patient")
        .filter(token_digest=calendar_digest(token))
        .first()
    )
    return feed.patient if feed else None
