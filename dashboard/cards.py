"""One card per check-in (issue 24): the alerts one check-in raised, shown and acted on
together. The API keeps one alert per rule; the nurse sees one card with every sign, the
check-in's values and note, the call record and the actions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from caregivers.models import CareLink
from recovery.callbacks import CHASED_SEVERITIES
from recovery.choices import CONTACT_TRY_AGAIN, SEVERITY_RANK, UNRESOLVED, AlertStatus, Severity
from recovery.models import Alert, AlertContact, RuleSilence


@dataclass
class AlertCard:
    alerts: list[Alert]  # most severe first
    silences: list[RuleSilence] = field(default_factory=list)
    caregivers: list[CareLink] = field(default_factory=list)

    @property
    def primary(self) -> Alert:
        return self.alerts[0]

    @property
    def patient(self):
        return self.primary.patient

    @property
    def checkin(self):
        return self.primary.checkin

    @property
    def severity(self) -> str:
        return self.primary.severity

    @property
    def status(self) -> str:
        statuses = {alert.status for alert in self.alerts}
        for status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED):
            if status in statuses:
                return status
        return AlertStatus.RESOLVED

    @property
    def unresolved(self) -> bool:
        return self.status in UNRESOLVED

    @property
    def last_triggered_at(self) -> datetime:
        return max(alert.last_triggered_at for alert in self.alerts)

    @property
    def contacts(self) -> list[AlertContact]:
        calls = [contact for alert in self.alerts for contact in alert.contacts.all()]
        return sorted(calls, key=lambda contact: (contact.at, contact.pk), reverse=True)

    @property
    def try_again(self) -> AlertContact | None:
        """The last call, when it did not get through on an urgent or emergency card."""
        contacts = self.contacts
        if (
            self.unresolved
            and self.severity in CHASED_SEVERITIES
            and contacts
            and contacts[0].outcome in CONTACT_TRY_AGAIN
        ):
            return contacts[0]
        return None

    @property
    def silenceable(self) -> list[str]:
        """The card's signs a clinician may mark as expected (never an emergency one)."""
        silenced = {silence.rule for silence in self.silences}
        return [
            alert.rule
            for alert in self.alerts
            if alert.severity != Severity.EMERGENCY
            and alert.checkin_id
            and alert.rule not in silenced
        ]


def _key(alert: Alert):
    return (alert.patient_id, alert.checkin_id) if alert.checkin_id else ("alert", alert.pk)


def cards_of(alerts: list[Alert]) -> list[AlertCard]:
    """Group alerts (in the order given) into cards, one per check-in, each card most
    severe first; a card takes the place of its first alert in the order."""
    groups: dict[tuple, list[Alert]] = {}
    for alert in alerts:
        groups.setdefault(_key(alert), []).append(alert)
    return [
        AlertCard(alerts=sorted(group, key=lambda a: (-SEVERITY_RANK[a.severity], a.pk)))
        for group in groups.values()
    ]


def with_card_relations(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """What a card reads, in a constant number of queries."""
    return alerts.select_related(
        "patient__team", "checkin", "acknowledged_by", "resolved_by"
    ).prefetch_related(
        Prefetch("contacts", queryset=AlertContact.objects.select_related("by")),
    )


def cards_complete(cards: list[AlertCard]) -> list[AlertCard]:
    """Add each card's patient's silences in force and active caregivers: two queries."""
    patients = {card.patient.pk: card.patient for card in cards}
    silences = silences_by_patient(patients.values())
    caregivers = caregivers_by_patient(patients)
    for card in cards:
        card.silences = silences[card.patient.pk]
        card.caregivers = caregivers[card.patient.pk]
    return cards


def silences_by_patient(patients) -> dict[int, list[RuleSilence]]:
    """The silences in force today, each in its patient's own zone ("until" is exclusive)."""
    tz_of = {patient.pk: patient.tz for patient in patients}
    found: dict[int, list[RuleSilence]] = defaultdict(list)
    if not tz_of:
        return found
    now = timezone.now()
    for silence in (
        RuleSilence.objects.filter(
            patient_id__in=tz_of, ended_at__isnull=True, until__gte=now.date()
        )
        .select_related("by")
        .order_by("until", "pk")
    ):
        if silence.until > now.astimezone(tz_of[silence.patient_id]).date():
            found[silence.patient_id].append(silence)
    return found


def caregivers_by_patient(patient_ids) -> dict[int, list[CareLink]]:
    found: dict[int, list[CareLink]] = defaultdict(list)
    if not patient_ids:
        return found
    for link in CareLink.objects.filter(
        patient_id__in=list(patient_ids), status=CareLink.Status.ACTIVE
    ).order_by("pk"):
        found[link.patient_id].append(link)
    return found


def card_group(alert: Alert) -> list[Alert]:
    """The unresolved alerts on the same card as this one (itself included), locked by the
    caller's service calls one by one."""
    if not alert.checkin_id:
        return [alert]
    group = list(
        Alert.objects.filter(
            patient_id=alert.patient_id, checkin_id=alert.checkin_id, status__in=UNRESOLVED
        ).order_by("pk")
    )
    return group or [alert]
