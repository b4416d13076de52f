from django import forms
from django.contrib.auth.forms import AuthenticationForm

from lib.throttling import LoginSlowDownFormMixin


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
