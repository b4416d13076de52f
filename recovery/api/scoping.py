"""Whose patients a request reaches: the caller's patients, searched and ordered, and
the one patient a patient or a caregiver acts for (shared by the apps' API views)."""

from django.shortcuts import get_object_or_404
from rest_framework.exceptions import NotFound, ValidationError

from recovery import selectors, services

ORDERINGS = selectors.PATIENT_ORDERINGS
STATUSES = selectors.PATIENT_STATUS_FILTERS


def patient_rows(request):
    """The caller's patients, searched and ordered as the list and the dashboard ask."""
    return selectors.patient_rows_for(request.user, **patient_list_params(request))


def patient_list_params(request) -> dict:
    """?search=, ?ordering= and ?status= of a patient list, checked."""
    ordering = request.query_params.get("ordering", "risk")
    if ordering not in ORDERINGS:
        raise ValidationError({"ordering": [f"Choose one of: {', '.join(ORDERINGS)}."]})
    status = request.query_params.get("status", "active")
    if status not in STATUSES:
        raise ValidationError({"status": [f"Choose one of: {', '.join(STATUSES)}."]})
    search = request.query_params.get("search", "").strip()
    return {"search": search, "ordering": ordering, "status": status}


def scoped_patient(request, pk) -> "services.Patient":
    return get_object_or_404(selectors.patients_for(request.user), pk=pk)


def patient_id_param(raw) -> int | None:
    """A patient id from a query string: digits only (and within a bigint), else a 400."""
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise ValidationError({"patient": ["A valid integer is required."]})
    return int(raw)


def acting_for(request, raw, *, not_found: bool = False):
    """The patient a patient or a caregiver acts for: the patient themselves, or the one a
    caregiver names (required when they help more than one). `raw` is the id given, or None.

    A named patient outside the caller's care is a 400 field error on `patient` (an id in a
    body), or with `not_found` a 404 (GET /plan/?patient=, API.md "Caregivers")."""
    user = request.user

    def missing(detail):
        return NotFound() if not_found else ValidationError(detail)

    if user.is_patient:
        if raw is not None and raw != user.patient.pk:
            raise missing({"patient": ["No such patient."]})
        return user.patient
    patients = selectors.patients_for(user).select_related("team", "user")
    if raw is None:
        mine = list(patients[:2])
        if len(mine) == 1:
            return mine[0]
        if not mine:
            raise missing({"patient": ["No such patient."]})
        raise ValidationError({"patient": ["Required when you help more than one patient."]})
    patient = patients.filter(pk=raw).first()
    if patient is None:
        raise missing({"patient": ["No such patient."]})
    return patient
