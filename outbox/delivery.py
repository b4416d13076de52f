"""What the SMS provider tells us after sending: delivery reports and STOP/START texts."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import InboundSms, Message, SmsKeyword, SmsOptOut
from .services import messages_cancel

logger = logging.getLogger(__name__)

# Twilio's message statuses in the order they happen; a report never moves a message back.
# The last three are final: nothing after them changes the record.
DELIVERY_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
}
FINAL_RANK = 4
NOT_DELIVERED = {"undelivered", "failed"}

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = {"START", "UNSTOP", "YES"}
STOPPED_REASON = "the number texted STOP"


def delivery_report(
    *, provider_id: str, status: str, error_code: str = "", message_id: int | None = None
) -> bool:
    """Record the provider's latest status for one SMS. True when it changed anything.

    Idempotent and order-proof: a repeated report, or one older than what is recorded, is
    ignored, and delivered/undelivered/failed are final. "undelivered"/"failed" mark the
    message failed with the reason, so the team sees it like a failed email. (A report that
    reaches us before the worker wrote "sent" is found by the message id of its callback URL
    and recorded; the message is then marked sent, not failed: the provider had accepted it.)
    """
    status = status.lower()
    rank = DELIVERY_RANK.get(status)
    if rank is None:
        return False
    with transaction.atomic():
        message = _reported_message(provider_id, message_id)
        if message is None or DELIVERY_RANK.get(message.delivery_status, 0) >= rank:
            return False
        message.delivery_status, message.delivery_updated_at = status, timezone.now()
        message.provider_id = message.provider_id or provider_id
        fields = ["delivery_status", "delivery_updated_at", "provider_id"]
        if status in NOT_DELIVERED and message.status == Message.Status.SENT:
            message.status = Message.Status.FAILED
            message.last_error = f"SMS {status} by the provider (error code {error_code or '-'})"
            fields += ["status", "last_error"]
        message.save(update_fields=fields)
    return True


def _reported_message(provider_id: str, message_id: int | None) -> Message | None:
    rows = Message.objects.select_for_update().filter(channel=Message.Channel.SMS)
    message = rows.filter(provider_id=provider_id).first() if provider_id else None
    if message is None and message_id is not None:
        message = rows.filter(pk=message_id, provider_id__in=["", provider_id]).first()
    return message


def inbound_sms_first_time(*, message_sid: str) -> bool:
    """Remember an inbound text's MessageSid; False when it was seen before (a replay). A
    text without a usable id is taken as new: the provider always sends one."""
    sid = message_sid.strip()
    if not sid:
        return True
    if len(sid) > 64 or not sid.isascii() or not sid.isprintable():
        return False  # not the provider's id: nothing to act on
    # The unique column decides between two concurrent deliveries of one text.
    _, created = InboundSms.objects.get_or_create(message_sid=sid)
    return created


def sms_keyword_received(*, number: str, body: str) -> str | None:
    """Honour a STOP or START texted by `number`; return the action taken, or None.

    STOP records the opt-out and cancels every SMS queued to the number at once (and the send
    path checks again, for any queued meanwhile); START lifts it. Every one is recorded.
    """
    keyword = body.strip().upper()
    if keyword in STOP_WORDS:
        action = SmsKeyword.Action.STOP
    elif keyword in START_WORDS:
        action = SmsKeyword.Action.START
    else:
        return None
    with transaction.atomic():
        SmsKeyword.objects.create(number=number, keyword=keyword[:20], action=action)
        if action == SmsKeyword.Action.STOP:
            SmsOptOut.objects.get_or_create(number=number)
            cancelled = messages_cancel(
                reason=STOPPED_REASON, channel=Message.Channel.SMS, to=number
            )
            logger.info("SMS STOP received; %s queued SMS cancelled", cancelled)
        else:
            SmsOptOut.objects.filter(number=number).delete()
    return action
