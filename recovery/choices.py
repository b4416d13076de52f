"""The contract's codes (PROTOCOL.md sections 1 and 4), as TextChoices."""

from django.db import models


class ProcedureType(models.TextChoices):
    VERTEBROPLASTY = "vertebroplasty"
    KYPHOPLASTY = "kyphoplasty"


class Cause(models.TextChoices):
    OSTEOPOROSIS = "osteoporosis"
    TRAUMA = "trauma"
    TUMOR = "tumor"
    OTHER = "other"


VERTEBRAL_LEVELS = (
    [f"C{i}" for i in range(1, 8)]
    + [f"T{i}" for i in range(1, 13)]
    + [f"L{i}" for i in range(1, 6)]
    + ["S1"]
)


class Symptom(models.TextChoices):
    FEVER = "fever"
    CHILLS = "chills"
    LEG_NUMBNESS = "leg_numbness"
    LEG_WEAKNESS = "leg_weakness"
    SITE_REDNESS = "site_redness"
    SITE_SWELLING = "site_swelling"
    SHORTNESS_OF_BREATH = "shortness_of_breath"
    CHEST_PAIN = "chest_pain"
    NEW_SUDDEN_PAIN = "new_sudden_pain"
    BOWEL_BLADDER_CHANGE = "bowel_bladder_change"


class Severity(models.TextChoices):
    INFO = "info"
    WARNING = "warning"
    URGENT = "urgent"
    EMERGENCY = "emergency"


# Higher is more severe; used for risk ordering and for the guidance of a check-in.
SEVERITY_RANK = {"info": 1, "warning": 2, "urgent": 3, "emergency": 4}
# Most severe first, as API.md lists alert counts.
SEVERITIES_BY_RANK = sorted(SEVERITY_RANK, key=SEVERITY_RANK.get, reverse=True)


class AlertStatus(models.TextChoices):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


UNRESOLVED = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class PatientStatus(models.TextChoices):
    ACTIVE = "active"
    DISCHARGED = "discharged"


class DischargeReason(models.TextChoices):
    RECOVERED = "recovered"
    TRANSFERRED = "transferred"
    WITHDREW = "withdrew"
    DECEASED = "deceased"
    OTHER = "other"


class BoneMedicine(models.TextChoices):
    """A check-in's answer about bone medicine (PROTOCOL.md section 6)."""

    AS_PRESCRIBED = "as_prescribed"
    MISSED_SOME = "missed_some"
    STOPPED = "stopped"
    NOT_PRESCRIBED = "not_prescribed"


class ReminderChannel(models.TextChoices):
    """How a patient gets their reminders; SMS needs a phone and the patient's consent."""

    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"
    BOTH = "both", "Email and text message"
