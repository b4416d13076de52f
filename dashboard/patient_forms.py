"""Forms for the clinician tasks the API also offers: enrol, procedures, discharge.

Each form checks what a browser sends (types, required fields) and then hands the values to
the API's own input serializer, so the dashboard and POST /api/v1/... refuse exactly the same
things with the same words; the serializer's errors are shown beside the form's fields.
"""

import zoneinfo
from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings

from recovery.api import patient_serializers, procedure_serializers
from recovery.choices import (
    VERTEBRAL_LEVELS,
    Cause,
    DischargeReason,
    ProcedureType,
    ReminderChannel,
)
from recovery.models import Language


def _flatten(messages) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _flatten(value)]
    return [str(messages)]


class SerializerBackedForm(forms.Form):
    """A form whose clean() ends with the API's input serializer."""

    serializer_class: type = None  # type: ignore[assignment]

    def __init__(self, *args, context: dict | None = None, instance=None, **kwargs):
        self.context = context or {}
        self.instance = instance
        self.validated_data: dict = {}
        super().__init__(*args, **kwargs)

    def json_values(self) -> dict:
        """The cleaned values as a JSON client would send them (dates as strings)."""
        values = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "":
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = float(value)
            values[name] = value
        return values

    def clean(self):
        cleaned = super().clean()
        # The serializer checks the fields the form found valid even when others are not, so
        # every mistake is shown at once, each beside its field.
        failed = set(self.errors)
        serializer = self.serializer_class(
            self.instance,
            data=self.json_values(),
            context=self.context,
            partial=self.instance is not None or bool(failed),
        )
        if serializer.is_valid() and not failed:
            self.validated_data = dict(serializer.validated_data)
            return cleaned
        for name, messages in serializer.errors.items():
            if name in failed:
                continue
            for message in _flatten(messages):
                self.add_error(name if name in self.fields else None, message)
        return cleaned


# The zones a clinic of each region enrols in most, offered first; the rest follow under
# "More time zones" (PHONE_REGION picks the list; another region gets the team's zone alone).
REGION_ZONES = {
    "US": [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
        "America/Puerto_Rico",
    ],
    "GB": ["Europe/London"],
    "ES": ["Europe/Madrid", "Atlantic/Canary"],
}


def timezone_choices(first: str = "UTC") -> list:
    """The region's usual zones (the team's first), then every other zone as a group."""
    usual = [first, *(z for z in REGION_ZONES.get(settings.PHONE_REGION, []) if z != first)]
    rest = sorted(zoneinfo.available_timezones() - set(usual))
    return [*((name, name) for name in usual), ("More time zones", [(n, n) for n in rest])]


class DateInput(forms.DateInput):
    input_type = "date"


class EnrolForm(SerializerBackedForm):
    serializer_class = patient_serializers.PatientInputSerializer

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254, help_text="The code and reminders go here.")
    date_of_birth = forms.DateField(widget=DateInput)
    phone = forms.CharField(
        max_length=40,
        required=False,
        help_text="For calling back; the patient chooses texts in the app.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        choices=Language.choices,
        initial=Language.ENGLISH,
        required=False,
        help_text="What the patient reads and hears: the app, emails, texts.",
    )
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        initial="UTC",
        help_text="Where the patient lives: reminders and days follow it.",
    )
    reminder_hour = forms.IntegerField(
        min_value=0, max_value=23, initial=9, help_text="Local hour of the daily reminder (0–23)."
    )
    has_osteoporosis = forms.BooleanField(required=False, label="Has osteoporosis")
    reminder_channel = forms.ChoiceField(
        choices=ReminderChannel.choices,
        initial=ReminderChannel.EMAIL,
        required=False,
        label="Reminders by",
    )
    sms_consent = forms.BooleanField(
        required=False,
        label="The patient said yes to text messages (asked in the clinic)",
        help_text="Needed for reminders by text. The patient can stop them in the app or by "
        "replying STOP.",
    )
    team = forms.TypedChoiceField(coerce=int, required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        teams = list(teams)
        if teams:
            # The team's own zone first and chosen; the region's usual zones next.
            self.fields["timezone"].choices = timezone_choices(teams[0].timezone)
            self.fields["timezone"].initial = teams[0].timezone
        if len(teams) > 1:
            self.fields["team"].choices = [(t.pk, t.name) for t in teams]
            self.fields["team"].required = True
        else:
            del self.fields["team"]

    def json_values(self) -> dict:
        values = super().json_values()
        values["has_osteoporosis"] = bool(self.cleaned_data.get("has_osteoporosis"))
        return values

    def clean(self):
        cleaned = super().clean()
        # Texts need a number and the patient's own yes (recovery/sms_settings.py says so).
        channel = cleaned.get("reminder_channel") or ReminderChannel.EMAIL
        if channel != ReminderChannel.EMAIL:
            if not cleaned.get("phone"):
                self.add_error("phone", "Reminders by text message need the patient's phone.")
            if not cleaned.get("sms_consent"):
                self.add_error("sms_consent", "Reminders by text need the patient's yes first.")
        return cleaned

    def sms_settings(self) -> dict | None:
        """The channel chosen with the phone and the patient's yes, for sms_settings; None for
        email only."""
        channel = self.cleaned_data.get("reminder_channel") or ReminderChannel.EMAIL
        if channel == ReminderChannel.EMAIL:
            return None
        return {
            "phone": self.validated_data.get("phone", ""),
            "sms_consent": True,
            "reminder_channel": channel,
        }


class ProcedureForm(SerializerBackedForm):
    serializer_class = procedure_serializers.ProcedureInputSerializer

    procedure_type = forms.ChoiceField(choices=ProcedureType.choices, widget=forms.RadioSelect)
    performed_on = forms.DateField(widget=DateInput, label="Date of the procedure")
    vertebral_levels = forms.MultipleChoiceField(
        choices=[(level, level) for level in VERTEBRAL_LEVELS],
        widget=forms.CheckboxSelectMultiple,
        label="Vertebral levels treated",
    )
    cause = forms.ChoiceField(choices=Cause.choices, widget=forms.RadioSelect)
    pre_procedure_pain = forms.IntegerField(
        min_value=0, max_value=10, label="Pain before the procedure (0–10)"
    )
    height_loss_percent = forms.FloatField(
        required=False, min_value=0, max_value=100, label="Height loss (%)"
    )
    fracture_date = forms.DateField(required=False, widget=DateInput, label="Date of the fracture")
    lifting_restriction_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=90,
        label="No heavy lifting for (days)",
        help_text="1–90; 7 when left empty.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.serializer_class = procedure_serializers.ProcedurePatchSerializer
            for name in self.fields:
                self.initial.setdefault(name, getattr(self.instance, name))

    def json_values(self) -> dict:
        values = super().json_values()
        if self.instance is not None:
            # An edit sends only what changed, as a PATCH does (an unchanged date must not
            # re-plan the reminders).
            values = {name: value for name, value in values.items() if name in self.changed_data}
            for name in ("height_loss_percent", "fracture_date"):
                if name in self.changed_data and self.cleaned_data.get(name) is None:
                    values[name] = None
        return values


class DischargeForm(forms.Form):
    reason = forms.ChoiceField(choices=DischargeReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CaregiverInviteForm(forms.Form):
    """The fields of POST /api/v1/patients/{id}/caregivers/ (caregivers/api/serializers.py)."""

    email = forms.EmailField(max_length=254, label="Caregiver's email")
    name = forms.CharField(max_length=150, label="Their name")
    relationship = forms.CharField(
        max_length=60, label="Relationship to the patient", help_text="For example: daughter"
    )
