"""Reads, scoped to what the caller may see. Every view starts from one of these."""

import functools

from django.db import connection
from django.db.models import (
    F,
    Q,
    QuerySet,
)

from accounts.models import User
from lib.hooks import hook

from .choices import PatientStatus
from .models import Alert, CareTeam, CheckIn, Patient, Procedure, TeamMembership


def teams_for(user: User) -> QuerySet[CareTeam]:
    if not user.is_authenticated or not user.is_clinician:
        return CareTeam.objects.none()
    return CareTeam.objects.filter(clinicians=user)


def team_membership_get(user: User, *, team_id: int) -> TeamMembership | None:
    """The caller's membership of a team, or None (then the team is not theirs to see)."""
    if not user.is_authenticated or not user.is_clinician:
        return None
    return (
        TeamMembership.objects.select_related("careteam")
        .filter(careteam_id=team_id, user=user)
        .first()
    )


def patients_for(user: User) -> QuerySet[Patient]:
    if not user.is_authenticated:
        return Patient.objects.none()
    if user.is_clinician:
        return Patient.objects.filter(team__clinicians=user)
    if user.is_patient:
        return Patient.objects.filter(user=user)
    if user.is_caregiver:
        # Asked on every request, never cached in a token or a session: revoking a link
        # (caregivers.services.carelink_revoke) takes effect on the caregiver's next request.
        return Patient.objects.filter(care_links__caregiver=user, care_links__status="active")
    return Patient.objects.none()


def patient_list_for(user: User) -> QuerySet[Patient]:
    """Patients with what the list and the dashboard show, in a constant number of queries."""
    scoped = patients_for(user)
    rows = _patient_rows()
    # The caller's scope (joins and conditions) on the ready-built annotated rows.
    return rows.none() if scoped.query.is_empty() else rows & scoped


@functools.cache
def _patient_rows() -> QuerySet[Patient]:
    """Every patient with the list's values, built once per process and only ever cloned.

    The values come from the patient's summary row (models.PatientSummary), which the
    database keeps in step with every check-in, alert and procedure. Computing them on each
    read took ten correlated subqueries per patient: at 500 patients a team that was most of
    a list page's cost in Python (compiling them) and in PostgreSQL (planning and running
    them), bench/NOTES.md.
    """
    figures = (
        "latest_pain_score",
        "last_checkin_at",
        "latest_performed_on",
        "latest_procedure_type",
        "latest_levels",
        "open_emergency",
        "open_urgent",
        "open_warning",
        "open_info",
        "risk_rank",
    )
    # The email is the one value of the user a row shows: a column, not 50 User instances.
    return Patient.objects.annotate(
        email=F("user__email"), **{name: F(f"summary__{name}") for name in figures}
    )


# The orderings of a patient list: "risk" (highest open severity, then latest pain) first.
PATIENT_ORDERINGS = {
    "risk": [
        F("risk_rank").desc(),
        F("latest_pain_score").desc(nulls_last=True),
        "last_name",
        "id",
    ],
    "last_name": ["last_name", "first_name", "id"],
    "-last_checkin_at": [F("last_checkin_at").desc(nulls_last=True), "id"],
}


# ?status= of a patient list: discharged patients are left out unless asked for.
PATIENT_STATUS_FILTERS = {
    PatientStatus.ACTIVE.value: [PatientStatus.ACTIVE],
    PatientStatus.DISCHARGED.value: [PatientStatus.DISCHARGED],
    "all": None,
}


def patient_rows_for(
    user: User, *, search: str = "", ordering: str = "risk", status: str = PatientStatus.ACTIVE
) -> QuerySet[Patient]:
    """patient_list_for, searched by name or email and ordered: the API list and the dashboard
    both read patients through here so they agree on who comes first."""
    queryset = patient_list_for(user)
    statuses = PATIENT_STATUS_FILTERS[status]
    if statuses is not None:
        queryset = queryset.filter(status__in=statuses)
    # At most five words, so a pasted paragraph cannot build a query with hundreds of LIKEs.
    for word in search.split()[:5]:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return queryset.order_by(*PATIENT_ORDERINGS[ordering])


# patient_page_for's hand-written query: the columns of a list row, in the order
# patient_serializers.patient_page_data reads them, and count(*) OVER () last, the pager's
# count read with the page. The email is a subquery in the select list, so PostgreSQL fetches
# it for the page's rows only, after the sort and the limit (a join fetched 500).
PAGE_SELECT = """
SELECT p.id, (SELECT u.email FROM accounts_user u WHERE u.id = p.user_id), p.first_name,
       p.last_name, p.date_of_birth, p.timezone, p.reminder_hour, p.has_osteoporosis,
       p.language, p.team_id, p.enrolled_at, s.latest_performed_on, s.latest_procedure_type,
       s.latest_levels, s.latest_pain_score, s.last_checkin_at, s.open_emergency,
       s.open_urgent, s.open_warning, s.open_info, p.status, p.discharged_at,
       p.discharge_reason, p.discharge_note, p.phone, p.sms_consent_at, p.reminder_channel,
       count(*) OVER ()
FROM recovery_patient p
LEFT JOIN recovery_patientsummary s ON s.patient_id = p.id
WHERE p.team_id IN (SELECT careteam_id FROM recovery_careteam_clinicians WHERE user_id = %s)
"""
# One search word, as icontains writes it on PostgreSQL (the pattern escaped in Python).
PAGE_WORD = (
    " AND (UPPER(p.first_name::text) LIKE UPPER(%s) OR UPPER(p.last_name::text) LIKE UPPER(%s)"
    " OR UPPER((SELECT u.email FROM accounts_user u WHERE u.id = p.user_id)::text)"
    " LIKE UPPER(%s))"
)
# PATIENT_ORDERINGS in SQL; tests/perf/test_patient_page.py holds the two to the same order.
PAGE_ORDER = {
    "risk": "s.risk_rank DESC, s.latest_pain_score DESC NULLS LAST, p.last_name, p.id",
    "last_name": "p.last_name, p.first_name, p.id",
    "-last_checkin_at": "s.last_checkin_at DESC NULLS LAST, p.id",
}


def patient_page_for(
    user: User,
    *,
    search: str = "",
    ordering: str = "risk",
    status: str = PatientStatus.ACTIVE,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[tuple]]:
    """A page of patient_rows_for as tuples (PAGE_SELECT's columns), with the count of all
    the rows: the API list's one query.

    PostgreSQL's SQL (the view pages the queryset on other databases). Written by hand
    because building and compiling the annotated queryset, then a model
    instance per row, was most of a list request's own CPU (bench/NOTES.md); the same
    conditions as patient_rows_for, which the dashboard and the detail views keep using.
    """
    if not user.is_authenticated or not user.is_clinician:
        return 0, []
    sql, params = [PAGE_SELECT], [user.pk]
    statuses = PATIENT_STATUS_FILTERS[status]
    if statuses is not None:
        sql.append(f" AND p.status IN ({', '.join(['%s'] * len(statuses))})")
        params.extend(str(status) for status in statuses)
    for word in search.split()[:5]:  # as patient_rows_for: at most five words
        sql.append(PAGE_WORD)
        params.extend([f"%{connection.ops.prep_for_like_query(word)}%"] * 3)
    sql.append(f" ORDER BY {PAGE_ORDER[ordering]} LIMIT %s OFFSET %s")
    params.extend([limit, offset])
    with connection.cursor() as cursor:
        cursor.execute("".join(sql), params)
        rows = cursor.fetchall()
    return (rows[0][-1] if rows else 0), rows


def procedures_for(user: User) -> QuerySet[Procedure]:
    return Procedure.objects.filter(patient__in=patients_for(user)).select_related("patient")


def checkins_for(user: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(patient__in=patients_for(user))


def alerts_for(user: User) -> QuerySet[Alert]:
    if not user.is_authenticated or not user.is_clinician:
        return Alert.objects.none()
    return Alert.objects.filter(patient__team__clinicians=user)


def ask_bone_medicine(patient: Patient) -> bool:
    """Whether the next check-in asks about bone medicine (PROTOCOL.md section 6): an
    osteoporosis_medication reminder fell due since the patient's last bone_medicine answer.
    Two indexed queries: the last answer, then one due reminder after it (reminders/, named
    by BONE_MEDICINE_REMINDER_DUE: recovery imports no app above it)."""
    reminder_due = hook("BONE_MEDICINE_REMINDER_DUE")
    if reminder_due is None:
        return False
    last_answer = (
        CheckIn.objects.filter(patient_id=patient.pk, bone_medicine__isnull=False)
        .order_by("-recorded_at")
        .values_list("recorded_at", flat=True)
        .first()
    )
    return reminder_due(patient_id=patient.pk, since=last_answer)


def latest_procedure(patient: Patient) -> Procedure | None:
    return patient.procedures.order_by("-performed_on", "-id").first()
