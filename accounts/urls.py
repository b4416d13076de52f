from django.urls import path

from . import api

urlpatterns = [
    path("auth/password-reset/", api.PasswordResetView.as_view(), name="password-reset"),
    path(
        "auth/password-reset/confirm/",
        api.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("me/mfa/", api.MfaView.as_view(), name="me-mfa"),
    path("me/mfa/confirm/", api.MfaConfirmView.as_view(), name="me-mfa-confirm"),
]
