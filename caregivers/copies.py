"""Copies of a patient's reminder emails for the caregivers the patient chose.

A copy is an outbox email (outbox/), queued by the reminders dispatcher with the patient's own
messages, about the same reminder (ref_type "reminder"); cancelling the reminder cancels its
queued copies too. The reminder's state is decided by the patient's messages only: it is
`sent` once one of them was accepted, whatever happens to the copies.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db.models import Q

from outbox.models import Message
from outbox.services import message_build
from reminders.models import Reminder, ReminderOptOut
from reminders.optouts import unsubscribe_payload

from .models import CareLink

UNSUBSCRIBE_SALT = "caregivers.unsubscribe"
# Names the care link on its emails (invitation, copies), so revoking can cancel unsent ones.
LINK_HEADER = "X-Care-Link"


class BadUnsubscribeLink(Exception):
    pass


def unsubscribe_url(*, link_id: int, kind: str) -> str:
    token = signing.dumps({"l": link_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)
    return f"{settings.SITE_URL}/unsubscribe/caregiver/{token}/"


def unsubscribe_parse(*, token: str) -> tuple[CareLink, str]:
    data = unsubscribe_payload(token=token, salt=UNSUBSCRIBE_SALT)
    if data is None:
        raise BadUnsubscribeLink()
    link_id = data.get("l")
    link = CareLink.objects.filter(pk=link_id).first() if isinstance(link_id, int) else None
    if link is None:
        raise BadUnsubscribeLink()
    return link, data["k"]


def messages_about(patient) -> Q:
    """The outbox rows of this patient's care links (invitations, reminder copies), whoever
    they go to: registered with recovery.lifecycle.messages_stop. A caregiver of several
    patients keeps the emails about the others."""
    links = CareLink.objects.filter(patient=patient).values_list("pk", flat=True)
    link_ids = [str(pk) for pk in links]
    if not link_ids:
        return Q(pk__in=[])
    return Q(**{f"headers__{LINK_HEADER}__in": link_ids})


def _wants(link: CareLink, kind: str) -> bool:
    stopped = {opt_out.kind for opt_out in link.opt_outs.all()}
    return not stopped & {kind, ReminderOptOut.ALL}


def reminder_copy_recipients(*, reminder: Reminder, links: list[CareLink]) -> list[CareLink]:
    """The care links (caregivers.selectors.reminder_copy_links) that get a copy of this
    reminder: active, asked for copies, and not opted out of its kind."""
    return [
        link
        for link in links
        if link.status == CareLink.Status.ACTIVE
        and link.receives_reminders
        and _wants(link, reminder.kind)
    ]


def reminder_copy_build(
    *, reminder: Reminder, context: dict, link: CareLink, token: str
) -> Message:
    """One caregiver's copy (not saved: the reminders dispatcher queues it with the patient's
    messages). `context` is the patient's reminder's; `token` signs in the caregiver (acting
    for the patient), never the patient: it is the outbox's secret, so the stored bodies hold
    a placeholder, filled in at send time and forgotten once sent."""
    kind_url = unsubscribe_url(link_id=link.pk, kind=reminder.kind)
    return message_build(
        channel=Message.Channel.EMAIL,
        to=link.caregiver.email,
        template="caregivers/email/reminder-copy",
        context={
            **context,
            "caregiver_name": link.caregiver.get_full_name() or link.name,
            "signin_url_prefix": f"{settings.SITE_URL}/app/l/",
            "unsubscribe_kind_url": kind_url,
            "unsubscribe_all_url": unsubscribe_url(link_id=link.pk, kind=ReminderOptOut.ALL),
        },
        category="reminder-copy",
        secret=token,
        headers={
            "List-Unsubscribe": f"<{kind_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Reminder-Id": str(reminder.pk),
            LINK_HEADER: str(link.pk),
        },
        ref_type="reminder",
        ref_id=reminder.pk,
    )
