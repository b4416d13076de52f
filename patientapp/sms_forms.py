"""The text-message settings' forms: one question each (patientapp/sms_views.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from recovery.sms_settings import patient_phone_normalise

YES_NO = [("yes", _("Yes, send me text messages")), ("no", _("No text messages"))]


def radio_question(label, choices, required_message) -> forms.ChoiceField:
    """One question answered by picking one of `choices`, and what to say when none is."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Your mobile phone number"), max_length=32, required=False)

    def clean_phone(self):
        try:
            return patient_phone_normalise(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class ConsentForm(forms.Form):
    consent = radio_question(_("May we send you text messages?"), YES_NO, _("Choose yes or no."))


def channel_choices():
    return [
        ("email", _("By email")),
        ("sms", _("By text message")),
        ("both", _("By email and by text message")),
    ]


class ChannelForm(forms.Form):
    channel = radio_question(
        _("How should your reminders come?"),
        channel_choices,
        _("Choose how your reminders should come."),
    )
