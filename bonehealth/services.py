"""Writes to a patient's bone-health record, each change kept with who, when, old and new."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from recovery.models import Patient

from .models import BoneHealthChange, BoneHealthRecord

# The fields a clinician may change (API.md "Bone health"); on_pathway, index_date and the
# milestones are computed.
EDITABLE = (
    "pathway_override",
    "pathway_override_reason",
    "assessed_on",
    "risk",
    "dxa_done_on",
    "dxa_lowest_t_score",
    "dxa_not_needed_on",
    "falls_assessed_on",
    "treatment",
    "treatment_recommended_on",
    "treatment_started_on",
    "last_dose_on",
    "monitored_on",
    "reviewed_52w_on",
    "on_treatment_52w",
    "gp_name",
    "gp_address",
    "gp_letter_sent_on",
)


def _json_value(value):
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def bone_health_update(*, patient: Patient, data: dict, by: User) -> BoneHealthRecord:
    """Apply validated changes; one BoneHealthChange per field whose value changed.

    The record is created on the first change (one per patient), under a lock so two
    clinicians saving at once each see the other's values as "old"."""
    BoneHealthRecord.objects.get_or_create(patient=patient)
    record = BoneHealthRecord.objects.select_for_update().get(patient=patient)
    now = timezone.now()
    changes = []
    for name, value in data.items():
        if name not in EDITABLE:
            continue
        old = getattr(record, name)
        if old == value:
            continue
        setattr(record, name, value)
        changes.append(
            BoneHealthChange(
                record=record,
                actor=by,
                at=now,
                field=name,
                old=_json_value(old),
                new=_json_value(value),
            )
        )
    if changes:
        record.save()
        BoneHealthChange.objects.bulk_create(changes)
    return record
