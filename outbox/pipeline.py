"""The whole notification pipeline's health, for /health/ and the dashboard banner, read from
the one outbox: the periodic tasks' heartbeats (the outbox sweeper's and the reminder
dispatcher's), the oldest urgent message not yet sent, and the failed messages, by channel.

/health/, which anyone may read, gets counts only: a reason may name an address.
"""

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import Message, PipelineHeartbeat

SWEEP_HEARTBEAT = "outbox-sweep"
REMINDERS_HEARTBEAT = "reminders-dispatch"
REMINDER_CATEGORY = "reminder"
# The banner's limit (issue 5): beat silent, or an urgent message waiting, for 5 minutes.
STALL_LIMIT_SECONDS = 300

Status = Message.Status
CHANNELS = list(Message.Channel.values)


def reminders_stall_limit_seconds(limit_seconds: int = STALL_LIMIT_SECONDS) -> int:
    """The dispatcher ticks every REMINDER_DISPATCH_SECONDS; allow a few missed ticks when
    that interval is longer than the banner's limit, so a slow schedule is not a stall."""
    return max(limit_seconds, round(3 * settings.REMINDER_DISPATCH_SECONDS))


def _age(now, moment) -> int | None:
    return round((now - moment).total_seconds()) if moment else None


def pipeline_status() -> dict:
    """Heartbeats, urgent waits and failures, in three queries whatever the outbox holds.

    failed_emails / failed_sms count the failed messages of each channel other than patient
    reminders, failed_reminders the reminders of any channel; failed_notifications is their
    sum, and failed_by_channel splits every failure by channel.
    """
    now = timezone.now()
    beats = dict(
        PipelineHeartbeat.objects.filter(
            name__in=[SWEEP_HEARTBEAT, REMINDERS_HEARTBEAT]
        ).values_list("name", "ticked_at")
    )
    waiting = dict(
        Message.objects.filter(urgent=True, status__in=[Status.QUEUED, Status.SENDING])
        .values("channel")
        .annotate(oldest=Min("created_at"))
        .values_list("channel", "oldest")
    )
    reminder = Q(category=REMINDER_CATEGORY)
    failed = Message.objects.filter(status=Status.FAILED).aggregate(
        failed_reminders=Count("pk", filter=reminder),
        **{f"failed_{c}": Count("pk", filter=Q(channel=c) & ~reminder) for c in CHANNELS},
        **{f"all_{c}": Count("pk", filter=Q(channel=c)) for c in CHANNELS},
    )
    sweep, dispatch = beats.get(SWEEP_HEARTBEAT), beats.get(REMINDERS_HEARTBEAT)
    oldest = min(waiting.values(), default=None)
    status = {
        "beat_last_tick": sweep.isoformat() if sweep else None,
        "beat_age_seconds": _age(now, sweep),
        "reminders_last_tick": dispatch.isoformat() if dispatch else None,
        "reminders_age_seconds": _age(now, dispatch),
        "oldest_undelivered_urgent_seconds": _age(now, oldest),
        "oldest_undelivered_urgent_by_channel": {c: _age(now, waiting.get(c)) for c in CHANNELS},
        "failed_emails": failed["failed_email"],
        "failed_sms": failed["failed_sms"],
        "failed_reminders": failed["failed_reminders"],
        "failed_by_channel": {c: failed[f"all_{c}"] for c in CHANNELS},
    }
    status["failed_notifications"] = sum(status["failed_by_channel"].values())
    status["stalled"] = pipeline_stalled(status)
    return status


def pipeline_stalled(status: dict, *, limit_seconds: int = STALL_LIMIT_SECONDS) -> bool:
    """Messages are not going out: beat or the reminder dispatcher silent, or an urgent message
    waiting too long. A failed message is not a stall (it is reported on its own)."""
    beat_age = status["beat_age_seconds"]
    urgent_age = status["oldest_undelivered_urgent_seconds"]
    reminders_age = status["reminders_age_seconds"]
    return (
        (beat_age is None or beat_age > limit_seconds)
        or (urgent_age is not None and urgent_age > limit_seconds)
        or (reminders_age is None or reminders_age > reminders_stall_limit_seconds(limit_seconds))
    )


def failed_messages_to(addresses, *, limit: int = 3) -> list[dict]:
    """The newest failed messages (not reminders) to these recipients, with their reasons, for
    the dashboard of a signed-in clinician (addresses: a list or a queryset of values)."""
    return list(
        Message.objects.filter(status=Status.FAILED, to__in=addresses)
        .exclude(category=REMINDER_CATEGORY)
        .order_by("-pk")
        .values("channel", "category", "urgent", "last_error", "created_at")[:limit]
    )
