from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.throttling import LoginSlowDownFormMixin
from recovery.phones import phone_normalise


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


class CaregiverPhoneForm(forms.Form):
    """The caregiver's own phone, for the care team to call, and their yes to texts."""

    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    texts = forms.BooleanField(label=_("Yes, text me when there is a warning sign"), required=False)

    def clean_phone(self):
        try:
            return phone_normalise(self.cleaned_data["phone"])
        except ValidationError:
            raise ValidationError(
                _("This is not a phone number we can call. Type it as you would dial it.")
            ) from None

    def clean(self):
        data = super().clean()
        if data.get("texts") and not data.get("phone"):
            self.add_error("phone", _("To get texts, type your mobile number."))
        return data
