"""Reads, scoped to what the caller may see. Every view starts from one of these."""

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

from accounts.models import User

from .choices import UNRESOLVED
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
    latest = CheckIn.objects.filter(patient=OuterRef("pk")).order_by("-recorded_at")
    latest_procedure = Procedure.objects.filter(patient=OuterRef("pk")).order_by(
        "-performed_on", "-id"
    )
    unresolved = Q(alerts__status__in=UNRESOLVED)
    return (
        patients_for(user)
        .select_related("user")
        .annotate(
            latest_pain_score=Subquery(latest.values("pain_score")[:1]),
            last_checkin_at=Subquery(latest.values("recorded_at")[:1]),
            latest_performed_on=Subquery(latest_procedure.values("performed_on")[:1]),
            latest_procedure_type=Subquery(latest_procedure.values("procedure_type")[:1]),
            latest_levels=Subquery(latest_procedure.values("vertebral_levels")[:1]),
            open_emergency=Count("alerts", filter=unresolved & Q(alerts__severity="emergency")),
            open_urgent=Count("alerts", filter=unresolved & Q(alerts__severity="urgent")),
            open_warning=Count("alerts", filter=unresolved & Q(alerts__severity="warning")),
            open_info=Count("alerts", filter=unresolved & Q(alerts__severity="info")),
        )
        .annotate(
            risk_rank=Case(
                When(open_emergency__gt=0, then=Value(4)),
                When(open_urgent__gt=0, then=Value(3)),
                When(open_warning__gt=0, then=Value(2)),
                When(open_info__gt=0, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
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
