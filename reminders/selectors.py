"""Reads of the recovery plan, scoped to what the caller may see."""

from datetime import datetime

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from recovery.models import Patient, Procedure
from recovery.selectors import latest_procedure

from .models import CalendarFeed, Reminder
from .plan import Kind


def with_attempts(reminders: QuerySet[Reminder]) -> QuerySet[Reminder]:
    """Each reminder with `attempts`: the most tries any of the patient's own messages of it
    took in the outbox (0 before it was queued), in the same query."""
    from outbox.models import Message

    from .messages import CATEGORY, REF_TYPE

    tries = Message.objects.filter(ref_type=REF_TYPE, ref_id=OuterRef("pk"), category=CATEGORY)
    tries = tries.order_by().values("ref_id").annotate(most=Max("attempts")).values("most")
    return reminders.annotate(attempts=Coalesce(Subquery(tries), 0))


def plan_get(patient: Patient) -> tuple[Procedure | None, list[Reminder]]:
    """The plan follows the most recent procedure (PROTOCOL.md section 1)."""
    procedure = latest_procedure(patient)
    if procedure is None:
        return None, []
    return procedure, list(procedure.reminders.order_by("due_at", "kind", "id"))


def medication_reminder_due(*, patient_id: int, since: datetime | None) -> bool:
    """Whether an osteoporosis_medication reminder of the patient fell due by now, and after
    `since` when given (recovery.selectors.ask_bone_medicine). One indexed query."""
    due = Reminder.objects.filter(
        patient_id=patient_id, kind=Kind.OSTEOPOROSIS_MEDICATION, due_at__lte=timezone.now()
    ).exclude(status=Reminder.Status.CANCELLED)
    if since is not None:
        due = due.filter(due_at__gt=since)
    return due.exists()


def calendar_patient_get(token: str) -> Patient | None:
    """The patient whose current calendar secret this is; an old or unknown one is None."""
    from .calendar_feeds import calendar_digest

    feed = (
        CalendarFeed.objects.select_related("patient")
        .filter(token_digest=calendar_digest(token))
        .first()
    )
    return feed.patient if feed else None
