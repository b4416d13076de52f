"""The pathway's codes (PROTOCOL.md section 6), as TextChoices."""

from django.db import models


class Risk(models.TextChoices):
    LOW = "low"
    HIGH = "high"
    VERY_HIGH = "very_high"


class Treatment(models.TextChoices):
    ALENDRONATE = "alendronate"
    RISEDRONATE = "risedronate"
    IBANDRONATE = "ibandronate"
    ZOLEDRONATE = "zoledronate"
    DENOSUMAB = "denosumab"
    TERIPARATIDE = "teriparatide"
    ABALOPARATIDE = "abaloparatide"
    ROMOSOZUMAB = "romosozumab"
    RALOXIFENE = "raloxifene"
    HRT = "hrt"
    NONE = "none"
    DECLINED = "declined"


# No medicine to start or persist with: treatment_start and persistence are not_applicable.
NO_MEDICINE = frozenset({Treatment.NONE, Treatment.DECLINED})


class PathwayOverride(models.TextChoices):
    ON = "on"
    OFF = "off"


class MilestoneStatus(models.TextChoices):
    DONE = "done"
    DONE_LATE = "done_late"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"


class Band(models.TextChoices):
    BELOW_50 = "below_50"
    FROM_50_TO_80 = "50_to_80"
    ABOVE_80 = "above_80"
