"""One place that maps domain exceptions to HTTP answers (STYLE.md section 4)."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the request; subclasses name the HTTP status."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request could not be carried out."

    def __init__(self, detail: str | None = None):
        self.detail = detail or self.default_detail
        super().__init__(self.detail)


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."


class MfaSetupRequired(exceptions.PermissionDenied):
    """CLINICIAN_MFA=required and the clinician has no second factor yet (API.md)."""


class PasswordRequired(exceptions.PermissionDenied):
    """A change made with a sign-in link's session cookie before the password was given
    again (accounts/recent_auth.py)."""

    default_detail = "Confirm your password in the app first."


def exception_handler(exc, context):
    if isinstance(exc, MfaSetupRequired):
        return Response({"mfa_setup_required": True}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, PasswordRequired):
        return Response(
            {"detail": str(exc.detail), "password_required": True},
            status=status.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, DomainError):
        return Response({"detail": exc.detail}, status=exc.status_code)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database went away (restart, failover): retryable, nothing was half-written
        # since every write is one transaction.
        logger.warning("database unavailable: %s", type(exc).__name__)
        response = Response(
            {"detail": "The service is briefly unavailable. Please try again shortly."},
            status=503,
        )
        response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
        return response
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "Request body is too large."}, status=413)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    return drf_exception_handler(exc, context)
