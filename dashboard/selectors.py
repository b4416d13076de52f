"""Reads for the care-team dashboard. The HTML pages and GET /api/v1/dashboard/ both come
through here, so the numbers a clinician sees on the page and in the API are the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User
from caregivers.selectors import labels_of_entries
from recovery import rules
from recovery.choices import SEVERITIES_BY_RANK, SEVERITY_RANK, UNRESOLVED, PatientStatus
from recovery.models import Alert, AlertContact, CheckIn, Patient, Procedure
from recovery.selectors import alerts_for, patient_list_for, patient_rows_for
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


def patient_page_rows_for(
    user: User, *, search: str = "", status: str = PatientStatus.ACTIVE
) -> QuerySet[Patient]:
    """The API's patient rows in risk order, plus the missed-check-ins flag: one query."""
    return patient_rows_for(user, search=search, ordering="risk", status=status).annotate(
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


# One statement, one row, whatever the number of patients. "Today" differs per patient (each
# has their own time zone), so the database takes each patient's local date of now and of
# their latest check-in. Hand-written because this is the dashboard's hot path: the ORM took
# about 10 ms of Python to build the same aggregates, several times what PostgreSQL took to
# run them (bench/NOTES.md). The figures per patient come from their summary row
# (recovery.models.PatientSummary); the scope is the clinician's teams, as in patients_for().
SUMMARY_SQL = """
WITH mine AS (
    SELECT p.id, p.timezone, s.*
    FROM recovery_patient p
    JOIN recovery_careteam_clinicians tc ON tc.careteam_id = p.team_id AND tc.user_id = %(user)s
    JOIN recovery_patientsummary s ON s.patient_id = p.id
    -- Discharged patients are out of the figures (their alerts stay in the inbox).
    WHERE p.status = %(active)s
), dated AS (
    SELECT latest_performed_on, {today} AS today, {checkin_day} AS checkin_day FROM mine
)
SELECT
    (SELECT count(*) FROM mine),
    (SELECT count(*) FROM dated WHERE {days_since} BETWEEN 0 AND %(recovery_days)s),
    -- ">=": a phone a few minutes fast may record just past local midnight; that check-in
    -- still answers "has this patient checked in today".
    (SELECT count(*) FROM dated WHERE checkin_day >= today),
    -- In SEVERITIES_BY_RANK's order: most severe first.
    (SELECT coalesce(sum(open_emergency), 0) FROM mine),
    (SELECT coalesce(sum(open_urgent), 0) FROM mine),
    (SELECT coalesce(sum(open_warning), 0) FROM mine),
    (SELECT coalesce(sum(open_info), 0) FROM mine),
    (SELECT count(DISTINCT a.patient_id) FROM recovery_alert a JOIN mine ON mine.id = a.patient_id
     WHERE a.rule = %(missed_rule)s AND a.status IN (%(open)s, %(acknowledged)s))
"""
# The two databases we run on spell "local date in a zone named per row" differently; on
# SQLite it is the function Django registers on every connection (zoneinfo in Python).
SUMMARY_SQL_BY_VENDOR = {
    "postgresql": SUMMARY_SQL.format(
        today="(%(now)s::timestamptz AT TIME ZONE timezone)::date",
        checkin_day="(last_checkin_at AT TIME ZONE timezone)::date",
        days_since="today - latest_performed_on",
    ),
    "sqlite": SUMMARY_SQL.format(
        today="django_datetime_cast_date(%(now)s, timezone, 'UTC')",
        checkin_day="django_datetime_cast_date(last_checkin_at, timezone, 'UTC')",
        days_since="julianday(today) - julianday(latest_performed_on)",
    ),
}


def dashboard_summary_for(user: User, *, now: datetime | None = None) -> DashboardSummary:
    if not user.is_authenticated or not user.is_clinician:
        return DashboardSummary(0, 0, dict.fromkeys(SEVERITIES_BY_RANK, 0), 0, 0)
    now = now or timezone.now()
    params = {
        "user": user.pk,
        "now": connection.ops.adapt_datetimefield_value(now),
        "recovery_days": RECOVERY_DAYS,
        "missed_rule": MISSED_CHECKINS_RULE,
        "active": PatientStatus.ACTIVE.value,
        **{status: status for status in UNRESOLVED},
    }
    with connection.cursor() as cursor:
        cursor.execute(SUMMARY_SQL_BY_VENDOR[connection.vendor], params)
        total, in_recovery, checked_in, *counts, missed = cursor.fetchone()
    return DashboardSummary(
        patients_total=total,
        patients_in_recovery=in_recovery,
        open_alerts=dict(zip(SEVERITIES_BY_RANK, counts, strict=True)),
        checked_in_today=checked_in,
        missed_checkins=missed,
    )


# --- The alert inbox -----------------------------------------------------------------------


def _severity_rank() -> Case:
    return Case(
        *(When(severity=code, then=Value(rank)) for code, rank in SEVERITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _trigger_values() -> dict:
    """The values of the latest check-in that raised each alert (its card shows "pain 9/10,
    38.6 °C"): columns of the same query, not a query per card."""
    latest = CheckIn.objects.filter(alerts=OuterRef("pk")).order_by("-recorded_at")
    return {
        "trigger_pain": Subquery(latest.values("pain_score")[:1]),
        "trigger_temperature": Subquery(latest.values("temperature_c")[:1]),
        "trigger_symptoms": Subquery(latest.values("symptoms")[:1], output_field=JSONField()),
    }


def alert_inbox_for(user: User) -> QuerySet[Alert]:
    """Unresolved alerts of the caller's patients: most severe first, then newest."""
    return (
        alerts_for(user)
        .filter(status__in=UNRESOLVED)
        .select_related("patient", "acknowledged_by")
        .annotate(severity_rank=_severity_rank(), **_trigger_values())
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
        .select_related("team", "user")
        .annotate(missed_checkins_open=_missed_checkins_open())
        .get(pk=pk)
    )
    alerts = list(
        alerts_for(user)
        .filter(patient=patient)
        .select_related("acknowledged_by", "resolved_by", "checkin")
        .prefetch_related(Prefetch("contacts", queryset=AlertContact.objects.select_related("by")))
        .annotate(
            **_trigger_values(),
            severity_rank=_severity_rank(),
            unresolved=Case(
                When(status__in=UNRESOLVED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-unresolved", "-severity_rank", "-created_at", "-id")
    )
    checkins = list(patient.checkins.order_by("recorded_at"))
    # "entered by Ann Hill (daughter)" on a caregiver's check-ins; a query only when there
    # are some.
    labels = labels_of_entries(patient, {checkin.entered_by_id for checkin in checkins})
    for checkin in checkins:
        checkin.entered_by_label = labels.get(checkin.entered_by_id, "")
    for alert in alerts:
        alert.patient = patient  # the cards read its time zone: no query per card
    return PatientRecord(
        patient=patient,
        procedures=list(patient.procedures.order_by("-performed_on", "-id")),
        checkins=checkins,
        alerts=alerts,
        reminders=reminders_of(patient),
        fever_threshold_c=rules.parameters_for(patient.team.rule_settings)["fever_threshold_c"],
    )
