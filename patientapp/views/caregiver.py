"""A caregiver of several patients: "who are you checking in for?"."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors
from .base import ACTING_FOR, page
from .checkin import DRAFT


@require_http_methods(["GET", "POST"])
def choose(request):
    """ "Who are you checking in for?": a caregiver of several patients chooses one, kept in
    the session. Anyone else (or a caregiver of one) goes on to the home page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("app:login"))
    patients = selectors.cared_patients(request.user)
    if len(patients) < 2:
        return redirect("app:home")
    target = request.POST.get("next", request.GET.get("next", ""))
    target = target if target.startswith("/app/") and not target.startswith("//") else ""
    error = ""
    if request.method == "POST":
        chosen = [p for p in patients if str(p.pk) == request.POST.get("patient", "")]
        if chosen:
            if request.session.get(ACTING_FOR) != chosen[0].pk:
                request.session.pop(DRAFT, None)  # a half-done check-in was for someone else
            request.session[ACTING_FOR] = chosen[0].pk
            return redirect(target or reverse("app:home"))
        error = _("Choose the person you are checking in for.")
    request.patient = None
    with translation.override(patients[0].language):
        response = page(
            request,
            "patientapp/choose.html",
            {"patients": patients, "next": target, "error": error, "signed_in": True},
            status=400 if request.method == "POST" else 200,
        )
    add_never_cache_headers(response)
    return response
