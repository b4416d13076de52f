from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from lib.throttling import LoginSlowDownFormMixin


class NewCaregiverForm(forms.Form):
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Type the same password again"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, again = cleaned.get("password"), cleaned.get("password_again")
        if first and again and first != again:
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


class CaregiverSignInForm(LoginSlowDownFormMixin, AuthenticationForm):
    """Sign in with the caregiver account the invitation's address belongs to: the failed
    sign-in slow-down of every other login applies."""

    slowed_down_message = _("Too many failed sign-ins. Please try again in {wait} seconds.")
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The password is not right. Please try again."),
        "not_caregiver": _(
            "This account cannot help a patient. Ask for an invitation to another address."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget = forms.HiddenInput()
        self.fields["password"].label = _("Your password")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_caregiver:
            raise forms.ValidationError(self.error_messages["not_caregiver"], code="not_caregiver")
