"""simplejwt's token views with our abuse limits (lib/throttling.py) and the clinicians'
second factor (accounts/mfa.py)."""

from django.contrib.auth.models import update_last_login
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenObtainSerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import mfa
from accounts.tokens import RefreshToken, token_user
from lib.middleware import client_ip
from lib.throttling import (
    ScopedThrottle,
    login_device,
    login_device_remember,
    login_failure_record,
    login_input_error,
    login_success_record,
    login_wait_seconds,
)


class LoginSerializer(TokenObtainPairSerializer):
    otp = serializers.CharField(required=False, allow_blank=True, max_length=64, write_only=True)
    token_class = RefreshToken

    def validate(self, attrs):
        TokenObtainSerializer.validate(self, attrs)  # the password: sets self.user or raises
        if self.user.is_clinician and mfa.mfa_enabled(self.user):
            if not attrs.get("otp"):
                raise mfa.OtpRequired()
            if mfa.mfa_verify(user=self.user, otp=attrs["otp"]) is None:
                raise mfa.OtpInvalid()
        refresh = self.get_token(self.user)
        if api_settings.UPDATE_LAST_LOGIN:
            update_last_login(None, self.user)
        return {"refresh": str(refresh), "access": str(refresh.access_token)}


class LoginView(TokenObtainPairView):
    serializer_class = LoginSerializer
    throttle_classes = [ScopedThrottle]
    throttle_scope = "login"

    def post(self, request, *args, **kwargs):
        email = request.data.get("email") if isinstance(request.data, dict) else None
        email = email if isinstance(email, str) else None
        if problem := login_input_error(email):
            raise ValidationError({"email": [problem]})
        ip = client_ip(request)
        device = login_device(request, email=email)
        wait = login_wait_seconds(email=email, ip=ip, device=device)
        if wait:
            raise Throttled(wait=wait, detail="Too many failed logins. Please wait and retry.")
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except AuthenticationFailed:
            login_failure_record(email=email, ip=ip, device=device)
            raise
        except mfa.OtpRequired:
            return Response({"otp_required": True}, status=status.HTTP_401_UNAUTHORIZED)
        except mfa.OtpInvalid:
            login_failure_record(email=email, ip=ip, device=device)
            raise AuthenticationFailed("The one-time code is wrong or used.") from None
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        login_success_record(email=email, device=device)
        token = login_device_remember(request, email=email, device=device)
        return Response(serializer.validated_data, headers={"X-Device-Token": token})


def _spend(refresh: RefreshToken) -> None:
    """Blacklist the refresh token being rotated, once. Two concurrent refreshes with one
    token both pass simplejwt's blacklist check, and its get_or_create lets both through;
    one INSERT of the token's blacklist row (unique per token) can win, so exactly one
    refresh gets its 200 and the other a 401."""
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=refresh[api_settings.JTI_CLAIM],
        defaults={
            "token": str(refresh),
            "created_at": timezone.now(),
            "expires_at": datetime_from_epoch(refresh["exp"]),
        },
    )
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError:
        raise InvalidToken("Token is blacklisted") from None


class RefreshSerializer(serializers.Serializer):
    """simplejwt's refresh with rotation, refusing a token whose account was deactivated or
    whose password changed since (a new password also blacklists them: accounts/services.py),
    and unreadable claims as a 401, not a 500."""

    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)

    def validate(self, attrs):
        try:
            refresh = RefreshToken(attrs["refresh"])
            token_user(refresh)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        data = {"access": str(refresh.access_token)}
        _spend(refresh)
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
        data["refresh"] = str(refresh)
        return data


class RefreshView(TokenRefreshView):
    serializer_class = RefreshSerializer
    throttle_classes = [ScopedThrottle]
    throttle_scope = "token_refresh"
