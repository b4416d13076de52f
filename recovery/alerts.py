"""Turning rule hits into alerts: open a new one, or add to the unresolved one of that rule."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import rules
from .choices import UNRESOLVED, PatientStatus, Severity
from .locks import summary_lock
from .models import Alert, CareTeam, CheckIn, Patient, RuleSilence
from .signals import alerts_raised

# The rules' two reads in one hand-written statement: on every check-in the ORM's two querysets
# cost 1.4 ms of Python and two round trips, this 0.2 ms and one (bench/NOTES.md, issue 17).
# One row per earlier check-in in the lookback, newest first, or one row of NULLs when there
# is none; every row carries the procedure the check-in follows (NULLs when there is none):
# the latest one performed on or before the check-in's local date. For a live check-in that is
# the patient's latest procedure; a late offline one recorded before a newer procedure is judged
# against the procedure it followed. Plain SQL both databases read alike.
RULE_READS_SQL = """
SELECT c.recorded_at, c.pain_score, p.performed_on, p.pre_procedure_pain
FROM (SELECT 1) AS one
LEFT JOIN (
    SELECT performed_on, pre_procedure_pain FROM recovery_procedure
    WHERE patient_id = %(patient)s AND performed_on <= %(local_date)s
    ORDER BY performed_on DESC, id DESC LIMIT 1
) AS p ON 1 = 1
LEFT JOIN recovery_checkin AS c
    ON c.patient_id = %(patient)s AND c.recorded_at < %(at)s AND c.recorded_at >= %(since)s
ORDER BY c.recorded_at DESC
"""


def checkin_context(*, checkin: CheckIn) -> rules.Context:
    patient = checkin.patient
    params = rules.parameters_for(patient.team.rule_settings)
    lookback = max(params["worsening_lookback_days"], params["new_fracture_lookback_days"])
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            RULE_READS_SQL,
            {
                "patient": patient.pk,
                "local_date": ops.adapt_datefield_value(
                    checkin.recorded_at.astimezone(patient.tz).date()
                ),
                "at": ops.adapt_datetimefield_value(checkin.recorded_at),
                "since": ops.adapt_datetimefield_value(
                    checkin.recorded_at - timedelta(days=lookback)
                ),
            },
        )
        rows = cursor.fetchall()
    # SQLite hands back naive UTC times (the ORM makes them aware the same way).
    history = [
        (at if timezone.is_aware(at) else at.replace(tzinfo=UTC), pain)
        for at, pain, _, _ in rows
        if at is not None and pain is not None
    ]
    _, _, performed_on, pre_procedure_pain = rows[0]
    return rules.Context(
        recorded_at=checkin.recorded_at,
        pain_score=checkin.pain_score,
        temperature_c=checkin.temperature_c,
        symptoms=frozenset(checkin.symptoms),
        history=history,
        procedure_start=rules.procedure_start(performed_on, patient.tz) if performed_on else None,
        pre_procedure_pain=pre_procedure_pain,
        params=params,
        bone_medicine=checkin.bone_medicine,
    )


def alerts_raise_for_checkin(
    *, checkin: CheckIn, context: rules.Context, hits: list[rules.Rule]
) -> list[Alert]:
    """Open or add to an alert for each rule that fired. `context` and `hits` are the
    evaluation the caller made before the insert (checkin_record): the rules run once. The
    caller holds the patient's summary_lock()."""
    alerts = [
        alert_open_or_bump(
            patient=checkin.patient, rule=rule, params=context.params, checkin=checkin
        )
        for rule in hits
    ]
    # In the check-in's transaction: the emails are rows before anything reaches the broker
    # (notifications/receivers.py).
    alerts_raised.send(sender=Alert, alerts=alerts)
    return alerts


def alert_open_or_bump(
    *, patient: Patient, rule: rules.Rule, params: dict, checkin: CheckIn | None = None
) -> Alert:
    """At most one unresolved alert per patient and rule: add to it, or open a new one.
    The caller holds the patient's summary_lock()."""
    now = timezone.now()
    alert = (
        Alert.objects.select_for_update()
        .filter(patient=patient, rule=rule.code, status__in=UNRESOLVED)
        .first()
    )
    if alert is None:
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    patient=patient,
                    rule=rule.code,
                    severity=rule.severity,
                    message=rule.message,
                    parameters={name: params[name] for name in rule.uses},
                    created_at=now,
                    last_triggered_at=now,
                    checkin=checkin,
                )
                alert.newly_opened = True
        except IntegrityError:
            # A concurrent check-in opened it first: add to that one instead.
            alert = Alert.objects.select_for_update().get(
                patient=patient, rule=rule.code, status__in=UNRESOLVED
            )
    if not getattr(alert, "newly_opened", False):
        alert.occurrences += 1
        alert.last_triggered_at = now
        alert.checkin = checkin if checkin is not None else alert.checkin
        alert.save(update_fields=["occurrences", "last_triggered_at", "checkin"])
        alert.newly_opened = False
    if checkin is not None:
        alert.checkins.add(checkin)
    return alert


def hits_unsilenced(*, checkin: CheckIn, hits: list[rules.Rule]) -> list[rules.Rule]:
    """The hits no clinician silenced for this patient on the check-in's local date; the
    silenced ones are recorded on the check-in (`silenced_rules`) for its timeline. An
    emergency rule is never silenced, whatever a row says."""
    candidates = [rule.code for rule in hits if rule.severity != Severity.EMERGENCY]
    if not candidates:
        return hits
    local_date = checkin.recorded_at.astimezone(checkin.patient.tz).date()
    silenced = set(
        RuleSilence.objects.filter(
            patient_id=checkin.patient_id,
            rule__in=candidates,
            until__gt=local_date,
            created_at__lte=checkin.received_at,
            ended_at__isnull=True,
        ).values_list("rule", flat=True)
    )
    checkin.silenced_rules = sorted({*checkin.silenced_rules, *silenced})
    return [rule for rule in hits if rule.code not in silenced]


# --- missed_checkins (periodic) ------------------------------------------------------------


@dataclass
class MissedCheckinsResult:
    candidates: int = 0
    opened: int = 0
    added_to: int = 0


def _first_run_end(days: list[date], length: int) -> date | None:
    """The last day of the first run of `length` consecutive dates in a sorted list."""
    run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day == previous + timedelta(days=1) else 1
        if run >= length:
            return day
        previous = day
    return None


def missed_checkins_evaluate(*, now: datetime | None = None) -> MissedCheckinsResult:
    """Open or add to the missed_checkins alert of every patient in the first days after their
    latest procedure (PROTOCOL.md section 4), in each patient's own time zone.

    Five queries whatever the number of patients: the teams' windows, the candidates with their
    latest procedure date, their check-ins in the window, their missed_checkins alerts, then
    bulk writes. A local day counts once it is over. The alert remembers the last day it
    counted (missed_through), so the hourly task adds each missed day once however often it
    runs; a resolved alert's days are never counted again.
    """
    now = now or timezone.now()
    rule = rules.MISSED_CHECKINS
    longest = max(
        rules.parameters_for(team_settings)["missed_checkins_window_days"]
        for team_settings in [
            rules.DEFAULTS,
            *CareTeam.objects.values_list("rule_settings", flat=True),
        ]
    )
    # Generous in SQL (a day either side for time zones), exact in Python below.
    earliest = now.date() - timedelta(days=int(longest) + 2)
    candidates = list(
        Patient.objects.annotate(latest_performed_on=F("summary__latest_performed_on"))
        # Discharged patients are no longer followed up: no missed check-ins to count.
        .filter(latest_performed_on__gte=earliest, status=PatientStatus.ACTIVE)
        .select_related("team")
        .order_by("pk")
    )
    result = MissedCheckinsResult(candidates=len(candidates))
    if not candidates:
        return result
    ids = [patient.pk for patient in candidates]

    checked: dict[int, set[date]] = defaultdict(set)
    tz_of = {patient.pk: patient.tz for patient in candidates}
    for patient_id, recorded_at in CheckIn.objects.filter(
        patient__in=ids,
        recorded_at__gte=datetime.combine(earliest - timedelta(days=1), time.min, tzinfo=UTC),
    ).values_list("patient_id", "recorded_at"):
        checked[patient_id].add(recorded_at.astimezone(tz_of[patient_id]).date())

    unresolved: dict[int, Alert] = {}
    resolved_through: dict[int, date] = {}
    for alert in Alert.objects.filter(patient__in=ids, rule=rule.code).only(
        "pk", "patient_id", "status", "occurrences", "missed_through", "last_triggered_at"
    ):
        if alert.status in UNRESOLVED:
            unresolved[alert.patient_id] = alert
        elif alert.missed_through is not None:
            known = resolved_through.get(alert.patient_id)
            resolved_through[alert.patient_id] = max(
                known or alert.missed_through, alert.missed_through
            )

    to_create: list[Alert] = []
    to_update: list[Alert] = []
    for patient in candidates:
        params = rules.parameters_for(patient.team.rule_settings)
        tz = patient.tz
        local_today = now.astimezone(tz).date()
        first_day = max(patient.latest_performed_on, patient.enrolled_at.astimezone(tz).date())
        window_end = patient.latest_performed_on + timedelta(
            days=int(params["missed_checkins_window_days"])
        )
        last_day = min(window_end, local_today) - timedelta(days=1)  # only days that are over
        if last_day < first_day:
            continue
        missed = [
            day
            for offset in range((last_day - first_day).days + 1)
            if (day := first_day + timedelta(days=offset)) not in checked[patient.pk]
        ]
        alert = unresolved.get(patient.pk)
        if alert is not None:
            new = [
                day for day in missed if alert.missed_through is None or day > alert.missed_through
            ]
            if new:
                alert.occurrences += len(new)
                alert.missed_through = new[-1]
                alert.last_triggered_at = now
                to_update.append(alert)
            continue
        done = resolved_through.get(patient.pk)
        pool = [day for day in missed if done is None or day > done]
        run_end = _first_run_end(pool, int(params["missed_checkins_consecutive_days"]))
        if run_end is None:
            continue
        to_create.append(
            Alert(
                patient=patient,
                rule=rule.code,
                severity=rule.severity,
                message=rule.message,
                parameters={name: params[name] for name in rule.uses},
                created_at=now,
                last_triggered_at=now,
                # The run that opened it counts once; each missed day after it adds one.
                occurrences=1 + sum(1 for day in pool if day > run_end),
                missed_through=pool[-1],
            )
        )
    # A concurrent run may have opened the same alert: the unique constraint on unresolved
    # alerts drops the second copy. Updates write absolute values computed from the same
    # state, so two runs write the same thing.
    with transaction.atomic():
        summary_lock(alert.patient_id for alert in to_create + to_update)
        Alert.objects.bulk_create(to_create, ignore_conflicts=True)
        Alert.objects.bulk_update(to_update, ["occurrences", "missed_through", "last_triggered_at"])
    result.opened, result.added_to = len(to_create), len(to_update)
    return result
