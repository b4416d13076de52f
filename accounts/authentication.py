"""simplejwt's JWT authentication, with the user's patient and care team in one query, or
none: the row is kept briefly in the shared cache (accounts/user_cache.py, issue 17).

Every patient request needs request.user.patient and most need its team (the rule settings of a
check-in); joining them here saves two round trips per request, and the cache the third.

The row decides whether the token still holds: the account must be active and its password
the one the token was issued under (simplejwt's CHECK_REVOKE_TOKEN claim), so a deactivation
or a new password ends every access token on its next request (the cache forgets the row on
every save).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from . import user_cache
from .tokens import user_id_of


class JWTAuthentication(authentication.JWTAuthentication):
    def get_user(self, validated_token):
        try:
            user_id = user_id_of(validated_token)
        except TokenError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        claim = validated_token.get(api_settings.REVOKE_TOKEN_CLAIM)
        user = user_cache.cached(user_id)
        # A cached row of another password is read again: a token issued since is never
        # refused on a row the cache has not forgotten yet.
        if user is None or not _password_holds(user, claim):
            users = self.user_model.objects.select_related("patient__team")
            try:
                user = users.get(**{api_settings.USER_ID_FIELD: user_id})
            except self.user_model.DoesNotExist as exc:
                raise AuthenticationFailed(_("User not found"), code="user_not_found") from exc
            user_cache.remember(user)
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if not _password_holds(user, claim):
            raise AuthenticationFailed(
                _("The user's password has been changed."), code="password_changed"
            )
        return user


def _password_holds(user, claim) -> bool:
    return not api_settings.CHECK_REVOKE_TOKEN or claim == get_md5_hash_password(user.password)


class JWTScheme(SimpleJWTScheme):
    """Its OpenAPI security scheme: simplejwt's bearer JWT, unchanged."""

    target_class = "accounts.authentication.JWTAuthentication"
