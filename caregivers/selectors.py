"""Reads of care links. Scope comes first: a patient's own links, or a clinician's team's."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from recovery.choices import PatientStatus
from recovery.models import Patient

from .models import CareLink


def carelinks_of(patient: Patient) -> QuerySet[CareLink]:
    """Every link of the patient, oldest first (revoked ones too: the patient sees the trail)."""
    return CareLink.objects.filter(patient=patient).order_by("created_at", "id")


def reminder_copy_links(patient_ids: Iterable[int]) -> dict[int, list[CareLink]]:
    """Patient id -> the active links whose caregiver gets copies of the reminders, with their
    opt-outs, in two queries for a whole batch."""
    links = (
        CareLink.objects.filter(
            patient_id__in=set(patient_ids),
            status=CareLink.Status.ACTIVE,
            receives_reminders=True,
        )
        # A discharged patient's caregivers get no more copies (recovery/lifecycle.py).
        .exclude(patient__status=PatientStatus.DISCHARGED)
        .select_related("caregiver")
        .prefetch_related("opt_outs")
        .order_by("id")
    )
    grouped: dict[int, list[CareLink]] = defaultdict(list)
    for link in links:
        grouped[link.patient_id].append(link)
    return grouped


def labels_of_entries(patient: Patient, user_ids: Iterable[int]) -> dict[int, str]:
    """User id -> how the care team reads who entered a check-in: "Ann Hill (daughter)" for a
    caregiver (through the latest link with the patient, revoked or not: the entry stays theirs),
    the patient's own check-ins left out. One query, and none when only the patient entered."""
    others = {pk for pk in user_ids if pk is not None and pk != patient.user_id}
    if not others:
        return {}
    labels: dict[int, str] = {}
    links = CareLink.objects.filter(patient=patient, caregiver_id__in=others).order_by("id")
    for link in links:
        labels[link.caregiver_id] = link.label
    return labels
