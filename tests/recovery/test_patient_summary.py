"""The patient summary row is kept by database triggers (migration 0010): whatever
writes a check-in, an alert or a procedure, the list's figures follow. Runs on SQLite in the
quick path and on PostgreSQL under scripts/test, so a backend without its triggers fails."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from recovery.choices import SEVERITY_RANK, UNRESOLVED
from recovery.models import Alert, CheckIn, Patient, PatientSummary, Procedure
from tests.factories import CheckInFactory, PatientFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def summary(patient) -> PatientSummary:
    return PatientSummary.objects.get(patient=patient)


def alert(patient, severity, rule="fever", status="open") -> Alert:
    return Alert.objects.create(
        patient=patient, rule=rule, severity=severity, status=status, message="..."
    )


def recomputed(patient) -> dict:
    """The figures read from the source tables, as the list computed them before."""
    latest = CheckIn.objects.filter(patient=OuterRef("pk")).order_by("-recorded_at")
    procedure = Procedure.objects.filter(patient=OuterRef("pk")).order_by("-performed_on", "-id")
    row = (
        Patient.objects.filter(pk=patient.pk)
        .annotate(
            latest_pain_score=Subquery(latest.values("pain_score")[:1]),
            last_checkin_at=Subquery(latest.values("recorded_at")[:1]),
            latest_performed_on=Subquery(procedure.values("performed_on")[:1]),
            latest_procedure_type=Subquery(procedure.values("procedure_type")[:1]),
        )
        .values("latest_pain_score", "last_checkin_at", "latest_performed_on")
        .get()
    )
    unresolved = Alert.objects.filter(patient=patient, status__in=UNRESOLVED)
    for severity in SEVERITY_RANK:
        row[f"open_{severity}"] = unresolved.filter(severity=severity).count()
    ranks = [SEVERITY_RANK[a.severity] for a in unresolved]
    row["risk_rank"] = max(ranks, default=0)
    return row


def kept(patient) -> dict:
    s = summary(patient)
    return {name: getattr(s, name) for name in recomputed(patient)}


def test_a_new_patient_has_an_empty_summary():
    s = summary(PatientFactory())
    assert (s.latest_pain_score, s.last_checkin_at, s.latest_performed_on) == (None, None, None)
    assert (s.open_emergency, s.open_urgent, s.open_warning, s.open_info) == (0, 0, 0, 0)
    assert s.risk_rank == 0


def test_the_latest_checkin_by_recorded_at_wins_and_a_late_offline_one_does_not():
    patient = PatientFactory()
    CheckInFactory(patient=patient, recorded_at=T0, pain_score=6)
    CheckInFactory(patient=patient, recorded_at=T0 + timedelta(days=1), pain_score=3)
    CheckInFactory(patient=patient, recorded_at=T0 + timedelta(hours=5), pain_score=9)  # replayed
    s = summary(patient)
    assert (s.latest_pain_score, s.last_checkin_at) == (3, T0 + timedelta(days=1))


def test_editing_or_deleting_checkins_reads_the_latest_again():
    patient = PatientFactory()
    older = CheckInFactory(patient=patient, recorded_at=T0, pain_score=6)
    newer = CheckInFactory(patient=patient, recorded_at=T0 + timedelta(days=1), pain_score=3)
    newer.pain_score = 4
    newer.save()
    assert summary(patient).latest_pain_score == 4
    CheckIn.objects.filter(pk=newer.pk).update(recorded_at=T0 - timedelta(days=1))
    assert summary(patient).latest_pain_score == 6
    CheckIn.objects.filter(pk=older.pk).delete()
    assert kept(patient) == recomputed(patient)
    CheckIn.objects.filter(patient=patient).delete()
    assert (summary(patient).latest_pain_score, summary(patient).last_checkin_at) == (None, None)


def test_unresolved_alerts_are_counted_by_severity_through_their_life():
    patient = PatientFactory()
    fever = alert(patient, "urgent")
    breath = alert(patient, "emergency", rule="embolism_signs")
    alert(patient, "warning", rule="site_infection", status="resolved")
    s = summary(patient)
    assert (s.open_emergency, s.open_urgent, s.open_warning, s.risk_rank) == (1, 1, 0, 4)

    breath.status = "acknowledged"  # still unresolved
    breath.save()
    assert summary(patient).open_emergency == 1
    breath.status = "resolved"
    breath.save(update_fields=["status"])
    assert (summary(patient).open_emergency, summary(patient).risk_rank) == (0, 3)
    Alert.objects.filter(pk=fever.pk).update(severity="info")
    assert (summary(patient).open_urgent, summary(patient).open_info) == (0, 1)
    assert summary(patient).risk_rank == 1
    Alert.objects.filter(patient=patient).delete()
    assert kept(patient) == recomputed(patient)
    assert summary(patient).risk_rank == 0


def test_changes_to_other_alert_fields_leave_the_counts_alone():
    patient = PatientFactory()
    fever = alert(patient, "urgent")
    fever.occurrences = 3
    fever.escalations_sent = 2
    fever.save()
    assert summary(patient).open_urgent == 1


def test_the_latest_procedure_by_date_then_id():
    patient = PatientFactory()
    first = ProcedureFactory(
        patient=patient,
        performed_on=date(2026, 1, 10),
        procedure_type="vertebroplasty",
        vertebral_levels=["T12"],
    )
    ProcedureFactory(patient=patient, performed_on=date(2025, 6, 1))  # entered late
    assert summary(patient).latest_performed_on == date(2026, 1, 10)
    same_day = ProcedureFactory(
        patient=patient,
        performed_on=date(2026, 1, 10),
        procedure_type="kyphoplasty",
        vertebral_levels=["L2", "L3"],
    )
    s = summary(patient)
    assert (s.latest_procedure_type, s.latest_levels) == ("kyphoplasty", same_day.vertebral_levels)
    same_day.performed_on = date(2025, 12, 1)  # a corrected date
    same_day.save()
    assert (summary(patient).latest_procedure_type, summary(patient).latest_levels) == (
        "vertebroplasty",
        ["T12"],
    )
    Procedure.objects.filter(pk=first.pk).delete()
    assert summary(patient).latest_performed_on == date(2025, 12, 1)


def test_many_writes_in_any_order_end_equal_to_a_recount():
    patients = [PatientFactory() for _ in range(3)]
    for i in range(30):
        patient = patients[i % 3]
        CheckInFactory(patient=patient, recorded_at=T0 + timedelta(hours=(i * 7) % 50))
        if i % 4 == 0:
            a = alert(patient, list(SEVERITY_RANK)[i % 4 + (i // 4) % 2], rule=f"r{i}")
            if i % 8 == 0:
                a.status = "resolved"
                a.save()
        if i % 10 == 0:
            ProcedureFactory(patient=patient, performed_on=date(2026, 1, 1) + timedelta(days=i))
    for patient in patients:
        assert kept(patient) == recomputed(patient)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkins_and_alerts_of_one_patient_leave_it_equal_to_a_recount(api):
    """Eight check-ins of one patient at once, half of them firing an urgent alert (fever):
    the row locks serialise the triggers' updates; none is lost."""
    from tests.api.support import race, require_postgresql

    require_postgresql()
    start = timezone.now() - timedelta(hours=1)
    patient = PatientFactory(enrolled_at=start - timedelta(days=1))
    # Pains of 2 and 3: no jump or high score, so fever is the only rule that fires.
    bodies = [
        {
            "pain_score": 2 + i % 2,
            "temperature_c": 39.0 if i % 2 else 36.8,
            "recorded_at": at.isoformat(),
        }
        for i, at in enumerate(start + timedelta(minutes=m) for m in (5, 1, 7, 3, 8, 2, 6, 4))
    ]
    clients = [api(patient.user) for _ in bodies]

    def post():
        return clients.pop().post("/api/v1/checkins/", bodies.pop(), format="json")

    answers = race(8, post)
    assert sorted(status for status, _ in answers) == [201] * 8, answers
    assert kept(patient) == recomputed(patient)
    s = summary(patient)
    assert (s.last_checkin_at, s.latest_pain_score) == (start + timedelta(minutes=8), 2)
    assert (s.open_urgent, s.risk_rank) == (1, 3)  # one fever alert, added to four times


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_resolving_an_alert_while_check_ins_fire_it_neither_deadlocks_nor_miscounts(
    api, clinician, team
):
    """A clinician resolves the fever alert at the moment the patient's check-ins fire it
    again: the services and the check-in take the summary row first, so neither side waits
    for the other the wrong way round (a deadlock would be a 503 here)."""
    from tests.api.support import race, require_postgresql

    require_postgresql()
    start = timezone.now() - timedelta(hours=1)
    patient = PatientFactory(team=team, enrolled_at=start - timedelta(days=1))
    fever = alert(patient, "urgent")
    requests = [
        lambda i=i: api(patient.user).post(
            "/api/v1/checkins/",
            {
                "pain_score": 2,
                "temperature_c": 39.2,
                "recorded_at": (start + timedelta(minutes=i)).isoformat(),
            },
            format="json",
        )
        for i in range(4)
    ] + [
        lambda: api(clinician).post(
            f"/api/v1/alerts/{fever.pk}/resolve/", {"note": "Called, fine."}, format="json"
        )
        for _ in range(2)
    ]

    answers = race(6, lambda: requests.pop()())
    statuses = sorted(status for status, _ in answers)
    assert statuses.count(201) == 4, answers
    assert [status for status in statuses if status != 201] == [200, 409], answers
    assert kept(patient) == recomputed(patient)
    assert (
        summary(patient).open_urgent
        == Alert.objects.filter(patient=patient, rule="fever", status__in=UNRESOLVED).count()
    )
