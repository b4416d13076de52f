"""Dispatching: due reminders become outbox messages (the outbox sends them).

The dispatcher (beat, every REMINDER_DISPATCH_SECONDS) locks due, not yet queued reminders
with SELECT ... FOR UPDATE SKIP LOCKED, decides the skip reasons of the whole batch in a few
queries, and for each one to send writes its messages (the patient's email and/or SMS, the
caregivers' copies) with outbox.messages_queue in the same transaction, stamping the
reminder's `claimed_at` (it stays `scheduled`: queued). Several dispatchers at once each get
their own rows. The outbox's one claim, lease and retry policy then deliver the messages, and
reminders/delivery.py marks the reminder `sent` (or `failed`) when they settle. The delivery
guarantee is the outbox's: at least once, one message in the transport-accepted window.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lib.hooks import hook
from outbox.services import messages_queue, sms_blocked_numbers
from recovery.models import CheckIn

from . import plan
from .delivery import reminders_settle_stale
from .messages import reminders_messages
from .models import Reminder, ReminderOptOut
from .planning import REASON_DISCHARGED, late_limit

logger = logging.getLogger(__name__)

Status = Reminder.Status

REASON_LATE = "More than a day late: not sent."
REASON_CHECKED_IN = "The patient had already checked in that day."
REASON_OPTED_OUT = "The patient opted out of these reminder emails."
REASON_TEXTS_STOPPED = "Reminders by SMS only, and the patient's number texted STOP."


def reminders_dispatch(*, batch: int | None = None, max_batches: int = 50) -> int:
    """Queue the messages of every due reminder, batch by batch. Returns reminders queued."""
    batch = batch or settings.REMINDER_DISPATCH_BATCH
    reminders_settle_stale(now=timezone.now(), batch=batch)
    total = 0
    for _ in range(max_batches):
        queued, seen = _dispatch_batch(batch=batch)
        total += queued
        if seen < batch:
            break
    return total


def _dispatch_batch(*, batch: int) -> tuple[int, int]:
    with transaction.atomic():
        now = timezone.now()
        due = (
            Reminder.objects.filter(status=Status.SCHEDULED, due_at__lte=now, claimed_at=None)
            .select_related("patient__user", "procedure")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("due_at")
        )
        rows = list(due[:batch])
        skips = skip_reasons(reminders=rows, now=now)
        to_send = [r for r in rows if r.pk not in skips]
        messages, silent = _messages(to_send)
        for reminder in silent:
            skips[reminder.pk] = REASON_TEXTS_STOPPED
        queued = [r.pk for r in to_send if r.pk not in skips]
        by_reason = defaultdict(list)
        for pk, reason in skips.items():
            by_reason[reason].append(pk)
        for reason, ids in by_reason.items():
            Reminder.objects.filter(pk__in=ids).update(
                status=Status.SKIPPED, reason=reason, updated_at=now
            )
        if queued:
            Reminder.objects.filter(pk__in=queued).update(claimed_at=now, updated_at=now)
            messages_queue(messages)
    if rows:
        logger.info("reminders: %s queued, %s skipped", len(queued), len(skips))
    return len(queued), len(rows)


def _messages(reminders: list[Reminder]):
    if not reminders:
        return [], []
    phones = [r.patient.phone for r in reminders if r.patient.reminder_channel != "email"]
    blocked = sms_blocked_numbers(p for p in phones if p)
    copy_links_of = hook("REMINDER_COPY_LINKS")
    copy_links = copy_links_of({r.patient_id for r in reminders}) if copy_links_of else {}
    return reminders_messages(reminders=reminders, blocked=blocked, copy_links=copy_links)


def skip_reasons(*, reminders: list[Reminder], now: datetime) -> dict[int, str]:
    """Reminder id -> why it should not go out now, for a whole batch in two queries: more
    than a day late, the patient discharged, opted out of the kind, or (a check-in reminder)
    already checked in that local day."""
    reasons = {}
    patient_ids = {r.patient_id for r in reminders}
    opted_out = set(
        ReminderOptOut.objects.filter(patient_id__in=patient_ids).values_list("patient_id", "kind")
    )
    checkin_days = _checkin_days([r for r in reminders if r.kind == plan.Kind.CHECKIN])
    for reminder in reminders:
        patient = reminder.patient
        if now - reminder.due_at > late_limit():
            reasons[reminder.pk] = REASON_LATE
        elif patient.is_discharged:
            reasons[reminder.pk] = REASON_DISCHARGED.format(reason=patient.discharge_reason)
        elif {(patient.pk, reminder.kind), (patient.pk, ReminderOptOut.ALL)} & opted_out:
            reasons[reminder.pk] = REASON_OPTED_OUT
        elif reminder.kind == plan.Kind.CHECKIN and (
            (patient.pk, _local_day(reminder)) in checkin_days
        ):
            reasons[reminder.pk] = REASON_CHECKED_IN
    return reasons


def _local_day(reminder: Reminder):
    return reminder.due_at.astimezone(reminder.patient.tz).date()


def _checkin_days(reminders: list[Reminder]) -> set[tuple[int, object]]:
    """(patient id, local day) of the check-ins around these reminders' days, in one query."""
    if not reminders:
        return set()
    starts, ends = [], []
    for reminder in reminders:
        tz, day = reminder.patient.tz, _local_day(reminder)
        starts.append(datetime.combine(day, time.min, tzinfo=tz))
        ends.append(datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz))
    tzs = {r.patient_id: r.patient.tz for r in reminders}
    rows = CheckIn.objects.filter(
        patient_id__in=tzs, recorded_at__gte=min(starts), recorded_at__lt=max(ends)
    ).values_list("patient_id", "recorded_at")
    return {(pk, at.astimezone(tzs[pk]).date()) for pk, at in rows}
