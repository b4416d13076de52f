"""Forms of the team pages (dashboard/team_views.py)."""

from django import forms
from django.conf import settings

from bonehealth import pathway
from recovery import rules
from recovery.models import CareTeam
from recovery.phones import emergency_number_normalise, phone_normalise
from recovery.teams import TEAM_FIELDS

SETTING_LABELS = {
    "fever_threshold_c": "Fever threshold (°C)",
    "worsening_jump_points": "Worsening pain: rise in points",
    "worsening_lookback_days": "Worsening pain: look back (days)",
    "worsening_baseline_after_hours": "Worsening pain: baseline from (hours after procedure)",
    "no_relief_start_hours": "No relief: from (hours after procedure)",
    "no_relief_end_days": "No relief: until (days after procedure)",
    "no_relief_max_fraction": "No relief: pain at least this fraction of before (0–1)",
    "new_fracture_pain_at_least": "New fracture: pain at least",
    "new_fracture_prior_low_at_most": "New fracture: earlier low at most",
    "new_fracture_lookback_days": "New fracture: look back (days)",
    "missed_checkins_window_days": "Missed check-ins: first days followed",
    "missed_checkins_consecutive_days": "Missed check-ins: days in a row",
    "emergency_repeat_minutes": "Emergency email: re-send after (minutes)",
    "urgent_repeat_minutes": "Urgent email: re-send after (minutes)",
    "repeat_max": "Re-sends at most",
    "digest_hour": "Daily digest hour (team's time zone)",
    "callback_retry_minutes": "Call back: remind to try again after (minutes)",
    "denosumab_overdue_days": "Denosumab overdue: days since the last injection",
    # The bone-health pathway's due windows (bonehealth/pathway.py).
    **{m.setting: f"Bone health: {m.label} due within (days)" for m in pathway.MILESTONES},
}


class TeamDetailsForm(forms.ModelForm):
    """The team's own fields. recovery.teams.TEAM_FIELDS names them: a new CareTeam field
    (the team's phone and emergency number) is added there and here and nowhere else."""

    class Meta:
        model = CareTeam
        fields = list(TEAM_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].help_text = "IANA name, e.g. America/Chicago (the digest hour)."
        region = settings.PHONE_REGION
        self.fields["phone"].label = "Team phone"
        self.fields["phone"].help_text = (
            f"The patient app's “call your care team” button. With its country code "
            f"(+1 202 555 0100) or as a {region} number; saved as +12025550100."
        )
        self.fields["emergency_number"].help_text = (
            f"The patient app's “call now” button: a {region} emergency number (911) or "
            "a full phone number."
        )
        self.fields[
            "temperature_unit"
        ].help_text = "The unit the patient app asks temperatures in (patients can switch)."
        # A form posted without it (an older page) keeps the team's unit.
        self.fields["temperature_unit"].required = False
        for name in ("phone", "emergency_number"):
            self.fields[name].widget.attrs.update({"type": "tel", "autocomplete": "off"})

    # The model's own normalisation, so the values the service gets are the stored ones and
    # a bad number is an error beside its field.
    def clean_phone(self):
        return phone_normalise(self.cleaned_data["phone"])

    def clean_temperature_unit(self):
        return self.cleaned_data["temperature_unit"] or self.instance.temperature_unit

    def clean_emergency_number(self):
        return emergency_number_normalise(self.cleaned_data["emergency_number"])


class TeamSettingsForm(forms.Form):
    """One field per rule and notification setting (recovery.rules.SETTING_SPECS). Empty means
    the protocol's default; a value outside the setting's range is an error beside it."""

    def __init__(self, *args, team: CareTeam, **kwargs):
        initial = dict(team.rule_settings or {})
        super().__init__(*args, initial=initial, **kwargs)
        defaults = rules.setting_defaults()
        for name, spec in rules.SETTING_SPECS.items():
            field_class = forms.IntegerField if spec.integer else forms.FloatField
            field = field_class(
                required=False,
                min_value=spec.minimum,
                max_value=spec.maximum,
                label=SETTING_LABELS.get(name, name),
                help_text=f"Default {defaults[name]:g}; {spec.minimum:g} to {spec.maximum:g}.",
            )
            field.widget.attrs["placeholder"] = f"{defaults[name]:g}"
            if not spec.integer:
                field.widget.attrs["step"] = "any"
            self.fields[name] = field

    def clean(self):
        data = super().clean()
        overrides = {name: value for name, value in data.items() if value is not None}
        # The model's own check, so the form and CareTeam.clean() can never disagree.
        for error in rules.settings_errors(overrides):
            self.add_error(None, error)
        self.overrides = overrides
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Email of the clinician to invite")


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )

    def __init__(self, *args, existing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if existing:
            del self.fields["first_name"], self.fields["last_name"]
            self.fields["password"].label = "Your password"
            self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        else:
            self.fields["password"].label = "Choose a password"
