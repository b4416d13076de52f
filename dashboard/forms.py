from django import forms
from django.contrib.auth.forms import AuthenticationForm

from lib.throttling import LoginSlowDownFormMixin
from recovery.choices import ContactOutcome, ContactPerson


class ClinicianLoginForm(LoginSlowDownFormMixin, AuthenticationForm):
    """The session login of the dashboard: care-team accounts only.

    Patients use the app; refusing them here (rather than after login) means a patient never
    holds a dashboard session at all."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_clinician": "This sign-in is for care teams. Patients use the recovery app.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget.attrs.update(autocomplete="username", type="email")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_clinician:
            raise forms.ValidationError(self.error_messages["not_clinician"], code="not_clinician")


class AlertResolveForm(forms.Form):
    note = forms.CharField(max_length=2000, strip=True)
    # Was the suspected problem real? "" is "not said" (null on the alert).
    confirmed = forms.TypedChoiceField(
        choices=[("", "Not said"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )


class ContactForm(forms.Form):
    """A call about an alert card (API.md "Calling the patient back")."""

    outcome = forms.ChoiceField(choices=ContactOutcome.choices)
    person = forms.ChoiceField(choices=ContactPerson.choices, initial="patient")
    note = forms.CharField(max_length=2000, strip=True, required=False)


class SilenceForm(forms.Form):
    """Mark a sign as expected for one patient (recovery/callbacks.py checks rule and date)."""

    rule = forms.CharField(max_length=40)
    until = forms.DateField()
    reason = forms.CharField(max_length=500, strip=True)
