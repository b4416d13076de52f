"""Reads, scoped to what the caller may see. Every view starts from one of these."""

import functools

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import User

from .choices import SEVERITY_RANK, UNRESOLVED
from .models import Alert, CareTeam, CheckIn, Patient, Procedure


def teams_for(user: User) -> QuerySet[CareTeam]:
    if not user.is_authenticated or not user.is_clinician:
        return CareTeam.objects.none()
    return CareTeam.objects.filter(clinicians=user)


def patients_for(user: User) -> QuerySet[Patient]:
    if not user.is_authenticated:
        return Patient.objects.none()
    if user.is_clinician:
        return Patient.objects.filter(team__clinicians=user)
    if user.is_patient:
        return Patient.objects.filter(user=user)
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

    Building these ten subqueries took more CPU than PostgreSQL took to run them (bench/
    RESULTS.md); they do not depend on the caller, so each request clones them instead.

    Every value is a correlated subquery rather than a join with GROUP BY: PostgreSQL then
    computes only the sort keys (risk rank, latest pain) for every patient of the team and the
    display-only columns for the page's rows after the sort, and count() drops them all
    (bench/RESULTS.md: this halved the list's database time at 500 patients a team).
    """
    latest = CheckIn.objects.filter(patient=OuterRef("pk")).order_by("-recorded_at")
    latest_procedure = Procedure.objects.filter(patient=OuterRef("pk")).order_by(
        "-performed_on", "-id"
    )
    unresolved = Alert.objects.filter(patient=OuterRef("pk"), status__in=UNRESOLVED).order_by()

    def unresolved_count(severity: str) -> Coalesce:
        counts = unresolved.filter(severity=severity).values("patient").annotate(n=Count("pk"))
        return Coalesce(Subquery(counts.values("n")), 0)

    top_rank = unresolved.annotate(
        rank=Case(
            *[When(severity=code, then=Value(rank)) for code, rank in SEVERITY_RANK.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-rank")
    return Patient.objects.select_related("user").annotate(
        latest_pain_score=Subquery(latest.values("pain_score")[:1]),
        last_checkin_at=Subquery(latest.values("recorded_at")[:1]),
        latest_performed_on=Subquery(latest_procedure.values("performed_on")[:1]),
        latest_procedure_type=Subquery(latest_procedure.values("procedure_type")[:1]),
        latest_levels=Subquery(latest_procedure.values("vertebral_levels")[:1]),
        open_emergency=unresolved_count("emergency"),
        open_urgent=unresolved_count("urgent"),
        open_warning=unresolved_count("warning"),
        open_info=unresolved_count("info"),
        # 4 emergency ... 1 info, 0 nothing unresolved (the list's risk order).
        risk_rank=Coalesce(Subquery(top_rank.values("rank")[:1]), 0),
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


def patient_rows_for(user: User, *, search: str = "", ordering: str = "risk") -> QuerySet[Patient]:
    """patient_list_for, searched by name or email and ordered: the API list and the dashboard
    both read patients through here so they agree on who comes first."""
    queryset = patient_list_for(user)
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


def latest_procedure(patient: Patient) -> Procedure | None:
    return patient.procedures.order_by("-performed_on", "-id").first()
