"""Server-rendered account pages: password reset (patients at /app/, clinicians at
/dashboard/), the dashboard's second sign-in step and second-factor setup. Plain forms that
work without JavaScript."""

from functools import wraps
from types import SimpleNamespace

from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from lib.middleware import client_ip
from lib.throttling import (
    ScopedThrottle,
    login_device,
    login_failure_record,
    login_success_record,
    login_wait_seconds,
)

from . import mfa, passwords
from .forms import NewPasswordForm, OtpForm, PasswordResetRequestForm
from .models import User

# Each audience's pages: where to sign in afterwards, and the base template to extend.
AUDIENCES = {
    "app": {
        "login": "/app/login/",
        "base": "patientapp/base.html",
        "reset": "/app/password-reset/",
    },
    "dashboard": {
        "login": "/dashboard/login/",
        "base": "dashboard/base.html",
        "reset": "/dashboard/password-reset/",
    },
}


def _throttle_wait(request) -> int | None:
    """The API's password_reset rate (THROTTLE_RATES), for the pages too."""
    throttle = ScopedThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope="password_reset")):
        return None
    return int(throttle.wait() or 1)


def audience_page(view):
    """The patient app's pages (audience "app") in its look and in the visitor's language (the
    patient app's base template, emergency number and all); the dashboard's as they were.

    The app's language and page frame come from the URL's kwargs `language` and `chrome`
    (functions of the request, wired in tracker/urls.py): accounts imports no app above it."""

    @wraps(view)
    def wrapper(request, *args, audience: str, language=None, chrome=None, **kwargs):
        if language is None:
            context = chrome(request) if chrome else {}
            return view(request, *args, audience=audience, context=context, **kwargs)
        with translation.override(language(request)):
            context = chrome(request) if chrome else {}
            response = view(request, *args, audience=audience, context=context, **kwargs)
            response.headers.setdefault("Content-Language", translation.get_language())
        return response

    return wrapper


@require_http_methods(["GET", "POST"])
@audience_page
def password_reset_request(request, audience: str, context: dict):
    context = {**context, **AUDIENCES[audience], "audience": audience}
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST":
        wait = _throttle_wait(request)
        if wait:
            form.is_valid()
            form.add_error(
                None, _("Too many requests. Please try again in %(wait)s seconds.") % {"wait": wait}
            )
        elif form.is_valid():
            email = form.cleaned_data["email"]
            passwords.password_reset_request(
                email=email, requester=passwords.reset_requester(request, email)
            )
            return render(request, "accounts/password_reset_sent.html", context)
    return render(request, "accounts/password_reset_request.html", {**context, "form": form})


@require_http_methods(["GET", "POST"])
@audience_page
def password_reset_confirm(request, audience: str, token: str, context: dict):
    context = {**context, **AUDIENCES[audience], "audience": audience}
    user = passwords.reset_token_user(token)
    if user is None:
        return render(request, "accounts/password_reset_invalid.html", context, status=400)
    form = NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_reset_confirm(token=token, password=form.cleaned_data["password"])
        except passwords.InvalidResetToken:
            return render(request, "accounts/password_reset_invalid.html", context, status=400)
        return render(request, "accounts/password_reset_done.html", context)
    return render(request, "accounts/password_reset_confirm.html", {**context, "form": form})


# --- The dashboard's second factor ----------------------------------------------------------

PENDING_KEY = "accounts_mfa_pending"
PENDING_SECONDS = 300


class ClinicianLoginView(LoginView):
    """The dashboard's sign-in. A clinician with a second factor is not signed in yet after
    the password: the session remembers who (for 5 minutes) and the next page asks for the
    code."""

    def form_valid(self, form):
        user = form.get_user()
        if mfa.mfa_enabled(user):
            return mfa_step(self.request, user=user, next_url=self.get_success_url())
        return super().form_valid(form)


def mfa_step(request, *, user: User, next_url: str):
    """The password was right; an account with a second factor gives its code next (the
    login's and an accepted team invitation's way in alike)."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "at": timezone.now().timestamp(),
        "next": next_url,
    }
    return redirect("dashboard:login-otp")


def _pending_user(request) -> tuple[User | None, str]:
    pending = request.session.get(PENDING_KEY) or {}
    if timezone.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        return None, ""
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending.get("next") or reverse("dashboard:patients")


@require_http_methods(["GET", "POST"])
def login_otp(request):
    user, next_url = _pending_user(request)
    if user is None:
        return redirect("dashboard:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        device = login_device(request, email=user.email)
        wait = login_wait_seconds(email=user.email, ip=ip, device=device)
        if wait:
            form.add_error(None, f"Too many failed sign-ins. Please try again in {wait} seconds.")
        elif otp_wait := mfa.mfa_wait_seconds(user=user):
            form.add_error("otp", mfa.mfa_wait_message(otp_wait))
        else:
            otp_device = mfa.mfa_verify(user=user, otp=form.cleaned_data["otp"])
            if otp_device is None:
                # A wrong code counts as a failed sign-in, like a wrong password.
                login_failure_record(email=user.email, ip=ip, device=device)
                form.add_error("otp", "This code is wrong or used. Try the newest one.")
            else:
                login_success_record(email=user.email, device=device)
                request.session.pop(PENDING_KEY, None)
                user.backend = "django.contrib.auth.backends.ModelBackend"
                auth_login(request, user)
                otp_login(request, otp_device)
                return redirect(next_url)
    return render(request, "accounts/login_otp.html", {"form": form})


@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    """Turn the second factor on: the otpauth URL as text and as a QR code, the recovery
    codes once, then a code from the app to confirm. Clinicians only."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('dashboard:login')}?next={request.path}")
    if not request.user.is_clinician:
        return render(request, "dashboard/forbidden.html", status=403)
    if mfa.mfa_enabled(request.user):
        return render(request, "accounts/mfa_enabled.html", {"nav": "mfa"})
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if wait := mfa.mfa_wait_seconds(user=request.user, pending=True):
            form.add_error("otp", mfa.mfa_wait_message(wait))
        elif mfa.mfa_setup_confirm(user=request.user, otp=form.cleaned_data["otp"]):
            return render(request, "accounts/mfa_enabled.html", {"nav": "mfa", "just_now": True})
        else:
            form.add_error("otp", "This code does not match. Try the newest one.")
        # The same secret stays (shown again); the recovery codes were shown already.
        url = mfa.mfa_pending_url(request.user)
        context = {"form": form, "nav": "mfa", "otpauth_url": url}
        if url:
            context["qr_svg"] = mfa.qr_svg(url)
        return render(request, "accounts/mfa_setup.html", context)
    with transaction.atomic():
        url, codes = mfa.mfa_setup_start(user=request.user)
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "mfa_required": mfa.mfa_setup_required(request.user),
            "form": OtpForm(),
            "nav": "mfa",
            "otpauth_url": url,
            "qr_svg": mfa.qr_svg(url),
            "recovery_codes": codes,
        },
    )
