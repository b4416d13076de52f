"""Errors raised below the serializers, answered as the field errors a client can act on."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework.exceptions import ValidationError

from .models import User

# Neutral on purpose: whichever account holds the address (a patient of another team, a
# clinician, anyone), the answer is the same and names no team or role (the probe's finding 8).
EMAIL_TAKEN = "This email address cannot be used here. Please check it, or use another one."


@contextmanager
def email_taken_is_a_field_error(email: str | None) -> Iterator[None]:
    """The serializer checks the email is free, but a double-submitted form can pass that check
    twice; the database's unique constraint then decides, and the loser gets the same 400."""
    try:
        yield
    except IntegrityError:
        if email and User.objects.filter(email=email).exists():
            raise ValidationError({"email": [EMAIL_TAKEN]}) from None
        raise


@contextmanager
def weak_password_is_a_field_error() -> Iterator[None]:
    """Django's password validators raise their own ValidationError: name the field."""
    try:
        yield
    except DjangoValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
