"""The accounts half of the API: password reset and the clinicians' second factor."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import weak_password_is_a_field_error
from lib.fields import StrictCharField
from lib.throttling import ScopedThrottle, login_input_error

from . import mfa, passwords


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)

    def validate_email(self, value):
        if problem := login_input_error(value):
            raise serializers.ValidationError(problem)
        return value


class PasswordResetConfirmSerializer(serializers.Serializer):
    token = StrictCharField(max_length=100)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class PasswordResetView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "password_reset"

    @extend_schema(request=PasswordResetSerializer, responses={204: None})
    def post(self, request):
        data = PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"]
        passwords.password_reset_request(
            email=email, requester=passwords.reset_requester(request, email)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "password_reset"

    @extend_schema(request=PasswordResetConfirmSerializer, responses={204: None})
    def post(self, request):
        data = PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with weak_password_is_a_field_error():
                passwords.password_reset_confirm(**data.validated_data)
        except passwords.InvalidResetToken as exc:
            raise ValidationError({"token": [exc.detail]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class IsClinicianAccount(BasePermission):
    """A clinician, second factor or not: these endpoints are how they get one."""

    message = "Only clinicians may use this endpoint."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_clinician)


class MfaSetupSerializer(serializers.Serializer):
    otpauth_url = serializers.CharField()
    recovery_codes = serializers.ListField(child=serializers.CharField())


class MfaConfirmSerializer(serializers.Serializer):
    otp = StrictCharField(max_length=32)


class MfaView(APIView):
    permission_classes = [IsClinicianAccount]

    @extend_schema(request=None, responses={201: MfaSetupSerializer})
    def post(self, request):
        url, codes = mfa.mfa_setup_start(user=request.user)
        return Response(
            {"otpauth_url": url, "recovery_codes": codes}, status=status.HTTP_201_CREATED
        )


class MfaConfirmView(APIView):
    permission_classes = [IsClinicianAccount]

    @extend_schema(request=MfaConfirmSerializer, responses={204: None})
    def post(self, request):
        data = MfaConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if wait := mfa.mfa_wait_seconds(user=request.user, pending=True):
            raise ValidationError({"otp": [mfa.mfa_wait_message(wait)]})
        if not mfa.mfa_setup_confirm(user=request.user, otp=data.validated_data["otp"]):
            raise ValidationError({"otp": ["This code does not match. Try the newest one."]})
        return Response(status=status.HTTP_204_NO_CONTENT)
