"""The patient app's forms. Check-in values are judged by the API's own serializer fields
(recovery.api.checkin_serializers.CheckInInputSerializer), so the ranges live in one place."""

from __future__ import annotations

import functools
import zoneinfo

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lib.throttling import LoginSlowDownFormMixin, password_recheck
from recovery.api.checkin_serializers import CheckInInputSerializer
from recovery.models import Language
from reminders.plan import Kind

# What the patient is told for a bad value of each check-in field, whatever was wrong.
CHECKIN_ERRORS = {
    "pain_score": _("Choose a number from 0 (no pain) to 10 (worst pain you can imagine)."),
    "temperature_c": _(
        "Enter a temperature between 34 and 43 °C (93.2 and 109.4 °F), or leave it empty."
    ),
    "symptoms": _("Answer yes or no."),
    "notes": _("Your note can be at most 2000 characters long."),
    "bone_medicine": _("Choose the answer that fits best."),
    "id": _("Something went wrong with this check-in. Please start it again."),
    "recorded_at": _("Something went wrong with this check-in. Please start it again."),
}


@functools.cache
def _checkin_fields():
    # Built once per process: a serializer deep-copies its declared fields for every instance
    # (bench/NOTES.md, issue 17). Shared safely: none of these fields keeps state between
    # validations or reads the serializer's context.
    return CheckInInputSerializer().fields


def checkin_field_error(name: str, value) -> str | None:
    """The patient's words for why `value` is not acceptable for check-in field `name`."""
    field = _checkin_fields()[name]
    try:
        field.run_validation(value)
    except serializers.ValidationError:
        return str(CHECKIN_ERRORS[name])
    return None


def parse_temperature(text: str, unit: str) -> tuple[float | None, str | None]:
    """(°C rounded to 0.1, error). Empty is fine: the temperature is optional."""
    text = text.strip().replace(",", ".")
    if not text:
        return None, None
    try:
        value = float(text)
    except ValueError:
        return None, str(CHECKIN_ERRORS["temperature_c"])
    if unit == "f":
        value = (value - 32) * 5 / 9
    celsius = round(value, 1)
    return celsius, checkin_field_error("temperature_c", celsius)


class PatientLoginForm(LoginSlowDownFormMixin, AuthenticationForm):
    """The app's session login: patients and caregivers (care teams sign in on the dashboard).
    The failed sign-in slow-down is the accounts' one (a known device cookie is never locked
    out by someone else's failures)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email or password is not right. Check them and try again."),
        "inactive": _("This account is switched off. Please call your care team."),
        "not_patient": _("This sign-in is for patients. Care teams sign in on the dashboard."),
    }
    slowed_down_message = _("Too many failed sign-ins. Please try again in {wait} seconds.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["password"].label = _("Password")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not (user.is_patient or user.is_caregiver):
            raise forms.ValidationError(self.error_messages["not_patient"], code="not_patient")


class ActivateForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"), max_length=40, error_messages={"required": _("Enter your code.")}
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        max_length=128,
        error_messages={"required": _("Choose a password.")},
    )
    password_again = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        max_length=128,
        error_messages={"required": _("Type the password again.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") != data.get("password"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


def hour_choices():
    return [(hour, f"{hour:02d}:00") for hour in range(24)]


def timezone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SettingsForm(forms.Form):
    reminder_hour = forms.TypedChoiceField(
        label=_("What time should reminders come?"), coerce=int, choices=hour_choices
    )
    timezone = forms.ChoiceField(label=_("Your time zone"), choices=timezone_choices)
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, widget=forms.RadioSelect
    )
    reminders = forms.MultipleChoiceField(
        label=_("Which reminders do you want by email?"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PasswordChangeForm(forms.Form):
    """A new password always asks for the current one, however the session began (a sign-in
    link alone must not be enough to take over the account)."""

    current_password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        error_messages={"required": _("Enter your current password.")},
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=128,
        error_messages={"required": _("Choose a new password.")},
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_current_password(self):
        value = self.cleaned_data["current_password"]
        check_current_password(self.request, self.user, value)
        return value

    def clean_new_password(self):
        value = self.cleaned_data["new_password"]
        password_validation.validate_password(value, self.user)
        return value


class ConfirmPasswordForm(forms.Form):
    """The password again before a sensitive change in a sign-in link's session."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=128,
        error_messages={"required": _("Enter your password.")},
    )

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self):
        value = self.cleaned_data["password"]
        check_current_password(self.request, self.user, value)
        return value


def check_current_password(request, user, password: str) -> None:
    """The password a signed-in person types again, slowed down like a login."""
    right, wait = password_recheck(request, user=user, password=password)
    if wait:
        raise forms.ValidationError(
            _("Too many wrong passwords. Please try again in %(wait)s seconds.") % {"wait": wait}
        )
    if not right:
        raise forms.ValidationError(_("That is not your current password."))
