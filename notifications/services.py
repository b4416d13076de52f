"""Telling the care team: the first email of an urgent or emergency alert, its re-sends while
nobody acknowledges it, and the daily digest of warnings (PROTOCOL.md section 4).

Every email is an outbox row written in the transaction that decided to send it, next to a row
here that makes it happen once; the broker only carries wake-ups after commit, and the outbox
sweeper re-wakes anything a lost message left behind. Emails carry the patient's initials, the
severity and a dashboard link, nothing clinical. A clinician who chose it also gets each
urgent or emergency alert and re-send by SMS (alert_sms.py), queued in the same transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from outbox.models import Message
from outbox.services import message_build, messages_queue, messages_wake_on_commit
from recovery.choices import SEVERITY_RANK, UNRESOLVED, AlertStatus, Severity
from recovery.models import Alert, AlertContact, CareTeam, Patient
from recovery.rules import RULES_BY_CODE, notification_settings_for

from .alert_sms import alert_texts
from .models import AlertNotification, CallbackReminder, WarningDigest

logger = logging.getLogger(__name__)

NOTIFIED_SEVERITIES = (Severity.URGENT, Severity.EMERGENCY)
ALERT_TEMPLATE = "notifications/email/alert"
DIGEST_TEMPLATE = "notifications/email/digest"
CALLBACK_TEMPLATE = "notifications/email/callback"


def dashboard_link(patient_id: int) -> str:
    return f"{settings.SITE_URL}/dashboard/patients/{patient_id}/"


def repeat_interval(severity: str, team_settings: dict) -> timedelta:
    key = "emergency_repeat_minutes" if severity == Severity.EMERGENCY else "urgent_repeat_minutes"
    return timedelta(minutes=team_settings[key])


def _alert_context(*, alerts: list[Alert], patient: Patient, round_: int) -> dict:
    """One message about the alerts of one check-in: the highest severity and every sign by
    its short name. Deliberately nothing else clinical, and no name: email and texts are not
    a safe place for them."""
    top = max(alerts, key=lambda alert: SEVERITY_RANK[alert.severity])
    return {
        "initials": patient.initials,
        "severity": top.severity,
        "signs": ", ".join(rule_label(alert.rule) for alert in _by_severity(alerts)),
        "link": dashboard_link(patient.pk),
        "round": round_,
    }


def _by_severity(alerts: list[Alert]) -> list[Alert]:
    return sorted(alerts, key=lambda alert: (-SEVERITY_RANK[alert.severity], alert.pk))


def rule_label(code: str) -> str:
    rule = RULES_BY_CODE.get(code)
    return rule.label if rule else code.replace("_", " ")


def team_clinicians(team: CareTeam) -> list[User]:
    return list(team.clinicians.filter(is_active=True).order_by("pk"))


def clinicians_by_team(team_ids) -> dict[int, list[User]]:
    """The active clinicians of several teams in one query, keyed by team id."""
    members: dict[int, list[User]] = defaultdict(list)
    memberships = (
        CareTeam.clinicians.through.objects.filter(careteam_id__in=team_ids, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        members[membership.careteam_id].append(membership.user)
    return members


def alerts_notify(*, alerts: list[Alert]) -> list[Message]:
    """Tell the care team of a check-in's newly opened urgent or emergency alerts: each
    clinician gets one email (and one text if they chose it) naming every sign the check-in
    fired, at the highest severity (the caregivers are told by caregivers/alerts.py).

    Called inside the check-in's transaction: the rows commit with the alerts or not at all,
    and the broker hears of them only after commit.
    """
    new = [
        alert
        for alert in alerts
        if getattr(alert, "newly_opened", False) and alert.severity in NOTIFIED_SEVERITIES
    ]
    if not new:
        return []
    now = timezone.now()
    patient = new[0].patient
    team = patient.team
    team_settings = notification_settings_for(team.rule_settings)
    clinicians = team_clinicians(team)
    if not clinicians:
        logger.error("alerts %s: team %s has no active clinician", [a.pk for a in new], team.pk)
    context = _alert_context(alerts=alerts, patient=patient, round_=0)
    emails = [
        _email_row(
            to=clinician.email,
            template=ALERT_TEMPLATE,
            context=context,
            category=f"alert-{context['severity']}",
            urgent=True,
        )
        for clinician in clinicians
    ]
    texts = alert_texts(alert=_by_severity(new)[0], clinicians=clinicians, context=context)
    messages_queue([*emails, *texts])
    AlertNotification.objects.bulk_create(
        AlertNotification(alert=alert, clinician=clinician, round=0, email=email)
        for alert in new
        for clinician, email in zip(clinicians, emails, strict=True)
    )
    # The alerts of one check-in keep one rhythm, the most severe one's, so their re-sends
    # stay one message too.
    interval = repeat_interval(context["severity"], team_settings)
    for alert in new:
        alert.notified_at = now
        alert.escalations_sent = 0
        alert.next_escalation_at = now + interval if team_settings["repeat_max"] > 0 else None
    Alert.objects.bulk_update(new, ["notified_at", "escalations_sent", "next_escalation_at"])
    return emails


def _email_row(*, to: str, template: str, context: dict, category: str, urgent: bool):
    return message_build(
        channel=Message.Channel.EMAIL,
        to=to,
        template=template,
        context=context,
        category=category,
        urgent=urgent,
    )


def escalations_send(*, now: datetime | None = None, batch: int = 500) -> int:
    """Re-send the email of every open urgent or emergency alert whose re-send is due.

    A constant number of queries whatever the number of alerts: lock the due alerts (skipping
    any another run holds), read their teams' clinicians, then bulk-insert the emails and their
    notification rows and bulk-update the alerts. The alert's own counter and next due time
    move in the same transaction, so a second run finds nothing due and sends nothing.
    Returns the number of emails queued.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=AlertStatus.OPEN,
                severity__in=NOTIFIED_SEVERITIES,
                next_escalation_at__lte=now,
            )
            .select_related("patient__team")
            .order_by("next_escalation_at")[:batch]
        )
        if not due:
            return 0
        members = clinicians_by_team({alert.patient.team_id for alert in due})

        queued: list[Message] = []
        texts: list[Message] = []
        pending: list[tuple[list[Alert], User]] = []
        # The alerts of one check-in are one message, as when they opened.
        groups: dict[tuple, list[Alert]] = defaultdict(list)
        for alert in due:
            groups[(alert.patient_id, alert.checkin_id or f"alert-{alert.pk}")].append(alert)
        for group in groups.values():
            patient = group[0].patient
            team = patient.team
            team_settings = notification_settings_for(team.rule_settings)
            round_ = max(alert.escalations_sent for alert in group) + 1
            context = _alert_context(alerts=group, patient=patient, round_=round_)
            texts += alert_texts(
                alert=_by_severity(group)[0], clinicians=members[team.pk], context=context
            )
            for clinician in members[team.pk]:
                queued.append(
                    _email_row(
                        to=clinician.email,
                        template=ALERT_TEMPLATE,
                        context=context,
                        category=f"alert-{context['severity']}",
                        urgent=True,
                    )
                )
                pending.append((group, clinician))
            interval = repeat_interval(context["severity"], team_settings)
            for alert in group:
                alert.escalations_sent = round_
                if round_ >= team_settings["repeat_max"]:
                    alert.next_escalation_at = None
                else:
                    # Keep the rhythm of the schedule, but after an outage wait a full interval
                    # rather than sending the missed re-sends in a burst.
                    following = alert.next_escalation_at + interval
                    alert.next_escalation_at = following if following > now else now + interval
        # One insert for the emails and the texts; the notification rows are the emails'.
        Message.objects.bulk_create(queued + texts)
        AlertNotification.objects.bulk_create(
            AlertNotification(
                alert=alert, clinician=clinician, round=alert.escalations_sent, email=email
            )
            for (group, clinician), email in zip(pending, queued, strict=True)
            for alert in group
        )
        Alert.objects.bulk_update(due, ["escalations_sent", "next_escalation_at"])
        messages_wake_on_commit([message.pk for message in queued + texts])
    logger.info("escalation: %s alerts, %s emails, %s texts", len(due), len(queued), len(texts))
    return len(queued)


def callbacks_remind(*, now: datetime | None = None, batch: int = 500) -> int:
    """Remind the team to call again where a call about an urgent or emergency alert did not
    get through ("no answer", "left a message") and nobody has called since the team's
    `callback_retry_minutes` (recovery/callbacks.py sets the time). One email per clinician
    per such call: the CallbackReminder row and the cleared due time commit with the emails,
    so a second run sends nothing. A constant number of queries. Returns the emails queued."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=UNRESOLVED, callback_due_at__lte=now)
            .select_related("patient__team")
            .order_by("callback_due_at")[:batch]
        )
        if not due:
            return 0
        last_calls = {}
        for contact in AlertContact.objects.filter(alert__in=due).order_by("alert_id", "at", "pk"):
            last_calls[contact.alert_id] = contact
        members = clinicians_by_team({alert.patient.team_id for alert in due})
        queued: list[Message] = []
        reminders: list[CallbackReminder] = []
        for alert in due:
            contact = last_calls.get(alert.pk)
            alert.callback_due_at = None
            if contact is None:
                continue
            context = {
                **_alert_context(alerts=[alert], patient=alert.patient, round_=0),
                "last_try": timezone.localtime(contact.at, alert.patient.team.tz).strftime("%H:%M"),
                "outcome": contact.get_outcome_display().lower(),
            }
            queued += [
                _email_row(
                    to=clinician.email,
                    template=CALLBACK_TEMPLATE,
                    context=context,
                    category="callback-reminder",
                    urgent=True,
                )
                for clinician in members[alert.patient.team_id]
            ]
            reminders.append(CallbackReminder(contact=contact))
        Message.objects.bulk_create(queued)
        CallbackReminder.objects.bulk_create(reminders, ignore_conflicts=True)
        Alert.objects.bulk_update(due, ["callback_due_at"])
        messages_wake_on_commit([email.pk for email in queued])
    logger.info("callback reminders: %s alerts, %s emails", len(due), len(queued))
    return len(queued)


def digests_send(*, now: datetime | None = None) -> int:
    """Send each clinician the day's digest of open warnings, at the team's digest hour.

    Idempotent per (clinician, team, local date): the digest row is written whether or not
    there was anything to send, under a lock on the team row, so a second run or a concurrent
    one finds the row and sends nothing. A constant number of queries. Returns the number of
    emails queued.
    """
    now = now or timezone.now()
    due: dict[int, tuple[CareTeam, object]] = {}
    for team in CareTeam.objects.all():
        local = now.astimezone(team.tz)
        if local.hour >= notification_settings_for(team.rule_settings)["digest_hour"]:
            due[team.pk] = (team, local.date())
    if not due:
        return 0
    with transaction.atomic():
        locked = set(
            CareTeam.objects.select_for_update(skip_locked=True)
            .filter(pk__in=due)
            .values_list("pk", flat=True)
        )
        if not locked:
            return 0
        done = set(
            WarningDigest.objects.filter(
                team__in=locked, local_date__in={due[pk][1] for pk in locked}
            ).values_list("team_id", "clinician_id", "local_date")
        )
        members = clinicians_by_team(locked)
        warnings = defaultdict(list)
        for alert in (
            Alert.objects.filter(
                patient__team__in=locked, status=AlertStatus.OPEN, severity=Severity.WARNING
            )
            .select_related("patient")
            .order_by("patient_id", "pk")
        ):
            warnings[alert.patient.team_id].append(alert)

        digests: list[WarningDigest] = []
        queued: list[Message] = []
        for team_id in sorted(locked):
            local_date = due[team_id][1]
            alerts = warnings[team_id]
            for clinician in members[team_id]:
                if (team_id, clinician.pk, local_date) in done:
                    continue
                digest = WarningDigest(
                    clinician=clinician,
                    team_id=team_id,
                    local_date=local_date,
                    alert_count=len(alerts),
                )
                if alerts:
                    digest.email = _email_row(
                        to=clinician.email,
                        template=DIGEST_TEMPLATE,
                        context=_digest_context(alerts=alerts, local_date=local_date),
                        category="warning-digest",
                        urgent=False,
                    )
                    queued.append(digest.email)
                digests.append(digest)
        Message.objects.bulk_create(queued)
        WarningDigest.objects.bulk_create(digests)
        messages_wake_on_commit([email.pk for email in queued])
    logger.info("digest: %s digests, %s emails", len(digests), len(queued))
    return len(queued)


def _digest_context(*, alerts: list[Alert], local_date) -> dict:
    per_patient: dict[int, dict] = {}
    for alert in alerts:
        row = per_patient.setdefault(
            alert.patient_id,
            {
                "initials": alert.patient.initials,
                "link": dashboard_link(alert.patient_id),
                "count": 0,
            },
        )
        row["count"] += 1
    return {
        "date": local_date.isoformat(),
        "patients": list(per_patient.values()),
        "alert_count": len(alerts),
    }
