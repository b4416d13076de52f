"""Fields the recovery API's serializers share: a time zone name, an email address."""

from rest_framework import serializers

from lib.fields import (
    StrictCharField,
)
from recovery.models import validate_timezone


class TimezoneField(StrictCharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            validate_timezone(value)
        except Exception:
            raise serializers.ValidationError(f"'{value}' is not an IANA time zone name.") from None
        return value


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data).lower()
