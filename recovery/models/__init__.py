"""recovery's models, one module per subject; every class stays importable from here (and the
migrations keep naming recovery.models.validate_timezone and default_emergency_number)."""

from .checkins import Alert, AlertContact, CheckIn, RuleSilence
from .patients import EnrollmentCode, Language, Patient, PatientSummary
from .procedures import Procedure
from .teams import (
    CareTeam,
    TeamInvitation,
    TeamMembership,
    TeamSettingsVersion,
    default_emergency_number,
    default_temperature_unit,
    validate_timezone,
)

__all__ = [
    "Alert",
    "AlertContact",
    "CareTeam",
    "CheckIn",
    "EnrollmentCode",
    "Language",
    "Patient",
    "PatientSummary",
    "Procedure",
    "RuleSilence",
    "TeamInvitation",
    "TeamMembership",
    "TeamSettingsVersion",
    "default_emergency_number",
    "default_temperature_unit",
    "validate_timezone",
]
