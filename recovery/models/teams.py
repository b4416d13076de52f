"""Care teams: the team, its clinicians, its settings' history and its invitations."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import now

from recovery.choices import TemperatureUnit


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not an IANA time zone name.")


def default_emergency_number() -> str:
    return settings.DEFAULT_EMERGENCY_NUMBER


def default_temperature_unit() -> str:
    # Fahrenheit where people say temperatures in it (API.md: "F" when PHONE_REGION is US).
    return "F" if settings.PHONE_REGION == "US" else "C"


class CareTeam(models.Model):
    name = models.CharField(max_length=200, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    clinicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="care_teams",
        blank=True,
        through="TeamMembership",
        through_fields=("careteam", "user"),
    )
    # Overrides of the warning-sign and notification defaults in recovery/rules.py, keyed by
    # setting name (rules.SETTING_SPECS lists the names and the values each may take).
    rule_settings = models.JSONField(default=dict, blank=True)
    # What the patient app's guidance screens dial (tel: links): the team's own line for
    # "call your care team today", and the local emergency number for "call now".
    phone = models.CharField(max_length=40, blank=True, default="")
    emergency_number = models.CharField(max_length=20, default=default_emergency_number)
    # The unit the app asks temperatures in and the dashboard shows first (API.md).
    temperature_unit = models.CharField(
        max_length=1, choices=TemperatureUnit.choices, default=default_temperature_unit
    )

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def clean(self) -> None:
        from recovery.phones import emergency_number_normalise, phone_normalise
        from recovery.rules import settings_errors

        errors: dict[str, list] = {}
        rule_errors = settings_errors(self.rule_settings)
        if rule_errors:
            errors["rule_settings"] = rule_errors
        # Stored normalised (E.164), so the tel: links of the patient app always dial.
        for name, normalise in (
            ("phone", phone_normalise),
            ("emergency_number", emergency_number_normalise),
        ):
            try:
                setattr(self, name, normalise(getattr(self, name)))
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)


class TeamMembership(models.Model):
    """A clinician on a care team. Admins run the team: they invite and remove clinicians and
    edit its settings (dashboard/team pages). Not a role: /api/v1/me/ keeps "clinician".

    The table is the one Django made for the plain many-to-many (migration
    0007_team_membership kept its rows), hence its name and its columns, which the dashboard's
    hand-written summary SQL joins on.
    """

    # "careteam", as Django named it for the plain many-to-many: code that used its through
    # model (notifications, bench) keeps working unchanged.
    careteam = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    is_admin = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=now)

    class Meta:
        db_table = "recovery_careteam_clinicians"
        # As Django declared it for the plain many-to-many, so the database keeps its index.
        unique_together = [("careteam", "user")]

    def __str__(self) -> str:
        return f"Membership {self.careteam_id}/{self.user_id}"


class TeamSettingsVersion(models.Model):
    """One change of a team's settings: who made it, when, and the values before and after
    (the changed keys only; a rule setting missing from a side is the protocol's default)."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="settings_versions")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=now)
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["team", "-changed_at"])]

    def __str__(self) -> str:
        return f"Settings version {self.pk} of team {self.team_id}"

    @property
    def changes(self) -> list[dict]:
        """Each changed value, before and after; a rule setting absent from one side was the
        protocol's default there (keys "rule:<name>" are rule settings)."""
        return [
            {
                "name": key.removeprefix("rule:"),
                "old": self.old.get(key, "default"),
                "new": self.new.get(key, "default"),
            }
            for key in sorted(self.old.keys() | self.new.keys())
        ]


class TeamInvitation(models.Model):
    """An admin asked a clinician by email to join the team: a single-use link, stored only
    as a keyed hash of its token (recovery/teams.py)."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation {self.pk} to team {self.team_id}"
