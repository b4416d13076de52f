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


class ContactOutcome(models.TextChoices):
    """How a call back went (API.md "Calling the patient back")."""

    REACHED = "reached", "Reached"
    LEFT_MESSAGE = "left_message", "Left a message"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    SENT_TO_EMERGENCY = "sent_to_emergency", "Sent to emergency care"


# A call that ends the chase: it acknowledges an open alert. The others ask for another try.
CONTACT_ACKNOWLEDGES = (ContactOutcome.REACHED, ContactOutcome.SENT_TO_EMERGENCY)
CONTACT_TRY_AGAIN = (ContactOutcome.NO_ANSWER, ContactOutcome.LEFT_MESSAGE)


class ContactPerson(models.TextChoices):
    PATIENT = "patient", "Patient"
    CAREGIVER = "caregiver", "Caregiver"


class TemperatureUnit(models.TextChoices):
    CELSIUS = "C", "°C"
    FAHRENHEIT = "F", "°F"
