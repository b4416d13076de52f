"""simplejwt's token views with our abuse limits (tracker/throttling.py)."""

from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from tracker.middleware import client_ip
from tracker.throttling import (
    ScopedThrottle,
    login_failure_record,
    login_success_record,
    login_wait_seconds,
)


class LoginView(TokenObtainPairView):
    throttle_classes = [ScopedThrottle]
    throttle_scope = "login"

    def post(self, request, *args, **kwargs):
        email = request.data.get("email") if isinstance(request.data, dict) else None
        email = email if isinstance(email, str) else None
        ip = client_ip(request)
        wait = login_wait_seconds(email=email, ip=ip)
        if wait:
            raise Throttled(wait=wait, detail="Too many failed logins. Please wait and retry.")
        try:
            response = super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            login_failure_record(email=email, ip=ip)
            raise
        login_success_record(email=email)
        return response


class RefreshView(TokenRefreshView):
    throttle_classes = [ScopedThrottle]
    throttle_scope = "token_refresh"
