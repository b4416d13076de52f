"""A patient's phone, their consent to text messages, and how they get reminders.

The rule, also a database constraint (patient_sms_needs_phone_and_consent): reminders go by
SMS (`sms` or `both`) only with a valid phone number and the patient's consent on record.
Consent is the patient's own choice; a clinician may record the phone only. Withdrawing
consent or removing the number always works: the reminders go back to email, since a patient
must never be stuck with texts they no longer want (or left with none at all).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ReminderChannel
from .models import Patient
from .phones import phone_normalise

SMS_CHANNELS = {ReminderChannel.SMS, ReminderChannel.BOTH}
FIELDS = ("phone", "sms_consent", "reminder_channel")


def patient_phone_normalise(value: str) -> str:
    """The patient's number in E.164, "" for none; a ValidationError in plain words."""
    try:
        return phone_normalise(value)
    except ValidationError:
        raise ValidationError(
            _(
                "This is not a phone number we can send texts to. "
                "Include the country code, e.g. +1 202 555 0100."
            ),
            code="invalid_phone",
        ) from None


def sms_settings_errors(*, patient: Patient, data: dict) -> dict[str, list[str]]:
    """What is wrong with these changes (field name: messages); empty when they may be saved.

    `data` holds any of: phone (already normalised), sms_consent (bool), reminder_channel.
    """
    phone = data.get("phone", patient.phone)
    consent = data.get("sms_consent", patient.sms_consent_at is not None)
    channel = data.get("reminder_channel")
    if channel is None:
        # Not asked for: an SMS channel the changes take away falls back to email.
        return {}
    if channel in SMS_CHANNELS:
        errors = {}
        if not phone:
            errors["phone"] = [_("Reminders by text message need your phone number.")]
        if not consent:
            errors["sms_consent"] = [_("Reminders by text message need your yes to texts.")]
        if errors:
            errors["reminder_channel"] = [
                _("Text messages need a phone number and your yes to texts first.")
            ]
        return errors
    return {}


@transaction.atomic
def patient_sms_update(*, patient: Patient, data: dict) -> Patient:
    """Save the phone, consent and channel in `data` (validated by sms_settings_errors).
    Consent given now stamps `sms_consent_at`; withdrawn, it is cleared. Nothing else changes."""
    errors = sms_settings_errors(patient=patient, data=data)
    if errors:
        raise ValidationError(errors)
    fields = []
    if "phone" in data:
        patient.phone = data["phone"]
        fields.append("phone")
    if "sms_consent" in data:
        if data["sms_consent"] and patient.sms_consent_at is None:
            patient.sms_consent_at = timezone.now()
        elif not data["sms_consent"]:
            patient.sms_consent_at = None
        fields.append("sms_consent_at")
    if "reminder_channel" in data:
        patient.reminder_channel = data["reminder_channel"]
        fields.append("reminder_channel")
    if patient.reminder_channel in SMS_CHANNELS and not (patient.phone and patient.sms_consent_at):
        patient.reminder_channel = ReminderChannel.EMAIL
        fields.append("reminder_channel")
    if fields:
        patient.save(update_fields=sorted(set(fields)))
    return patient


def sms_settings_of(patient: Patient) -> dict:
    """How the API and the app show them."""
    return {
        "phone": patient.phone,
        "sms_consent": patient.sms_consent_at is not None,
        "sms_consent_at": patient.sms_consent_at,
        "reminder_channel": patient.reminder_channel,
    }
