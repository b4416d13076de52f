"""HTTP shapes of a patient's phone and text-message settings (recovery/sms_settings.py)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from lib.fields import StrictBooleanField, StrictCharField
from recovery.choices import ReminderChannel
from recovery.sms_settings import patient_phone_normalise


class PhoneField(StrictCharField):
    """A patient's phone: stored in E.164 (recovery/phones.py); blank for none."""

    def __init__(self, **kwargs):
        super().__init__(max_length=32, allow_blank=True, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return patient_phone_normalise(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class MeSmsSerializer(serializers.Serializer):
    """PATCH /api/v1/me/ (patients): their phone, their yes to texts, how reminders come."""

    phone = PhoneField(required=False)
    sms_consent = StrictBooleanField(required=False)
    reminder_channel = serializers.ChoiceField(choices=ReminderChannel.choices, required=False)
