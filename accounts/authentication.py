"""simplejwt's JWT authentication, with the user's patient and care team in the same query.

Every patient request needs request.user.patient and most need its team (the rule settings of a
check-in); joining them here saves two round trips per request, the largest share of the
check-in's cost after the insert itself (bench/RESULTS.md).

The same query decides whether the token still holds: the account must be active and its
password the one the token was issued under (simplejwt's CHECK_REVOKE_TOKEN claim), so a
deactivation or a new password ends every access token on its next request.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from .tokens import user_id_of


class JWTAuthentication(authentication.JWTAuthentication):
    def get_user(self, validated_token):
        try:
            user_id = user_id_of(validated_token)
        except TokenError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        users = self.user_model.objects.select_related("patient__team")
        try:
            user = users.get(**{api_settings.USER_ID_FIELD: user_id})
        except self.user_model.DoesNotExist as exc:
            raise AuthenticationFailed(_("User not found"), code="user_not_found") from exc
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(
                _("The user's password has been changed."), code="password_changed"
            )
        return user


class JWTScheme(SimpleJWTScheme):
    """Its OpenAPI security scheme: simplejwt's bearer JWT, unchanged."""

    target_class = "accounts.authentication.JWTAuthentication"
