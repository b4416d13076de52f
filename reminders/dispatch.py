"""Dispatching and sending reminders.

Delivery in two leases, both on the row (the database is the source of truth, the broker
only carries wake-ups):

1. The dispatcher (beat, every REMINDER_DISPATCH_SECONDS) locks due rows with
   SELECT ... FOR UPDATE SKIP LOCKED, stamps `claimed_at` and, after commit, hands each id to
   a send task. A lost broker message is harmless: after the lease the row is due again.
2. The send task claims the row with a conditional UPDATE (`sending_at` from NULL), so a
   duplicated task sends nothing. No transaction is held open around SMTP. The row says
   `sent` only after the SMTP server accepted the message.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from recovery.models import CheckIn

from . import plan
from .messages import reminder_context, reminder_message
from .models import Reminder, ReminderOptOut
from .planning import late_limit

logger = logging.getLogger(__name__)

Status = Reminder.Status

TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)

REASON_LATE = "More than a day late: not sent."
REASON_CHECKED_IN = "The patient had already checked in that day."
REASON_OPTED_OUT = "The patient opted out of these reminder emails."


def lease() -> timedelta:
    return timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


def reminders_dispatch(*, batch: int | None = None, max_batches: int = 50) -> int:
    """Hand every due reminder to a send task, batch by batch. Returns how many were handed.

    Several dispatchers (beat on several machines) can run at once: SKIP LOCKED gives each
    its own rows, and `claimed_at` keeps a handed row from being handed again within the lease.
    """
    batch = batch or settings.REMINDER_DISPATCH_BATCH
    total = 0
    for _ in range(max_batches):
        handed, seen = _dispatch_batch(batch=batch)
        total += handed
        if seen < batch:
            break
    return total


def _dispatch_batch(*, batch: int) -> tuple[int, int]:
    with transaction.atomic():
        now = timezone.now()
        expired = now - lease()
        due = (
            Reminder.objects.filter(status=Status.SCHEDULED, due_at__lte=now)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired))
            .filter(Q(sending_at__isnull=True) | Q(sending_at__lt=expired))
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("due_at")
        )
        rows = list(due.values_list("pk", "due_at", "sending_at", "attempts")[:batch])
        late, dead, handed = [], [], []
        for pk, due_at, sending_at, attempts in rows:
            if due_at < now - late_limit():
                late.append(pk)
            elif sending_at is not None and attempts >= settings.REMINDER_MAX_ATTEMPTS:
                dead.append(pk)  # its worker died on the last attempt
            else:
                handed.append(pk)
        if late:
            Reminder.objects.filter(pk__in=late).update(
                status=Status.SKIPPED,
                reason=REASON_LATE,
                claimed_at=None,
                sending_at=None,
                updated_at=now,
            )
        if dead:
            Reminder.objects.filter(pk__in=dead).update(
                status=Status.FAILED,
                reason="The worker stopped while sending, on the last attempt.",
                claimed_at=None,
                sending_at=None,
                updated_at=now,
            )
        if handed:
            # A row whose worker died mid-send is handed out again (sending_at cleared): the
            # message it was sending is the one that may arrive twice.
            Reminder.objects.filter(pk__in=handed).update(claimed_at=now, sending_at=None)
            transaction.on_commit(lambda: reminders_wake(handed))
    return len(handed), len(rows)


# One send task takes up to this many reminders and sends them over one SMTP connection
# (bench/RESULTS.md: a task and a connection per email made delivery several times slower than
# Django's SMTP backend on one connection).
WAKE_BATCH = 50


def reminders_wake(reminder_ids: Iterable[int]) -> None:
    """Hand ids to the broker, in batches. A broker outage is logged: the rows are due again
    after the lease, so the dispatcher retries them."""
    from .tasks import reminders_send_task

    ids = list(reminder_ids)
    for start in range(0, len(ids), WAKE_BATCH):
        try:
            reminders_send_task.delay(ids[start : start + WAKE_BATCH])
        except Exception as exc:  # kombu raises many types when the broker is down
            logger.warning("broker down, %s reminders left for the lease: %r", len(ids), exc)
            return


# --- Sending -------------------------------------------------------------------------------


def reminders_send(*, reminder_ids: list[int]) -> dict[str, int]:
    """Send a batch of dispatched reminders: claimed in one statement, read in one query, sent
    over one SMTP connection. Returns how many ended in each outcome.

    The checks and writes are reminder_send's, and each reminder is marked the moment the SMTP
    server accepted it, so the duplicate window stays one message (bench/RESULTS.md: one task,
    four queries and one SMTP connection per reminder delivered several times slower than
    Django's SMTP backend on one connection).
    """
    now = timezone.now()
    Reminder.objects.filter(
        pk__in=reminder_ids,
        status=Status.SCHEDULED,
        claimed_at__isnull=False,
        sending_at__isnull=True,
        due_at__lte=now,
    ).update(sending_at=now, attempts=F("attempts") + 1)
    # As in reminder_send, the claim's time names the rows this caller won.
    ours = list(
        Reminder.objects.filter(pk__in=reminder_ids, sending_at=now)
        .select_related("patient__user", "procedure")
        .order_by("due_at", "pk")
    )
    opted_out = set(
        ReminderOptOut.objects.filter(patient_id__in={r.patient_id for r in ours}).values_list(
            "patient_id", "kind"
        )
    )
    # Caregivers who get copies (caregivers/), read once for the whole batch.
    copy_links = reminder_copy_links({r.patient_id for r in ours}) if ours else {}
    outcomes: dict[str, int] = {}
    if len(ours) < len(set(reminder_ids)):
        outcomes["not-claimed"] = len(set(reminder_ids)) - len(ours)
    smtp = get_connection()
    try:
        for reminder in ours:
            outcome = _reminder_deliver(
                reminder=reminder,
                claim=now,
                connection=smtp,
                opted_out=opted_out,
                copy_links=copy_links,
            )
            if outcome not in (Status.SENT, Status.SKIPPED):
                smtp.close()  # the failure may have broken the connection: the next reopens
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        smtp.close()
    return outcomes


def _reminder_deliver(
    *,
    reminder: Reminder,
    claim: datetime,
    connection=None,
    opted_out: set | None = None,
    copy_links: dict | None = None,
) -> str:
    """Skip or send one claimed reminder: on a batch's SMTP connection when given, else on a
    connection of its own. Every write is conditional on the claim, so a re-dispatch after the
    lease cannot be overwritten by a task that outlived it.

    `copy_links`: a batch's caregivers who get copies (caregivers.selectors), else read here."""
    ours = Reminder.objects.filter(pk=reminder.pk, sending_at=claim)
    reason = skip_reason(reminder=reminder, now=claim, opted_out=opted_out)
    if reason:
        ours.update(
            status=Status.SKIPPED,
            reason=reason,
            claimed_at=None,
            sending_at=None,
            updated_at=timezone.now(),
        )
        return Status.SKIPPED
    message = reminder_message(reminder=reminder)
    try:
        if connection is not None:
            message.connection = connection
            # A no-op while open: the connection stays open for the whole batch.
            connection.open()
        message.send()
    except TRANSIENT_ERRORS as exc:
        return reminder_failed_attempt(reminder=reminder, claim=claim, error=exc)
    sent_at = timezone.now()
    with transaction.atomic():
        marked = ours.update(
            status=Status.SENT,
            sent_at=sent_at,
            updated_at=sent_at,
            reason="",
            claimed_at=None,
            sending_at=None,
            next_attempt_at=None,
        )
        # The caregivers' copies are outbox rows written with the `sent` mark, so they exist
        # exactly when the patient's message was accepted (caregivers/copies.py).
        if marked:
            if copy_links is None:
                copy_links = reminder_copy_links([reminder.patient_id])
            links = copy_links.get(reminder.patient_id, [])
            if links:
                reminder_copies_queue(
                    reminder=reminder,
                    context=reminder_context(reminder=reminder, signin=False),
                    links=links,
                )
    return Status.SENT


def reminder_copy_links(patient_ids: Iterable[int]) -> dict:
    from caregivers.selectors import reminder_copy_links as links  # caregivers imports us

    return links(patient_ids)


def reminder_copies_queue(**kwargs) -> int:
    from caregivers.copies import reminder_copies_queue as queue

    return queue(**kwargs)


def reminder_send(*, reminder_id: int) -> str:
    """Send one dispatched reminder if this caller wins the claim. Returns the outcome."""
    now = timezone.now()
    claimed = Reminder.objects.filter(
        pk=reminder_id,
        status=Status.SCHEDULED,
        claimed_at__isnull=False,
        sending_at__isnull=True,
        due_at__lte=now,
    ).update(sending_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "not-claimed"  # sent, re-planned, or another task holds it: nothing to do
    reminder = Reminder.objects.select_related("patient__user", "procedure").get(pk=reminder_id)
    outcome = _reminder_deliver(reminder=reminder, claim=now)
    logger.info("reminder %s: %s", reminder_id, outcome)
    return outcome


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base, ... capped at one hour."""
    seconds = settings.REMINDER_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 3600))


def reminder_failed_attempt(*, reminder: Reminder, claim: datetime, error: BaseException) -> str:
    ours = Reminder.objects.filter(pk=reminder.pk, sending_at=claim)
    reason = f"Attempt {reminder.attempts} failed: {type(error).__name__}: {error}"[:500]
    if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        ours.update(
            status=Status.FAILED,
            reason=reason,
            claimed_at=None,
            sending_at=None,
            updated_at=timezone.now(),
        )
        logger.error("reminder %s failed after %s attempts", reminder.pk, reminder.attempts)
        return Status.FAILED
    ours.update(
        reason=reason,
        claimed_at=None,
        sending_at=None,
        next_attempt_at=timezone.now() + retry_delay(reminder.attempts),
    )
    logger.warning("reminder %s attempt %s failed, will retry", reminder.pk, reminder.attempts)
    return "retry"


def skip_reason(*, reminder: Reminder, now: datetime, opted_out: set | None = None) -> str:
    """Why this reminder should not go out now, or "" to send it.

    `opted_out`: the (patient id, kind) opt-outs of a batch, read once for all of it.
    """
    if now - reminder.due_at > late_limit():
        return REASON_LATE
    if opted_out is None:
        opted_out = set(
            ReminderOptOut.objects.filter(patient_id=reminder.patient_id).values_list(
                "patient_id", "kind"
            )
        )
    if {(reminder.patient_id, reminder.kind), (reminder.patient_id, ReminderOptOut.ALL)} & (
        opted_out
    ):
        return REASON_OPTED_OUT
    if reminder.kind == plan.Kind.CHECKIN:
        tz = reminder.patient.tz
        day = reminder.due_at.astimezone(tz).date()
        start = datetime.combine(day, time.min, tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
        if CheckIn.objects.filter(
            patient_id=reminder.patient_id, recorded_at__gte=start, recorded_at__lt=end
        ).exists():
            return REASON_CHECKED_IN
    return ""
