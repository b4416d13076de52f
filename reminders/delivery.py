"""A queued reminder's state follows its messages (outbox.signals.messages_settled, received
inside the outbox's marking transaction, so "reminder sent" commits with "message sent").

`sent` once ONE of the patient's own messages (email or SMS) was accepted by its transport;
`failed`, with the messages' reasons, once every one of them failed; `skipped` when every one
was cancelled at send time (the number texted STOP meanwhile). Caregivers' copies (category
reminder-copy) never decide it. A reminder cancelled by a re-plan or a discharge while its
message was already with the transport becomes `sent`: the patient did get it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.dispatch import receiver
from django.utils import timezone

from outbox.models import Message
from outbox.signals import messages_settled

from .messages import CATEGORY, REF_TYPE
from .models import Reminder

Status = Reminder.Status
MessageStatus = Message.Status


# Connected for every sender and filtered here: the sender is the row's ref_type, a string read
# from the database, and Django's dispatcher tells senders apart by identity, not equality.
@receiver(messages_settled, dispatch_uid="reminders-settled")
def reminders_settled(sender, messages, **kwargs) -> None:
    if sender != REF_TYPE:
        return
    own = [m for m in messages if m.category == CATEGORY and m.ref_id is not None]
    now = timezone.now()
    for message in own:
        if message.status == MessageStatus.SENT:
            Reminder.objects.filter(
                pk=message.ref_id, status__in=[Status.SCHEDULED, Status.CANCELLED]
            ).update(status=Status.SENT, sent_at=message.sent_at or now, reason="", updated_at=now)
    unsent = {m.ref_id for m in own if m.status != MessageStatus.SENT}
    if unsent:
        _settle_unsent(unsent, now=now)


# A queued reminder whose messages were all cancelled without being sent (an inbound STOP
# cancels a queued SMS at once, outside any send) gets no settled hook: the dispatcher looks
# at reminders queued longer than this and settles those whose messages are all over.
STALE_AFTER = timedelta(minutes=5)


def reminders_settle_stale(*, now, batch: int) -> None:
    """Settle the oldest queued reminders none of whose patient messages can still go out, in
    two queries and a write per outcome found."""
    queued = Reminder.objects.filter(status=Status.SCHEDULED, claimed_at__lt=now - STALE_AFTER)
    ids = set(queued.order_by("claimed_at").values_list("pk", flat=True)[:batch])
    if ids:
        _settle_unsent(ids, now=now)


def _settle_unsent(reminder_ids: set[int], *, now) -> None:
    """The reminders all of whose patient messages are over, none sent: failed or skipped."""
    rows = Message.objects.filter(
        ref_type=REF_TYPE, ref_id__in=reminder_ids, category=CATEGORY
    ).values_list("ref_id", "channel", "status", "last_error")
    by_reminder = defaultdict(list)
    for ref_id, channel, status, error in rows:
        by_reminder[ref_id].append((channel, status, error))
    failed, skipped = {}, {}
    for ref_id, states in by_reminder.items():
        statuses = {status for _, status, _ in states}
        if statuses & {MessageStatus.SENT, MessageStatus.QUEUED, MessageStatus.SENDING}:
            continue  # sent already (the hook marked it), or a message may still go out
        reason = "; ".join(f"{channel}: {error}" for channel, _, error in states if error)
        if MessageStatus.FAILED in statuses:
            failed[ref_id] = f"Not delivered ({reason})"[:500]
        else:
            skipped[ref_id] = f"Not sent ({reason})"[:500]
    for outcome, reasons in ((Status.FAILED, failed), (Status.SKIPPED, skipped)):
        for ref_id, reason in reasons.items():
            Reminder.objects.filter(pk=ref_id, status=Status.SCHEDULED).update(
                status=outcome, reason=reason, updated_at=now
            )
