"""Telling a patient's caregivers of an urgent or emergency check-in (API.md "Calling the
patient back"): one email, and a text where they gave a phone and said yes to texts, with the
patient's first name, what to do now and the care team's numbers. Connected to
recovery.signals.alerts_raised in CaregiversConfig.ready, so the messages are rows in the
check-in's transaction."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from outbox.models import Message
from outbox.services import message_build, messages_queue
from recovery.choices import SEVERITY_RANK, Severity
from recovery.rules import guidance_for

from .models import CaregiverAlertNotice, CareLink

TOLD_SEVERITIES = (Severity.URGENT, Severity.EMERGENCY)
TEMPLATE = "caregivers/alert/alert"


def alerts_raised(*, alerts, **kwargs) -> None:
    """A check-in's alerts: tell the caregivers once per check-in when one is urgent or
    emergency (a sign added later to the same check-in tells nobody twice)."""
    told = [alert for alert in alerts if alert.severity in TOLD_SEVERITIES and alert.checkin_id]
    if not told:
        return
    top = max(told, key=lambda alert: SEVERITY_RANK[alert.severity])
    messages_queue(
        caregiver_alert_messages(
            patient=top.patient, checkin_id=top.checkin_id, severity=top.severity
        )
    )


def caregiver_alert_messages(*, patient, checkin_id, severity: str) -> list[Message]:
    """Built (not saved) messages for the caregivers not yet told of this check-in; records
    that they were (CaregiverAlertNotice), so a second call builds nothing."""
    links = list(
        CareLink.objects.filter(
            patient=patient, status=CareLink.Status.ACTIVE, receives_alerts=True
        ).exclude(
            pk__in=CaregiverAlertNotice.objects.filter(checkin_id=checkin_id).values("link_id")
        )
    )
    if not links:
        return []
    team = patient.team
    messages: list[Message] = []
    # The caregiver reads the patient's language, as on every caregiver page.
    with translation.override(patient.language):
        context = {
            "first_name": patient.first_name,
            "severity": severity,
            "guidance": gettext(guidance_for(severity)["message"]),
            "team_phone": team.phone,
            "emergency_number": team.emergency_number,
        }
        for link in links:
            messages.append(
                message_build(
                    channel=Message.Channel.EMAIL,
                    to=link.email,
                    template=TEMPLATE,
                    context={**context, "name": link.name},
                    category=f"caregiver-alert-{severity}",
                    urgent=True,
                )
            )
            if link.phone and link.sms_consent_at:
                messages.append(
                    message_build(
                        channel=Message.Channel.SMS,
                        to=link.phone,
                        template=TEMPLATE,
                        context=context,
                        category=f"caregiver-alert-{severity}",
                        urgent=True,
                    )
                )
    CaregiverAlertNotice.objects.bulk_create(
        CaregiverAlertNotice(link=link, checkin_id=checkin_id, severity=severity) for link in links
    )
    return messages
