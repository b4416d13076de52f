"""Strict JSON types at the boundary (API.md: "7", 7.5, 7.0 and true are not integers)."""

from django.utils.dateparse import parse_datetime
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
    """An ISO 8601 date-time that must carry an offset; a naive one is ambiguous.

    DRF's own parsing cannot tell: with or without default_timezone it makes a naive value
    aware (or an aware one naive) before we could look, so parse first and check the offset.
    """

    default_error_messages = {"naive": "Date-time must carry a UTC offset."}

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601 with offset")
        try:
            parsed = parse_datetime(value)
        except ValueError:  # well formed but impossible, e.g. 25:00 or 30 February
            parsed = None
        if parsed is None:
            self.fail("invalid", format="ISO 8601 with offset")
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            self.fail("naive")
        return self.enforce_timezone(parsed)  # to UTC; "overflow" near year 1 or 9999
