"""Copies of a patient's reminder emails for the caregivers the patient chose.

A copy is an outbox email (outbox/), written in the same transaction that marks the
patient's reminder `sent`: a copy exists exactly when the patient's own message was accepted,
and from then on the outbox's retries and sweeper deliver it. The reminder's own state and
guarantees are untouched: it is `sent` once the patient's message was accepted, whatever
happens to the copies.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db.models import Q

from outbox.services import email_queue
from patientapp.services import signin_link_issue
from recovery.choices import PatientStatus
from recovery.models import Patient
from reminders.models import Reminder, ReminderOptOut

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
    from reminders import plan

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise BadUnsubscribeLink() from None
    if not isinstance(data, dict) or data.get("k") not in [*plan.Kind.values, ReminderOptOut.ALL]:
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


def reminder_copies_queue(*, reminder: Reminder, context: dict, links: list[CareLink]) -> int:
    """Queue one copy per caregiver who wants it; `context` is the patient's reminder's.
    Returns how many were queued. Call inside the transaction that marks the reminder sent."""
    # Follow-up has ended (recovery/lifecycle.py): no copy of a reminder that was already at
    # the SMTP server when the patient was discharged. Read now, not from the batch's rows.
    if Patient.objects.filter(pk=reminder.patient_id, status=PatientStatus.DISCHARGED).exists():
        return 0
    # The patient's own sign-in link signs in the patient: never in a copy (nor in a stored
    # body); the caregiver's own goes in as the outbox's `secret=`.
    copy_context = {key: value for key, value in context.items() if key != "signin_url"}
    queued = 0
    for link in links:
        if link.status != CareLink.Status.ACTIVE or not link.receives_reminders:
            continue
        if not _wants(link, reminder.kind):
            continue
        kind_url = unsubscribe_url(link_id=link.pk, kind=reminder.kind)
        # The copy's own "Check in now" link signs in the caregiver (acting for the patient),
        # never the patient. Its token is the outbox's secret: the stored bodies hold a
        # placeholder, filled in at send time and forgotten once sent.
        token = signin_link_issue(patient=reminder.patient, user=link.caregiver)
        email_queue(
            to=link.caregiver.email,
            template="caregivers/email/reminder-copy",
            context={
                **copy_context,
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
        )
        queued += 1
    return queued
