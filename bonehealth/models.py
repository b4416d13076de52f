"""One bone-health record per patient (PROTOCOL.md section 6) and the history of its changes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from .choices import PathwayOverride, Risk, Treatment


class BoneHealthRecord(models.Model):
    """What the fracture-liaison service recorded. Statuses and due dates are never stored:
    they follow from these dates and the latest procedure (pathway.py), so a newer procedure
    moves every one of them at once."""

    patient = models.OneToOneField(
        "recovery.Patient", on_delete=models.PROTECT, related_name="bone_health"
    )
    pathway_override = models.CharField(
        max_length=3, choices=PathwayOverride.choices, null=True, blank=True
    )
    pathway_override_reason = models.CharField(max_length=500, blank=True, default="")
    assessed_on = models.DateField(null=True, blank=True)
    risk = models.CharField(max_length=10, choices=Risk.choices, null=True, blank=True)
    dxa_done_on = models.DateField(null=True, blank=True)
    dxa_lowest_t_score = models.FloatField(null=True, blank=True)
    dxa_not_needed_on = models.DateField(null=True, blank=True)
    falls_assessed_on = models.DateField(null=True, blank=True)
    treatment = models.CharField(max_length=20, choices=Treatment.choices, null=True, blank=True)
    treatment_recommended_on = models.DateField(null=True, blank=True)
    treatment_started_on = models.DateField(null=True, blank=True)
    last_dose_on = models.DateField(null=True, blank=True)
    monitored_on = models.DateField(null=True, blank=True)
    reviewed_52w_on = models.DateField(null=True, blank=True)
    on_treatment_52w = models.BooleanField(null=True, blank=True)
    gp_name = models.CharField(max_length=200, blank=True, default="")
    gp_address = models.TextField(max_length=1000, blank=True, default="")
    gp_letter_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(dxa_lowest_t_score__isnull=True)
                | (Q(dxa_lowest_t_score__gte=-6.0) & Q(dxa_lowest_t_score__lte=4.0)),
                name="bone_health_t_score_range",
            ),
            models.CheckConstraint(
                condition=Q(treatment__isnull=True) | Q(treatment__in=Treatment.values),
                name="bone_health_treatment_valid",
            ),
            models.CheckConstraint(
                condition=Q(risk__isnull=True) | Q(risk__in=Risk.values),
                name="bone_health_risk_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Bone health of patient {self.patient_id}"


class BoneHealthChange(models.Model):
    """One field of a record changed: who, when, the old and the new value. Append-only."""

    record = models.ForeignKey(BoneHealthRecord, on_delete=models.PROTECT, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=now)
    field = models.CharField(max_length=40)
    # JSON-ready values (dates as YYYY-MM-DD), null for an empty field.
    old = models.JSONField(null=True)
    new = models.JSONField(null=True)

    class Meta:
        indexes = [models.Index(fields=["record", "-at"])]

    def __str__(self) -> str:
        return f"Change {self.pk} of {self.field}"
