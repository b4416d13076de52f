"""Signing in and out: the login form, the enrollment code, the emailed sign-in link."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import recent_auth
from recovery import services as recovery_services

from .. import services
from ..forms import ActivateForm, ConfirmPasswordForm, PatientLoginForm
from .base import ACTING_FOR, app_view, page, patient_required, throttled

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _after_login(request, user, *, via_link: bool = False):
    login(request, user, backend=BACKEND)
    recent_auth.session_opened(request, via_link=via_link)


@app_view
@require_http_methods(["GET", "POST"])
def login_view(request):
    signed_in = request.user.is_authenticated and (
        request.user.is_patient or request.user.is_caregiver
    )
    if signed_in and request.method == "GET":
        return redirect("app:home")
    form = PatientLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        _after_login(request, form.get_user())
        target = request.POST.get("next", "")
        return redirect(target if target.startswith("/app/") else reverse("app:home"))
    status = 400 if request.method == "POST" else 200
    return page(
        request,
        "patientapp/login.html",
        {"form": form, "next": request.GET.get("next", request.POST.get("next", ""))},
        status=status,
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("app:login")


@app_view
@require_http_methods(["GET", "POST"])
def activate(request):
    if request.method == "POST" and (refused := throttled(request, "activate")):
        return refused
    form = ActivateForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = recovery_services.enrollment_activate(
                code=form.cleaned_data["code"].strip(), password=form.cleaned_data["password"]
            )
        except recovery_services.InvalidEnrollmentCode:
            form.add_error(
                "code",
                _(
                    "This code is not right, was used already or has run out. Check it, or ask "
                    "your care team for a new one."
                ),
            )
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            _after_login(request, user)
            return redirect("app:checkin")
    status = 400 if request.method == "POST" else 200
    return page(request, "patientapp/activate.html", {"form": form}, status=status)


@app_view
@require_http_methods(["GET", "POST"])
def signin_link(request, token: str):
    """GET shows who the link is for and signs nobody in (mail scanners open links)."""
    if request.method == "POST" and (refused := throttled(request, "activate")):
        return refused
    link = services.signin_link_peek(token=token)
    if request.method == "POST" and link is not None:
        link = services.signin_link_use(token=token)
        if link is not None:
            if request.user.is_authenticated and request.user != link.signs_in:
                logout(request)
            _after_login(request, link.signs_in, via_link=True)
            if link.user_id:
                request.session[ACTING_FOR] = link.patient_id
            return redirect("app:checkin")
    if link is None:
        return page(request, "patientapp/link_invalid.html", {"form": PatientLoginForm(request)})
    with translation.override(link.patient.language):
        return page(
            request,
            "patientapp/link.html",
            {"link_patient": link.patient, "link_user": link.user if link.user_id else None},
        )


@require_http_methods(["GET", "POST"])
@patient_required
def confirm_password(request):
    """The password again, before a change a sign-in link's session may not make alone."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/app/"):
        target = reverse("app:settings")
    form = ConfirmPasswordForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        recent_auth.password_confirmed(request)
        return redirect(target)
    status = 400 if request.method == "POST" else 200
    return page(
        request,
        "patientapp/confirm_password.html",
        {"form": form, "next": target},
        nav="more",
        status=status,
    )
