"""The warning signs of PROTOCOL.md section 4, as one declarative table.

Each rule names its code, severity, source and the patient-facing message (our own words), and a
predicate over the check-in in its context. Every number a predicate uses is a parameter with a
default here that a care team can override (CareTeam.rule_settings, checked against
SETTING_SPECS); the parameters a rule fired with are stored on the alert, so a later change
never rewrites history. The notification numbers of the protocol (re-send delays, the digest
hour) are team settings of the same kind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from .choices import Severity

logger = logging.getLogger(__name__)

# Defaults (PROTOCOL.md section 4). Each key may be overridden per team.
DEFAULTS: dict[str, float] = {
    "fever_threshold_c": 38.0,
    "worsening_jump_points": 2,
    "worsening_lookback_days": 7,
    "worsening_baseline_after_hours": 48,
    "no_relief_start_hours": 48,
    "no_relief_end_days": 14,
    "no_relief_max_fraction": 0.7,
    "new_fracture_pain_at_least": 7,
    "new_fracture_prior_low_at_most": 3,
    "new_fracture_lookback_days": 14,
    "missed_checkins_window_days": 14,
    "missed_checkins_consecutive_days": 2,
    # PROTOCOL.md section 6: a 6-monthly injection plus 4 weeks (NOGG 2022).
    "denosumab_overdue_days": 210,
}

# What each severity does for the care team (PROTOCOL.md section 4, "What each severity does"):
# re-send intervals while unacknowledged, how many re-sends at most, and the local hour of the
# warnings digest. Per-team settings like the rule parameters, but not stored on alerts.
NOTIFICATION_DEFAULTS: dict[str, float] = {
    "emergency_repeat_minutes": 15,
    "urgent_repeat_minutes": 60,
    "repeat_max": 4,
    "digest_hour": 8,
    # After a call that did not get through on an urgent or emergency alert, remind the team
    # to try again this many minutes later (API.md "Calling the patient back").
    "callback_retry_minutes": 30,
}


@dataclass(frozen=True)
class SettingSpec:
    minimum: float
    maximum: float
    integer: bool = True


# The values an administrator may give each setting. Anything else is refused when the team is
# saved (CareTeam.clean) and ignored, with a log line, if it reached the database another way,
# so a bad setting can never turn a check-in into a 500.
SETTING_SPECS: dict[str, SettingSpec] = {
    "fever_threshold_c": SettingSpec(37.0, 40.0, integer=False),
    "worsening_jump_points": SettingSpec(1, 10),
    "worsening_lookback_days": SettingSpec(1, 90),
    "worsening_baseline_after_hours": SettingSpec(0, 24 * 30),
    "no_relief_start_hours": SettingSpec(0, 24 * 30),
    "no_relief_end_days": SettingSpec(1, 365),
    "no_relief_max_fraction": SettingSpec(0.0, 1.0, integer=False),
    "new_fracture_pain_at_least": SettingSpec(0, 10),
    "new_fracture_prior_low_at_most": SettingSpec(0, 10),
    "new_fracture_lookback_days": SettingSpec(1, 90),
    "missed_checkins_window_days": SettingSpec(1, 365),
    "missed_checkins_consecutive_days": SettingSpec(1, 30),
    "denosumab_overdue_days": SettingSpec(150, 365),
    "emergency_repeat_minutes": SettingSpec(1, 24 * 60),
    "urgent_repeat_minutes": SettingSpec(1, 24 * 60),
    "repeat_max": SettingSpec(0, 20),
    "digest_hour": SettingSpec(0, 23),
    "callback_retry_minutes": SettingSpec(5, 24 * 60),
}


# Defaults of the settings other apps add to SETTING_SPECS (bonehealth's pathway windows),
# through register_settings, so every list of settings can show each one's default.
REGISTERED_DEFAULTS: dict[str, float] = {}


def register_settings(specs: dict[str, SettingSpec], defaults: dict[str, float]) -> None:
    """Let another app's table use team settings validated like these (called from its
    AppConfig.ready, so recovery never imports that app)."""
    SETTING_SPECS.update(specs)
    REGISTERED_DEFAULTS.update(defaults)


def setting_defaults() -> dict[str, float]:
    return {**DEFAULTS, **NOTIFICATION_DEFAULTS, **REGISTERED_DEFAULTS}


def setting_error(name: str, value: object) -> str | None:
    """Why `value` is not acceptable for setting `name`, or None when it is."""
    spec = SETTING_SPECS.get(name)
    if spec is None:
        return f"Unknown setting '{name}'."
    # bool is an int in Python; JSON true is not a number here.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"'{name}' must be a number."
    if spec.integer and not isinstance(value, int):
        return f"'{name}' must be a whole number."
    if not spec.minimum <= value <= spec.maximum:
        return f"'{name}' must be between {spec.minimum:g} and {spec.maximum:g}."
    return None


def settings_errors(team_settings: object) -> list[str]:
    if not isinstance(team_settings, dict):
        return ["Settings must be an object of setting names to numbers."]
    return [e for k, v in team_settings.items() if (e := setting_error(k, v))]


def valid_overrides(team_settings: dict | None, known: dict) -> dict:
    """A team's valid overrides of the settings named in `known` (other apps' tables too:
    bonehealth's pathway windows)."""
    return _valid_overrides(team_settings, known)


def _valid_overrides(team_settings: dict | None, known: dict) -> dict:
    overrides = {}
    for name, value in (team_settings or {}).items() if isinstance(team_settings, dict) else ():
        if name not in known:
            continue
        error = setting_error(name, value)
        if error:
            logger.warning("ignoring invalid team setting: %s", error)
            continue
        overrides[name] = value
    return overrides


@dataclass(frozen=True)
class Context:
    """What a rule may look at: the check-in, what came before it, and the procedure."""

    recorded_at: datetime
    # None for a check-in stored at an emergency "yes" before the pain was asked (the app
    # asks the emergency signs first): the pain rules then have nothing to judge.
    pain_score: int | None
    temperature_c: float | None
    symptoms: frozenset[str]
    # Earlier check-ins of the patient by recorded_at, newest first: (recorded_at, pain).
    history: list[tuple[datetime, int]]
    procedure_start: datetime | None  # start of the procedure date in the patient's zone
    pre_procedure_pain: int | None
    params: dict[str, float]
    # PROTOCOL.md section 6: the patient's answer about their bone medicine, when asked.
    bone_medicine: str | None = None

    def hours_since_procedure(self) -> float | None:
        """Elapsed hours, not wall-clock: both sides in UTC, because Python subtracts two
        datetimes sharing one tzinfo by wall clock, which is an hour off across DST."""
        if self.procedure_start is None:
            return None
        elapsed = self.recorded_at.astimezone(UTC) - self.procedure_start.astimezone(UTC)
        return elapsed.total_seconds() / 3600

    def before_procedure_day(self, days: float) -> bool:
        """Whether the check-in lies before the start of the procedure date + `days` local
        calendar days ("day 14" is a local date, whatever DST does in between)."""
        if self.procedure_start is None:
            return False
        start = self.procedure_start
        return self.recorded_at < day_start(start.date() + timedelta(days=days), start.tzinfo)

    def pains_since(self, days: float) -> list[int]:
        start = self.recorded_at - timedelta(days=days)
        return [pain for at, pain in self.history if start <= at < self.recorded_at]


Predicate = Callable[[Context], bool]


@dataclass(frozen=True)
class Rule:
    code: str
    # The clinicians' short name of the sign: the dashboard, and the only clinical word an
    # alert email or text may carry (API.md "Calling the patient back").
    label: str
    severity: str
    source: str
    message: str
    uses: tuple[str, ...]  # the parameters the predicate reads, stored on the alert
    fires: Predicate | None  # None: a periodic rule, not evaluated on a check-in


def _fever(c: Context) -> bool:
    hot = c.temperature_c is not None and c.temperature_c >= c.params["fever_threshold_c"]
    return hot or bool(c.symptoms & {"fever", "chills"})


def _worsening(c: Context) -> bool:
    if c.pain_score is None:
        return False
    recent = c.pains_since(c.params["worsening_lookback_days"])
    if recent and c.pain_score >= recent[0] + c.params["worsening_jump_points"]:
        return True
    hours = c.hours_since_procedure()
    return (
        hours is not None
        and c.pre_procedure_pain is not None
        and hours >= c.params["worsening_baseline_after_hours"]
        and c.pain_score > c.pre_procedure_pain
    )


def _no_relief(c: Context) -> bool:
    hours = c.hours_since_procedure()
    if hours is None or c.pre_procedure_pain is None or c.pain_score is None:
        return False
    in_window = c.params["no_relief_start_hours"] <= hours and c.before_procedure_day(
        c.params["no_relief_end_days"]
    )
    # Exact arithmetic (0.7 * 3 is 2.0999999999999996 in floats), so whether a score is
    # "above 70 %" never hangs on binary rounding of whatever fraction a team sets.
    line = Fraction(str(c.params["no_relief_max_fraction"])) * c.pre_procedure_pain
    return in_window and c.pain_score > line


def _new_fracture(c: Context) -> bool:
    if "new_sudden_pain" in c.symptoms:
        return True
    prior = c.pains_since(c.params["new_fracture_lookback_days"])
    return (
        bool(prior)
        and c.pain_score is not None
        and c.pain_score >= c.params["new_fracture_pain_at_least"]
        and min(prior) <= c.params["new_fracture_prior_low_at_most"]
    )


RULES: tuple[Rule, ...] = (
    Rule(
        code="fever",
        label="Fever or chills",
        severity=Severity.URGENT,
        source="seed 002 (fever or chills); threshold 38.0 °C is a default",
        message="You reported a fever or chills. Please contact your care team today.",
        uses=("fever_threshold_c",),
        fires=_fever,
    ),
    Rule(
        code="leg_neuro",
        label="Leg numbness or weakness",
        severity=Severity.URGENT,
        source="seed 002 (numbness or weakness in the legs)",
        message="You reported numbness or weakness in your legs. "
        "Please contact your care team today.",
        uses=(),
        fires=lambda c: bool(c.symptoms & {"leg_numbness", "leg_weakness"}),
    ),
    Rule(
        code="embolism_signs",
        label="Embolism signs",
        severity=Severity.EMERGENCY,
        source="seeds 004, 000 (cement in the blood vessels, lung blockage)",
        message="Shortness of breath or chest pain can be serious. Call emergency services now.",
        uses=(),
        fires=lambda c: bool(c.symptoms & {"shortness_of_breath", "chest_pain"}),
    ),
    Rule(
        code="cauda_equina_signs",
        label="Cauda equina signs",
        severity=Severity.EMERGENCY,
        source="beyond the sources: standard spinal red flag, for clinical sign-off",
        message="A change in bowel or bladder control can be serious. Call emergency services now.",
        uses=(),
        fires=lambda c: "bowel_bladder_change" in c.symptoms,
    ),
    Rule(
        code="site_infection",
        label="Procedure-site redness or swelling",
        severity=Severity.WARNING,
        source="seed 002 (redness or swelling at the procedure site)",
        message="You reported redness or swelling where the needle went in. "
        "Your care team will review this.",
        uses=(),
        fires=lambda c: bool(c.symptoms & {"site_redness", "site_swelling"}),
    ),
    Rule(
        code="worsening_pain",
        label="Worsening pain",
        severity=Severity.WARNING,
        source="seed 002 (worsening back pain); the point change is a default",
        message="Your pain is higher than before. Your care team will review this.",
        uses=("worsening_jump_points", "worsening_lookback_days", "worsening_baseline_after_hours"),
        fires=_worsening,
    ),
    Rule(
        code="no_relief",
        label="No pain relief",
        severity=Severity.WARNING,
        source="seeds 000, 002, 004 (relief within 48 h); the 30 % relief line is a default",
        message="Your pain has not eased as much as we expect by now. "
        "Your care team will review this.",
        uses=("no_relief_start_hours", "no_relief_end_days", "no_relief_max_fraction"),
        fires=_no_relief,
    ),
    Rule(
        code="new_fracture_suspected",
        label="New fracture suspected",
        severity=Severity.URGENT,
        source="seed 004 (new fractures in nearby vertebrae, 5-10 % within a year)",
        message="Sudden new back pain can mean a new fracture. "
        "Please contact your care team today.",
        uses=(
            "new_fracture_pain_at_least",
            "new_fracture_prior_low_at_most",
            "new_fracture_lookback_days",
        ),
        fires=_new_fracture,
    ),
    Rule(
        code="bone_medicine_stopped",
        label="Bone medicine stopped",
        severity=Severity.WARNING,
        source="PROTOCOL.md section 6; seeds 002, 004 (keep taking bone medicine as prescribed)",
        message="You told us you stopped your bone medicine. Your care team will review this.",
        uses=(),
        fires=lambda c: c.bone_medicine == "stopped",
    ),
)

# The periodic rule: it looks at days without check-ins, not at a check-in, so it is evaluated
# for all patients at once by recovery.alerts.missed_checkins_evaluate (hourly beat task).
MISSED_CHECKINS = Rule(
    code="missed_checkins",
    label="Missed check-ins",
    severity=Severity.INFO,
    source="default: no check-in on 2 consecutive local days within the first 14 days",
    message="We have not had a check-in from you for a few days. Your care team can see this.",
    uses=("missed_checkins_window_days", "missed_checkins_consecutive_days"),
    fires=None,
)

# Periodic as well: evaluated for every patient on denosumab by
# bonehealth.alerts.denosumab_overdue_evaluate (daily, in beat's schedule).
DENOSUMAB_OVERDUE = Rule(
    code="denosumab_overdue",
    label="Denosumab injection overdue",
    severity=Severity.WARNING,
    source="PROTOCOL.md section 6; NOGG 2022 (rebound vertebral fractures after a late or "
    "stopped denosumab dose); 210 days (6 months plus 4 weeks) is a default",
    message="Your bone medicine injection (denosumab) is overdue. Your care team will be in touch.",
    uses=("denosumab_overdue_days",),
    fires=None,
)

PERIODIC_RULES = (MISSED_CHECKINS, DENOSUMAB_OVERDUE)
RULES_BY_CODE = {rule.code: rule for rule in (*RULES, *PERIODIC_RULES)}

GUIDANCE = {
    Severity.EMERGENCY: "Call emergency services now (for example 911 or 112). "
    "Then let your care team know.",
    Severity.URGENT: "Contact your care team today. If you cannot reach them and you feel "
    "worse, go to an emergency department.",
    Severity.WARNING: "Your care team will review your check-in. Contact them if you feel worse.",
}


def guidance_for(severity: str) -> dict | None:
    """What the patient is told now; info alerts tell the patient nothing."""
    message = GUIDANCE.get(severity)
    return {"severity": severity, "message": message} if message else None


def parameters_for(team_settings: dict | None) -> dict[str, float]:
    """The rule parameters of a team: the defaults with its valid overrides."""
    return {**DEFAULTS, **_valid_overrides(team_settings, DEFAULTS)}


def notification_settings_for(team_settings: dict | None) -> dict[str, float]:
    return {**NOTIFICATION_DEFAULTS, **_valid_overrides(team_settings, NOTIFICATION_DEFAULTS)}


def day_start(day: date, tz) -> datetime:
    """Midnight at the start of a local date (zoneinfo resolves a DST gap or fold)."""
    return datetime.combine(day, time.min, tzinfo=tz)


def procedure_start(performed_on: date, tz: ZoneInfo) -> datetime:
    return day_start(performed_on, tz)


def evaluate(context: Context) -> list[Rule]:
    """Every rule that fires for this check-in; rules are independent of each other."""
    return [rule for rule in RULES if rule.fires is not None and rule.fires(context)]
