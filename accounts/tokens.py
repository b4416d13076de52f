"""simplejwt's tokens, refusing claims that are validly signed but unreadable.

A token signed with our key can still carry an `exp` no date can hold (year 300 000) or a
`user_id` that is not an id; simplejwt lets the OverflowError or ValueError through as a 500.
Both are a bad token: 401.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

# Every error datetime.fromtimestamp() raises for an out-of-range or non-numeric value.
UNREADABLE_TIME = (OverflowError, OSError, ValueError, TypeError)


class _ReadableClaims:
    def check_exp(self, claim: str = "exp", current_time=None) -> None:
        try:
            super().check_exp(claim, current_time)  # type: ignore[misc]
        except UNREADABLE_TIME as exc:
            raise TokenError(_("Token has an unreadable time claim")) from exc


class AccessToken(_ReadableClaims, tokens.AccessToken):
    pass


class RefreshToken(_ReadableClaims, tokens.RefreshToken):
    access_token_class = AccessToken


def user_id_of(token) -> int:
    """The token's user id as an int; a TokenError for anything else (a list, "abc", 1.5)."""
    value: Any = token.payload.get(api_settings.USER_ID_CLAIM)
    if isinstance(value, bool):
        raise TokenError(_("Token contained no recognizable user identification"))
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    raise TokenError(_("Token contained no recognizable user identification"))


def token_user(token):
    """The active user the token was issued to, if their password has not changed since;
    else a TokenError. One query, by primary key."""
    user = get_user_model().objects.filter(pk=user_id_of(token)).first()
    if user is None or not user.is_active:
        raise TokenError(_("No active account found for the given token."))
    if token.payload.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise TokenError(_("The user's password has been changed."))
    return user
