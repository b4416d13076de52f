"""Sending claimed messages: one claim, one lease, one retry policy, one sweeper, for every
channel (the transports themselves are outbox/transports.py).

Delivery is at least once. The one window for a duplicate: a worker dies after the transport
accepted a message (the SMTP server or the SMS provider said yes) and before the row says
"sent". The sweeper re-queues a row left "sending" after OUTBOX_SENDING_LEASE_SECONDS, so that
one message goes out again; every other message of the batch is marked the moment it left.
"""

import logging
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Message
from .optout import sms_blocked_numbers
from .signals import messages_settled
from .transports import TRANSPORTS, PermanentSendError

logger = logging.getLogger(__name__)

Status = Message.Status
TABLE = connection.ops.quote_name(Message._meta.db_table)
STOPPED_REASON = "the number texted STOP: no SMS is sent to it"


def messages_claim(*, ids: list[int]) -> list[int]:
    """Claim the due, queued messages among ids in one statement; return the claimed ids.

    UPDATE ... RETURNING (PostgreSQL, SQLite 3.35+) is the conditional update of a whole batch:
    a row another worker claimed first is simply not returned.
    """
    if not ids:
        return []
    now = timezone.now()
    table = connection.ops.quote_name(Message._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608 - our table name, values as parameters
            f"WHERE id IN ({marks}) AND status = %s AND next_attempt_at <= %s RETURNING id",
            [Status.SENDING, now, *ids, Status.QUEUED, now],
        )
        return [row[0] for row in cursor.fetchall()]


def messages_send(*, ids: list[int]) -> int:
    """Send the messages among ids that this caller claims, each channel's group through its
    transport over one connection. Returns how many were sent."""
    claimed = messages_claim(ids=ids)
    if not claimed:
        return 0
    rows = Message.objects.filter(pk__in=claimed).order_by("channel", "-urgent", "pk")
    sent = 0
    for channel, group in groupby(rows, key=lambda row: row.channel):
        group = list(group)
        if channel == Message.Channel.SMS:
            group = _without_stopped(group)
        sent += _send_group(channel, group)
    logger.info("%s of %s messages sent", sent, len(claimed))
    return sent


def _without_stopped(messages: list[Message]) -> list[Message]:
    """Cancel (and settle) the SMS to numbers that texted STOP since they were queued."""
    blocked = sms_blocked_numbers(m.to for m in messages)
    stopped = [m for m in messages if m.to in blocked]
    if stopped:
        _settle_many(stopped, status=Status.CANCELLED, reason=STOPPED_REASON)
    return [m for m in messages if m.to not in blocked]


def _send_group(channel: str, messages: list[Message]) -> int:
    transport = TRANSPORTS[channel]()
    sent = 0
    try:
        for message in messages:
            try:
                transport.open()  # no-op while open; reopens after a failure closed it
                provider_id = transport.send(message)
            except PermanentSendError as exc:
                _settle_many([message], status=Status.FAILED, reason=str(exc))
                logger.error("message %s refused for good: %s", message.pk, exc)
                continue
            except transport.TRANSIENT_ERRORS as exc:
                message_failed_attempt(message=message, error=exc)
                continue
            _mark_sent(message, provider_id)
            sent += 1
    finally:
        transport.close()
    return sent


def _mark_sent(message: Message, provider_id: str) -> None:
    """One UPDATE, alone, the moment the transport accepted the message; with its settled hook
    in the same transaction when something refers to it.

    Marks stay one per message, each committed before the next message goes: one UPDATE for
    a whole batch would widen the window for a duplicate from the message in flight to the
    batch on any worker death. Each commit waits for the WAL flush: with synchronous_commit
    off dispatch was faster, but a database crash could forget several marks (bench/NOTES.md).
    """
    now = timezone.now()
    # Written out like messages_claim: the ORM's update() was compiled afresh per message.
    mark = (
        f"UPDATE {TABLE} SET status = %s, sent_at = %s, last_error = '', secret = '', "  # noqa: S608 - our table name, values as parameters
        "provider_id = %s WHERE id = %s AND status = %s"
    )
    params = [Status.SENT, now, provider_id, message.pk, Status.SENDING]
    if not message.ref_type:
        with connection.cursor() as cursor:
            cursor.execute(mark, params)
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(mark, params)
        if cursor.rowcount:
            message.status, message.sent_at, message.secret = Status.SENT, now, ""
            message.provider_id = provider_id
            messages_settled.send(sender=message.ref_type, messages=[message])


def _settle_many(messages: list[Message], *, status: str, reason: str) -> None:
    """Mark rows being sent failed or cancelled in one statement, and settle them together."""
    reason = reason[:1000]
    with transaction.atomic():
        Message.objects.filter(pk__in=[m.pk for m in messages], status=Status.SENDING).update(
            status=status, last_error=reason, secret=""
        )
        for message in messages:
            message.status, message.last_error, message.secret = status, reason, ""
        _settle(messages)


def _settle(messages: list[Message]) -> None:
    referenced = sorted((m for m in messages if m.ref_type), key=lambda m: m.ref_type)
    for ref_type, group in groupby(referenced, key=lambda m: m.ref_type):
        messages_settled.send(sender=ref_type, messages=list(group))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base, ... capped at one hour."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 3600))


def message_failed_attempt(*, message: Message, error: BaseException) -> None:
    """One failed try: back to the queue after retry_delay, or failed for good after
    OUTBOX_MAX_ATTEMPTS tries."""
    reason = f"{type(error).__name__}: {error}"[:1000]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _settle_many([message], status=Status.FAILED, reason=reason)
        logger.error("message %s failed after %s attempts", message.pk, message.attempts)
        return
    Message.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.QUEUED,
        last_error=reason,
        next_attempt_at=timezone.now() + retry_delay(message.attempts),
    )
    logger.warning("message %s attempt %s failed, will retry", message.pk, message.attempts)


def outbox_sweep(*, batch: int = 500) -> list[int]:
    """Re-queue messages whose worker died mid-send and return the ids that are due now."""
    now = timezone.now()
    lease = timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    stuck = Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease)
    for message in stuck:
        message_failed_attempt(message=message, error=TimeoutError("worker stopped while sending"))
    due = Message.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
    return list(due.order_by("-urgent", "next_attempt_at").values_list("pk", flat=True)[:batch])
