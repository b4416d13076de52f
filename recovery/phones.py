"""The care team's phone and emergency numbers, checked with `phonenumbers` (libphonenumber).

The patient app dials them (tel: links), so a typo is found when the team saves the number,
not when a patient in pain presses the button. A number typed without its country code is
read in settings.PHONE_REGION; what is stored is E.164 ("+12025550100"), which every phone
dials. A short emergency number ("911", "112") is kept as typed when it is one in that region.
"""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(value, settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_normalise(value: str) -> str:
    """The team's phone in E.164; "" stays "" (no phone). A ValidationError if not valid."""
    value = (value or "").strip()
    if not value:
        return ""
    number = _parse(value)
    if number is None:
        raise ValidationError(
            f"Not a valid phone number. Include the country code (e.g. +1 202 555 0100) "
            f"or type a {settings.PHONE_REGION} number.",
            code="invalid_phone",
        )
    return _e164(number)


def emergency_number_normalise(value: str) -> str:
    """A short emergency number of PHONE_REGION as typed, else a valid number in E.164."""
    value = (value or "").strip()
    if value and phonenumbers.is_emergency_number(value, settings.PHONE_REGION):
        return value
    number = _parse(value) if value else None
    if number is None:
        raise ValidationError(
            f"Not an emergency number of {settings.PHONE_REGION} (e.g. 911) nor a valid "
            "phone number.",
            code="invalid_emergency_number",
        )
    return _e164(number)
