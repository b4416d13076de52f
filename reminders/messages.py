"""What a reminder says, as outbox messages built (not saved) for the dispatcher: the patient's
email and SMS in the patient's language, and caregivers' email copies (caregivers/copies.py).

Every sign-in link is the outbox's secret: the stored bodies hold a placeholder, the token is
put in at send time and forgotten once sent.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from lib.hooks import hook
from outbox.models import Message
from outbox.services import message_build

from . import plan
from .models import Reminder, ReminderOptOut
from .optouts import unsubscribe_url
from .planning import REF_TYPE

# The patient's own messages decide the reminder's state; caregivers' copies never do.
CATEGORY = "reminder"
EMAIL_TEMPLATE = "reminders/email/reminder"
SMS_TEMPLATE = "reminders/sms/reminder"


def signin_url_prefix() -> str:
    return f"{settings.SITE_URL}/app/l/"


def reminder_context(*, reminder: Reminder) -> dict:
    """What a reminder email says, in the language active; no sign-in link (each message gets
    its own as the outbox's secret, behind `signin_url_prefix`)."""
    patient = reminder.patient
    item = plan.ITEMS[reminder.kind]
    due_day = reminder.due_at.astimezone(patient.tz).date()
    until = reminder.procedure.lifting_restriction_until
    return {
        "first_name": patient.first_name,
        "title": gettext(item.title),
        "text": plan.text_for(reminder.kind, until=until, due=due_day),
        "kind_label": gettext(plan.Kind(reminder.kind).label),
        "signin_url_prefix": signin_url_prefix(),
        "due_day": plan.format_day(due_day),
        "lifting_restriction_until": plan.format_day(until),
        # Other reminders repeat the restriction while it holds; its own two name it already.
        "restriction_holds": due_day < until
        and reminder.kind not in (plan.Kind.LIFTING_RESTRICTION, plan.Kind.LIFTING_RESTRICTION_END),
        "unsubscribe_kind_url": unsubscribe_url(patient_id=patient.pk, kind=reminder.kind),
        "unsubscribe_all_url": unsubscribe_url(patient_id=patient.pk, kind=ReminderOptOut.ALL),
    }


def reminder_email(*, reminder: Reminder, token: str) -> Message:
    """The patient's reminder email (RFC 8058 one-click unsubscribe headers), not saved."""
    with translation.override(reminder.patient.language):
        context = reminder_context(reminder=reminder)
        return message_build(
            channel=Message.Channel.EMAIL,
            to=reminder.patient.user.email,
            template=EMAIL_TEMPLATE,
            context=context,
            category=CATEGORY,
            secret=token,
            headers={
                # RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" here.
                "List-Unsubscribe": f"<{context['unsubscribe_kind_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-Reminder-Id": str(reminder.pk),
            },
            ref_type=REF_TYPE,
            ref_id=reminder.pk,
        )


def reminder_sms(*, reminder: Reminder, token: str) -> Message:
    """The patient's reminder SMS: only that today's reminder is ready, and the sign-in link
    (no clinical detail in any text message), in the patient's language; not saved."""
    with translation.override(reminder.patient.language):
        return message_build(
            channel=Message.Channel.SMS,
            to=reminder.patient.phone,
            template=SMS_TEMPLATE,
            context={"signin_url_prefix": signin_url_prefix()},
            category=CATEGORY,
            secret=token,
            ref_type=REF_TYPE,
            ref_id=reminder.pk,
        )


def channels_for(reminder: Reminder, *, blocked: set[str]) -> list[str]:
    """The channels the patient's own reminder goes by: their choice, SMS only with a phone,
    their consent, and the number not STOPped (`blocked`, outbox.sms_blocked_numbers)."""
    patient = reminder.patient
    choice = patient.reminder_channel
    channels = []
    if choice in ("email", "both"):
        channels.append(Message.Channel.EMAIL)
    can_text = patient.phone and patient.sms_consent_at and patient.phone not in blocked
    if choice in ("sms", "both") and can_text:
        channels.append(Message.Channel.SMS)
    return channels


def reminders_messages(
    *, reminders: list[Reminder], blocked: set[str], copy_links: dict
) -> tuple[list[Message], list[Reminder]]:
    """Every message of these reminders (the patient's by their channels, and the copies of the
    caregivers who want one), with their sign-in links issued in one statement.

    Returns (messages, reminders left with no channel: an SMS-only patient whose number texted
    STOP). `copy_links`: patient id -> care links (caregivers.selectors.reminder_copy_links).
    """
    # The caregivers' and the patient app's functions, through the wiring (lib/hooks.py).
    copy_recipients, copy_build = hook("REMINDER_COPY_RECIPIENTS"), hook("REMINDER_COPY_BUILD")
    signin_links_issue = hook("REMINDER_SIGNIN_TOKENS")
    wanted, plans, silent = [], [], []
    for reminder in reminders:
        channels = channels_for(reminder, blocked=blocked)
        if not channels:
            silent.append(reminder)
            continue
        links = (
            copy_recipients(reminder=reminder, links=copy_links.get(reminder.patient_id, []))
            if copy_recipients and copy_build
            else []
        )
        plans.append((reminder, channels, links))
        wanted += [(reminder.patient, None)] * len(channels)
        wanted += [(reminder.patient, link.caregiver) for link in links]
    tokens = iter(signin_links_issue(wanted=wanted))
    builders = {Message.Channel.EMAIL: reminder_email, Message.Channel.SMS: reminder_sms}
    messages = []
    for reminder, channels, links in plans:
        messages += [builders[c](reminder=reminder, token=next(tokens)) for c in channels]
        if links:
            context = reminder_context(reminder=reminder)
            messages += [
                copy_build(reminder=reminder, context=context, link=link, token=next(tokens))
                for link in links
            ]
    return messages, silent
