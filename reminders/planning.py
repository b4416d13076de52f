"""Planning: a procedure's plan written as reminder rows, re-planned when its inputs change,
and cancelled when follow-up ends (PROTOCOL.md section 5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from outbox.services import messages_cancel
from recovery.models import Patient, Procedure
from recovery.selectors import latest_procedure

from . import plan
from .models import Reminder

Status = Reminder.Status

REF_TYPE = "reminder"  # the outbox's ref_type of a reminder's messages (reminders/messages.py)
REASON_LATE_WHEN_PLANNED = "More than a day in the past when the plan was made: not sent."
REASON_SUPERSEDED = "A newer procedure replaced this plan."
REASON_REPLANNED = "No longer in the plan after a change to the procedure or the patient."
REASON_DISCHARGED = "The patient was discharged ({reason})."


def late_limit() -> timedelta:
    return timedelta(hours=settings.REMINDER_LATE_LIMIT_HOURS)


def _initial_state(due_at: datetime, now: datetime) -> tuple[str, str]:
    """A reminder already more than a day in the past is recorded as skipped, not sent late."""
    if due_at < now - late_limit():
        return Status.SKIPPED, REASON_LATE_WHEN_PLANNED
    return Status.SCHEDULED, ""


PLAN_COLUMNS = (
    "patient_id",
    "procedure_id",
    "kind",
    "offset_days",
    "due_at",
    "status",
    "reason",
    "created_at",
    "updated_at",
)


def plans_create(*, procedures: Iterable[Procedure]) -> int:
    """Write the full plan of procedures that have none yet, in bulk. Returns rows written.

    Used for a newly recorded procedure and for bulk imports: 10,000 procedures are about
    half a million rows, which the ORM's bulk_create builds far too slowly (it prepares every
    value through its field); COPY on PostgreSQL writes them in a few seconds.
    """
    now = timezone.now()
    past = now - late_limit()
    rows = []
    for procedure in procedures:
        for kind, offset, due in plan.plan_items_cached(plan.PlanInput.of(procedure)):
            status, reason = (
                (Status.SKIPPED.value, REASON_LATE_WHEN_PLANNED)
                if due < past
                else (Status.SCHEDULED.value, "")
            )
            rows.append((procedure.patient_id, procedure.pk, kind, offset, due, status, reason))
    _insert_rows(rows, now=now)
    return len(rows)


def _insert_rows(rows: list[tuple], *, now: datetime) -> None:
    """Insert (patient, procedure, kind, offset, due, status, reason) rows."""
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in PLAN_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY's text format; our own values carry no tabs, newlines or backslashes.
            stamp = now.isoformat()
            lines = [
                f"{p}\t{pr}\t{k}\t{o}\t{d.isoformat()}\t{s}\t{r}\t{stamp}\t{stamp}\n"
                for p, pr, k, o, d, s, r in rows
            ]
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
                for start in range(0, len(lines), 5000):
                    copy.write("".join(lines[start : start + 5000]))
        else:
            # SQLite keeps naive UTC text, as Django's adapt_datetimefield_value writes it.
            def naive(value: datetime) -> str:
                return str(value.astimezone(UTC).replace(tzinfo=None))

            stamp = naive(now)
            marks = ", ".join(["%s"] * len(PLAN_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                [(p, pr, k, o, naive(d), s, r, stamp, stamp) for p, pr, k, o, d, s, r in rows],
            )


def _plan_apply(*, procedure: Procedure, now: datetime) -> None:
    """Bring the unsent reminders of the patient's current procedure in line with the plan.

    Sent, skipped and failed rows are history and stay as they are. Scheduled and cancelled
    rows follow the plan again (a cancelled one comes back when its item does); the queued
    messages of a row that changes are cancelled (one already with its transport goes out, and
    the reminder then says `sent`, reminders/delivery.py).
    """
    planned = {(r.kind, r.offset_days): r for r in plan.plan_for(plan.PlanInput.of(procedure))}
    existing = {
        (row.kind, row.offset_days): row
        for row in Reminder.objects.select_for_update().filter(procedure=procedure)
    }
    if not existing:
        plans_create(procedures=[procedure])
        return
    to_create, to_update = [], []
    for key, item in planned.items():
        row = existing.get(key)
        status, reason = _initial_state(item.due_at, now)
        if row is None:
            to_create.append(
                Reminder(
                    patient_id=procedure.patient_id,
                    procedure=procedure,
                    kind=item.kind,
                    offset_days=item.offset_days,
                    due_at=item.due_at,
                    status=status,
                    reason=reason,
                )
            )
        elif row.status in (Status.SCHEDULED, Status.CANCELLED) and (
            row.due_at != item.due_at or row.status != status
        ):
            row.due_at, row.status, row.reason = item.due_at, status, reason
            to_update.append(row)
    for key, row in existing.items():
        if key not in planned and row.status == Status.SCHEDULED:
            row.status, row.reason = Status.CANCELLED, REASON_REPLANNED
            to_update.append(row)
    queued = [row.pk for row in to_update if row.claimed_at is not None]
    Reminder.objects.bulk_create(to_create)
    for row in to_update:
        # Not queued any more: the dispatcher queues it again when (and if) it is due.
        row.claimed_at, row.updated_at = None, now
    fields = ["due_at", "status", "reason", "claimed_at", "updated_at"]
    Reminder.objects.bulk_update(to_update, fields, batch_size=500)
    _messages_cancel(queued, reason=REASON_REPLANNED)


@transaction.atomic
def plan_sync(*, patient: Patient) -> None:
    """Re-plan the patient: the latest procedure gets its full plan, older ones lose theirs.

    Called in the transaction that records or changes a procedure, or changes the patient's
    time zone, reminder hour or osteoporosis flag (PROTOCOL.md section 5).
    """
    # Serialise re-plans of one patient (two PATCHes at once would otherwise both insert).
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    patient.refresh_from_db(
        fields=["timezone", "reminder_hour", "has_osteoporosis", "status", "discharge_reason"]
    )
    now = timezone.now()
    if patient.is_discharged:
        # Follow-up has ended: no re-plan brings a reminder back (a new procedure makes the
        # patient active first, recovery.lifecycle).
        reminders_cancel_for_discharge(patient=patient, reason=patient.discharge_reason)
        return
    current = latest_procedure(patient)
    older = Reminder.objects.filter(patient=patient, status=Status.SCHEDULED)
    if current is not None:
        older = older.exclude(procedure=current)
    _cancel(older, reason=REASON_SUPERSEDED, now=now)
    if current is not None:
        current.patient = patient
        _plan_apply(procedure=current, now=now)


def reminders_cancel_for_discharge(*, patient: Patient, reason: str) -> int:
    """Cancel every unsent reminder of the patient, saying why, and their queued messages
    (caregivers' copies too). A message already with its transport goes out, and its reminder
    then says `sent` (reminders/delivery.py). Returns reminders cancelled."""
    unsent = Reminder.objects.filter(patient=patient, status=Status.SCHEDULED)
    return _cancel(unsent, reason=REASON_DISCHARGED.format(reason=reason), now=timezone.now())


def _cancel(rows, *, reason: str, now: datetime) -> int:
    queued = list(rows.filter(claimed_at__isnull=False).values_list("pk", flat=True))
    cancelled = rows.update(status=Status.CANCELLED, reason=reason, claimed_at=None, updated_at=now)
    _messages_cancel(queued, reason=reason)
    return cancelled


def _messages_cancel(reminder_ids: list[int], *, reason: str) -> None:
    """The outbox's queued messages of these reminders are not sent after all."""
    if reminder_ids:
        messages_cancel(reason=reason, ref_type=REF_TYPE, ref_ids=reminder_ids)


def plan_build(*, procedure: Procedure) -> None:
    """A procedure was recorded: it gets a full plan, and older procedures' unsent reminders
    are cancelled."""
    plan_sync(patient=procedure.patient)


def plan_changed(*, patient: Patient, changed: Iterable[str], fields: Iterable[str]) -> None:
    """Re-plan when one of the plan's inputs (`fields`) is among what changed."""
    if set(changed) & set(fields):
        plan_sync(patient=patient)
