"""Writing messages into the outbox and taking queued ones back out (never sending here:
sending is outbox/sending.py, the one place that talks to a transport is transports.py)."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import emails, texts
from .models import SECRET_PLACEHOLDER, Message, PipelineHeartbeat
from .optout import sms_allowed, sms_blocked_numbers  # noqa: F401 - part of this API

logger = logging.getLogger(__name__)

Status = Message.Status
Channel = Message.Channel

# One task sends up to this many messages over one transport connection (bench/RESULTS.md: a
# task and a connection per email made delivery ~20x slower than one connection per batch).
WAKE_BATCH = 50


def message_build(
    *,
    channel: str,
    to: str,
    template: str,
    context: dict,
    category: str,
    urgent: bool = False,
    headers: dict | None = None,
    secret: str = "",
    ref_type: str = "",
    ref_id: int | None = None,
) -> Message:
    """Render one message (not saved), in the language active: callers wrap it in
    translation.override. Email: the <template>-subject.txt/-body.txt/-body.html trio;
    SMS: <template>-sms.txt, one short plain text.

    A sign-in secret goes in `secret`, never in the context: the templates get a placeholder
    as `{{ secret }}`, the real value is put in at send time and forgotten once sent.
    """
    if secret:
        context = {**context, "secret": SECRET_PLACEHOLDER}
    if channel == Channel.SMS:
        subject, text, html = "", texts.render_sms(template, context), ""
    elif channel == Channel.EMAIL:
        subject, text, html = emails.render(template, context)
    else:
        raise ValueError(f"unknown channel {channel!r}")
    return Message(
        channel=channel,
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers or {},
        category=category,
        urgent=urgent,
        secret=secret,
        ref_type=ref_type,
        ref_id=ref_id,
    )


def message_queue(*, wake: bool = True, cancelled_reason: str = "", **build) -> Message:
    """Write one message row; its wake-up goes to the broker only after the transaction commits.

    `cancelled_reason` writes the row already cancelled (rendered and woken all the same: the
    work of a request must not tell whether anything was sent, see accounts/passwords.py).
    """
    message = message_build(**build)
    if cancelled_reason:
        message.status, message.secret, message.last_error = Status.CANCELLED, "", cancelled_reason
    message.save()
    if wake:
        messages_wake_on_commit([message.pk])
    return message


def email_queue(**kwargs) -> Message:
    """message_queue for an email (the callers that only ever send email)."""
    return message_queue(channel=Channel.EMAIL, **kwargs)


def messages_queue(messages: list[Message], *, wake: bool = True) -> list[Message]:
    """Save built messages in one statement, in the caller's transaction; wake them after it
    commits (dispatchers queueing many at once)."""
    if not messages:
        return []
    rows = Message.objects.bulk_create(messages)
    if wake:
        messages_wake_on_commit([row.pk for row in rows])
    return rows


def messages_cancel(
    *,
    reason: str,
    ids: Iterable[int] | None = None,
    ref_type: str | None = None,
    ref_ids: Iterable[int] | None = None,
    to: str | Iterable[str] | None = None,
    category: str | Iterable[str] | None = None,
    channel: str | None = None,
    headers: dict | None = None,
    where: Q | None = None,
) -> int:
    """Cancel the QUEUED messages matching every filter given (never one being sent: its
    transport may already have it) and forget their secrets. Returns how many.

    Every app that wants a message not sent after all asks here, instead of editing rows.
    `where` is a Q over Message for what the keywords cannot say (e.g. "to A, or about B").
    """
    filters = {}
    if ids is not None:
        filters["pk__in"] = list(ids)
    if ref_type is not None:
        filters["ref_type"] = ref_type
    if ref_ids is not None:
        filters["ref_id__in"] = list(ref_ids)
    if to is not None:
        filters.update({"to": to} if isinstance(to, str) else {"to__in": list(to)})
    if category is not None:
        many = not isinstance(category, str)
        filters.update({"category__in": list(category)} if many else {"category": category})
    if channel is not None:
        filters["channel"] = channel
    for key, value in (headers or {}).items():
        filters[f"headers__{key}"] = value
    if not filters and where is None:
        raise ValueError("messages_cancel needs at least one filter")
    queued = Message.objects.filter(status=Status.QUEUED, **filters)
    if where is not None:
        queued = queued.filter(where)
    return queued.update(status=Status.CANCELLED, secret="", last_error=reason[:1000])


def messages_wake_on_commit(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: messages_wake(ids))


def messages_wake(ids: Iterable[int]) -> None:
    """Hand ids to the broker, in batches. A broker outage is logged, not raised: the sweeper
    retries."""
    from .tasks import messages_send_task

    ids = list(ids)
    for start in range(0, len(ids), WAKE_BATCH):
        try:
            messages_send_task.delay(ids[start : start + WAKE_BATCH])
        except Exception as exc:  # kombu raises many types when the broker is down
            logger.warning(
                "broker unavailable, %s messages left for the sweeper: %r", len(ids), exc
            )
            return


def heartbeat_record(*, name: str) -> None:
    PipelineHeartbeat.objects.update_or_create(name=name, defaults={"ticked_at": timezone.now()})
