"""Reads, scoped to what the caller may see. Every view starts from one of these."""

import functools

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
