"""A patient's procedures (vertebroplasty, kyphoplasty) and what follows from them."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from recovery.choices import (
    VERTEBRAL_LEVELS,
    Cause,
    ProcedureType,
)

from .patients import Patient


class Procedure(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="procedures")
    procedure_type = models.CharField(max_length=20, choices=ProcedureType.choices)
    performed_on = models.DateField()
    vertebral_levels = models.JSONField()
    cause = models.CharField(max_length=20, choices=Cause.choices)
    pre_procedure_pain = models.PositiveSmallIntegerField()
    height_loss_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    fracture_date = models.DateField(null=True, blank=True)
    lifting_restriction_days = models.PositiveSmallIntegerField(default=7)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(procedure_type__in=ProcedureType.values), name="procedure_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(cause__in=Cause.values), name="procedure_cause_valid"
            ),
            models.CheckConstraint(
                condition=Q(pre_procedure_pain__gte=0) & Q(pre_procedure_pain__lte=10),
                name="procedure_pre_pain_range",
            ),
            models.CheckConstraint(
                condition=Q(height_loss_percent__isnull=True)
                | (Q(height_loss_percent__gte=0) & Q(height_loss_percent__lte=100)),
                name="procedure_height_loss_range",
            ),
            models.CheckConstraint(
                condition=Q(lifting_restriction_days__gte=1) & Q(lifting_restriction_days__lte=90),
                name="procedure_restriction_days_range",
            ),
            models.CheckConstraint(
                condition=Q(fracture_date__isnull=True)
                | Q(fracture_date__lte=models.F("performed_on")),
                name="procedure_fracture_not_after_procedure",
            ),
        ]
        # "The latest procedure of a patient" is the most asked question.
        indexes = [models.Index(fields=["patient", "-performed_on", "-id"])]

    def __str__(self) -> str:
        return f"Procedure {self.pk}"

    @property
    def lifting_restriction_until(self) -> date:
        """The first day without the restriction (PROTOCOL.md section 3)."""
        return self.performed_on + timedelta(days=self.lifting_restriction_days)

    def clean(self) -> None:
        bad = [lvl for lvl in self.vertebral_levels or [] if lvl not in VERTEBRAL_LEVELS]
        if bad:
            raise ValidationError({"vertebral_levels": f"Unknown levels: {', '.join(bad)}"})
