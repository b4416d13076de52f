"""Strict JSON types at the boundary (API.md: "7", 7.5, 7.0 and true are not integers)."""

from rest_framework import serializers


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDateField(serializers.DateField):
    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry an offset; a naive one is ambiguous."""

    default_error_messages = {"naive": "Date-time must carry a UTC offset."}

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601 with offset")
        parsed = serializers.DateTimeField(default_timezone=None).to_internal_value(value)
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            self.fail("naive")
        return parsed
