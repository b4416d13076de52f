"""Writes to accounts: a new password, and what it ends (every session and token)."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from .models import User


def account_tokens_revoke(*, user: User) -> int:
    """Blacklist every refresh token issued to the account; returns how many were live.

    Access tokens need no list: they carry a fingerprint of the password they were issued
    under and the authentication refuses them once it differs or the account is inactive
    (accounts/authentication.py). Sessions likewise: Django keeps a hash of the password in
    each session and ends it on the next request once the password changed.
    """
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    rows = [BlacklistedToken(token=token) for token in outstanding]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def account_password_set(*, user: User, password: str, validate: bool = True) -> User:
    """Every new password goes through here (reset, enrollment code, create_clinician,
    the admin): it ends every session and revokes every refresh token of the account."""
    if validate:
        validate_password(password, user=user)  # a Django ValidationError: mapped to a 400
    user.set_password(password)
    user.save(update_fields=["password"])
    account_tokens_revoke(user=user)
    return user
