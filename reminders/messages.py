"""What a reminder says: the patient's email (and its context, shared with caregivers'
copies), rendered in the patient's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.translation import gettext

from outbox import emails

from . import plan
from .models import Reminder, ReminderOptOut
from .optouts import unsubscribe_url


def reminder_context(*, reminder: Reminder, signin: bool = True) -> dict:
    """What a reminder email says, in the language active (reminder_message: the patient's).
    `signin=False`: without the patient's sign-in link (a caregiver's copy gets its own)."""
    from patientapp.services import signin_link_issue, signin_link_url

    patient = reminder.patient
    item = plan.ITEMS[reminder.kind]
    due_day = reminder.due_at.astimezone(patient.tz).date()
    until = reminder.procedure.lifting_restriction_until
    return {
        "first_name": patient.first_name,
        "title": gettext(item.title),
        "text": plan.text_for(reminder.kind, until=until, due=due_day),
        "kind_label": gettext(plan.Kind(reminder.kind).label),
        # "Check in now": a single-use sign-in link to the patient app (patientapp/).
        "signin_url": signin_link_url(signin_link_issue(patient=patient)) if signin else "",
        "due_day": plan.format_day(due_day),
        "lifting_restriction_until": plan.format_day(until),
        # Other reminders repeat the restriction while it holds; its own two name it already.
        "restriction_holds": due_day < until
        and reminder.kind not in (plan.Kind.LIFTING_RESTRICTION, plan.Kind.LIFTING_RESTRICTION_END),
        "unsubscribe_kind_url": unsubscribe_url(patient_id=patient.pk, kind=reminder.kind),
        "unsubscribe_all_url": unsubscribe_url(patient_id=patient.pk, kind=ReminderOptOut.ALL),
    }


def reminder_message(*, reminder: Reminder) -> EmailMultiAlternatives:
    with translation.override(reminder.patient.language):
        context = reminder_context(reminder=reminder)
        subject, text, html = emails.render("reminders/email/reminder", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.patient.user.email],
        headers={
            # RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" here.
            "List-Unsubscribe": f"<{context['unsubscribe_kind_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Reminder-Id": str(reminder.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
