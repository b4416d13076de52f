"""PATCH /api/v1/me/ for patients: their phone, their yes to texts, how reminders come
(recovery/sms_settings.py holds the rule)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError

from recovery import sms_settings

from . import sms_serializers as s


def me_sms_fields(patient) -> dict:
    """The fields a patient's GET /api/v1/me/ adds."""
    values = sms_settings.sms_settings_of(patient)
    at = values["sms_consent_at"]
    if at is not None:
        values["sms_consent_at"] = serializers.DateTimeField().to_representation(at)
    return values


def me_sms_update(request) -> None:
    """Validate and save; a 400 names each field at fault and nothing is changed."""
    if not request.user.is_patient:
        raise PermissionDenied("Only a patient may change their own phone and text messages.")
    data = s.MeSmsSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    patient = request.user.patient
    try:
        sms_settings.patient_sms_update(patient=patient, data=data.validated_data)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict) from None
