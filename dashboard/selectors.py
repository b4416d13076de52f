"""Reads for the care-team dashboard. The HTML pages and GET /api/v1/dashboard/ both come
through here, so the numbers a clinician sees on the page and in the API are the same."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User
from recovery import rules
from recovery.choices import SEVERITY_RANK, UNRESOLVED, Severity
from recovery.models import Alert, CheckIn, Patient, Procedure
from recovery.selectors import alerts_for, patient_list_for, patient_rows_for, patients_for
from reminders.models import Reminder

# API.md: "in recovery" means the latest procedure was at most this many days ago, which is
# also the last weekly check-in reminder of the plan (PROTOCOL.md section 5).
RECOVERY_DAYS = 84
MISSED_CHECKINS_RULE = rules.MISSED_CHECKINS.code


def _missed_checkins_open() -> Exists:
    return Exists(
        Alert.objects.filter(
            patient=OuterRef("pk"), rule=MISSED_CHECKINS_RULE, status__in=UNRESOLVED
        )
    )


def days_since_procedure(patient: Patient, *, today: date | None = None) -> int | None:
    """Counted on the patient's own calendar, like the API's days_since_procedure."""
    if patient.latest_performed_on is None:
        return None
    return ((today or patient.local_today()) - patient.latest_performed_on).days


# --- The patient list ----------------------------------------------------------------------


def patient_page_rows_for(user: User, *, search: str = "") -> QuerySet[Patient]:
    """The API's patient rows in risk order, plus the missed-check-ins flag: one query."""
    return patient_rows_for(user, search=search, ordering="risk").annotate(
        missed_checkins_open=_missed_checkins_open()
    )


# --- The summary (GET /api/v1/dashboard/ and the figures on top of the list) ----------------


@dataclass(frozen=True)
class DashboardSummary:
    patients_total: int
    patients_in_recovery: int
    open_alerts: dict[str, int]
    checked_in_today: int
    missed_checkins: int

    def as_dict(self) -> dict:
        return {
            "patients_total": self.patients_total,
            "patients_in_recovery": self.patients_in_recovery,
            "open_alerts": dict(self.open_alerts),
            "checked_in_today": self.checked_in_today,
            "missed_checkins": self.missed_checkins,
        }


def dashboard_summary_for(user: User, *, now: datetime | None = None) -> DashboardSummary:
    """Two queries whatever the number of patients.

    "Today" differs per patient (each has their own time zone), so the first query fetches
    each patient's zone, latest procedure date and latest check-in time, and Python compares
    them with that zone's today. One row of three columns per patient is cheap even for
    thousands of patients, and it works the same on SQLite and PostgreSQL.
    """
    now = now or timezone.now()
    latest_checkin = CheckIn.objects.filter(patient=OuterRef("pk")).order_by("-recorded_at")
    latest_procedure = Procedure.objects.filter(patient=OuterRef("pk")).order_by(
        "-performed_on", "-id"
    )
    rows = (
        patients_for(user)
        .annotate(
            latest_performed_on=Subquery(latest_procedure.values("performed_on")[:1]),
            last_checkin_at=Subquery(latest_checkin.values("recorded_at")[:1]),
        )
        .values_list("timezone", "latest_performed_on", "last_checkin_at")
    )
    today_in: dict[str, tuple[zoneinfo.ZoneInfo, date]] = {}
    total = in_recovery = checked_in_today = 0
    for tz_name, performed_on, last_checkin_at in rows:
        total += 1
        if tz_name not in today_in:
            tz = zoneinfo.ZoneInfo(tz_name)
            today_in[tz_name] = (tz, now.astimezone(tz).date())
        tz, today = today_in[tz_name]
        if performed_on is not None and 0 <= (today - performed_on).days <= RECOVERY_DAYS:
            in_recovery += 1
        # ">=": a phone a few minutes fast may record just past local midnight; that
        # check-in still answers "has this patient checked in today".
        if last_checkin_at is not None and last_checkin_at.astimezone(tz).date() >= today:
            checked_in_today += 1

    unresolved = Q(status__in=UNRESOLVED)
    counts = alerts_for(user).aggregate(
        **{
            severity: Count("pk", filter=unresolved & Q(severity=severity))
            for severity in Severity.values
        },
        # At most one unresolved alert per patient and rule, but count patients to be exact.
        missed=Count("patient", filter=unresolved & Q(rule=MISSED_CHECKINS_RULE), distinct=True),
    )
    return DashboardSummary(
        patients_total=total,
        patients_in_recovery=in_recovery,
        open_alerts={
            severity: counts[severity]
            for severity in sorted(Severity.values, key=SEVERITY_RANK.get, reverse=True)
        },
        checked_in_today=checked_in_today,
        missed_checkins=counts["missed"],
    )


# --- The alert inbox -----------------------------------------------------------------------


def _severity_rank() -> Case:
    return Case(
        *(When(severity=code, then=Value(rank)) for code, rank in SEVERITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def alert_inbox_for(user: User) -> QuerySet[Alert]:
    """Unresolved alerts of the caller's patients: most severe first, then newest."""
    return (
        alerts_for(user)
        .filter(status__in=UNRESOLVED)
        .select_related("patient", "acknowledged_by")
        .annotate(severity_rank=_severity_rank())
        .order_by("-severity_rank", "-created_at", "-id")
    )


# --- One patient ---------------------------------------------------------------------------


@dataclass
class PatientRecord:
    patient: Patient
    procedures: list[Procedure]
    checkins: list[CheckIn]
    alerts: list[Alert]
    reminders: list[Reminder]
    fever_threshold_c: float
    today: date = field(init=False)

    def __post_init__(self) -> None:
        self.today = self.patient.local_today()

    @property
    def latest_procedure(self) -> Procedure | None:
        return self.procedures[0] if self.procedures else None

    @property
    def days_since_procedure(self) -> int | None:
        return days_since_procedure(self.patient, today=self.today)

    @property
    def restriction_active(self) -> bool:
        latest = self.latest_procedure
        return latest is not None and self.today < latest.lifting_restriction_until

    @property
    def failed_reminders(self) -> list[Reminder]:
        return [r for r in self.reminders if r.status == Reminder.Status.FAILED]

    @property
    def open_alerts(self) -> list[Alert]:
        return [alert for alert in self.alerts if alert.status in UNRESOLVED]

    @property
    def resolved_alerts(self) -> list[Alert]:
        return [alert for alert in self.alerts if alert.status not in UNRESOLVED]


def reminders_of(patient: Patient) -> list[Reminder]:
    """The patient's reminder plan in due order, each with its state and reason."""
    return list(Reminder.objects.filter(patient=patient).order_by("due_at", "pk"))


def patient_record_get(user: User, *, pk: int) -> PatientRecord:
    """Everything the patient page shows. Raises Patient.DoesNotExist outside the caller's
    scope, so another team's patient is indistinguishable from a missing one."""
    patient = (
        patient_list_for(user)
        .select_related("team")
        .annotate(missed_checkins_open=_missed_checkins_open())
        .get(pk=pk)
    )
    alerts = list(
        alerts_for(user)
        .filter(patient=patient)
        .select_related("acknowledged_by", "resolved_by")
        .annotate(
            severity_rank=_severity_rank(),
            unresolved=Case(
                When(status__in=UNRESOLVED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-unresolved", "-severity_rank", "-created_at", "-id")
    )
    return PatientRecord(
        patient=patient,
        procedures=list(patient.procedures.order_by("-performed_on", "-id")),
        checkins=list(patient.checkins.order_by("recorded_at")),
        alerts=alerts,
        reminders=reminders_of(patient),
        fever_threshold_c=rules.parameters_for(patient.team.rule_settings)["fever_threshold_c"],
    )
