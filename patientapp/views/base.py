"""What every page of the patient app stands on: the visitor's language, the sign-in
checks (patient or caregiver), the page frame (chrome), the CSRF and throttle pages."""

from __future__ import annotations

from functools import wraps
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import recent_auth
from audit.services import access_record
from lib.throttling import PostThrottle

from .. import selectors
from ..wording import SYMPTOM_NAMES, SYMPTOM_QUESTIONS


def visitor_language(request) -> str:
    """Signed out: ?lang= (the enrollment email's link, the language switch), else the
    browser's."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language_from_request(request)


def _language_of(request) -> str:
    patient = getattr(request, "patient", None)
    if patient is not None:
        return patient.language
    return visitor_language(request)


def app_view(view):
    """The page in the patient's language (or the browser's, signed out), never cached."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override(_language_of(request)):
            response = view(request, *args, **kwargs)
            response.headers.setdefault("Content-Language", translation.get_language())
        add_never_cache_headers(response)
        return response

    return wrapper


ACTING_FOR = "acting_patient_id"


def _forbidden(request, reason: str = "clinician"):
    with translation.override(_language_of(request)):
        response = page(request, "patientapp/forbidden.html", {"reason": reason}, status=403)
    add_never_cache_headers(response)
    return response


def patient_required(view):
    """Signed out: to /app/login/. A caregiver acts for the patient chosen in the session (or
    their only one; with several and none chosen, to the "who for?" page). Signed in but
    neither: a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("app:login"))
        request.patient = selectors.acting_patient(request.user, request.session.get(ACTING_FOR))
        request.is_caregiver = request.user.is_caregiver
        if request.patient is None and request.is_caregiver:
            request.session.pop(ACTING_FOR, None)
            if len(selectors.cared_patients(request.user)) > 1:
                return redirect_to_login(
                    request.get_full_path(),
                    login_url=reverse("app:choose"),
                    redirect_field_name="next",
                )
            return _forbidden(request, "no-patients")
        if request.patient is None:
            return _forbidden(request)
        response = app_view(view)(request, *args, **kwargs)
        _record_caregiver_read(request, response)
        return response

    return wrapper


# The app's pages that show a patient's record, by URL name: a caregiver reading them is in
# the patient's access log (issue 23), as a clinician's reads are. The patient's own reads
# are not: the log is of others.
CAREGIVER_READS = {"home", "history", "plan", "checkin-done"}


def _record_caregiver_read(request, response) -> None:
    match = request.resolver_match
    if (
        request.is_caregiver
        and request.method == "GET"
        and 200 <= response.status_code < 300
        and match is not None
        and match.url_name in CAREGIVER_READS
    ):
        access_record(
            actor=request.user,
            patient_ids=[request.patient.pk],
            action=f"app-{match.url_name}",
            request=request,
        )


def patient_only(view):
    """Pages a caregiver never sees (the access log): a 403 page for them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.is_caregiver:
            return _forbidden(request, "patient-only")
        return view(request, *args, **kwargs)

    return wrapper


def password_confirmed_required(view):
    """A sensitive change (who gets texts, a caregiver's access): a session opened by a
    sign-in link gives the password first (accounts/recent_auth.py); nothing changes until
    then, and the page comes back after."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if recent_auth.needs_password(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('app:confirm-password')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def chrome_context(request) -> dict:
    """What the app's base template needs around any page (also the accounts' /app/
    password-reset pages, accounts/views.py): whose pages, the team's numbers."""
    patient = getattr(request, "patient", None)
    team = patient.team if patient else None
    caregiver = patient is not None and getattr(request, "is_caregiver", False)
    return {
        "patient": patient,
        # A caregiver sees whose record it is on every page, and may switch.
        "caregiver": caregiver,
        "can_switch": caregiver and request.session.get(ACTING_FOR) is not None,
        "team": team,
        "emergency_number": (team.emergency_number if team else "")
        or settings.DEFAULT_EMERGENCY_NUMBER,
        "emergency_symptoms": emergency_symptoms_text(),
    }


def page(request, template: str, context: dict | None = None, *, nav: str = "", status=200):
    return render(
        request,
        template,
        {**(context or {}), "nav": nav, **chrome_context(request)},
        status=status,
    )


def emergency_symptoms_text() -> str:
    """ "Chest pain, trouble breathing or bladder or bowel change", from the rules table's
    emergency rules: shown on every page and on the offline waiting screen."""
    emergency = set(selectors.emergency_symptoms())
    names = [str(SYMPTOM_NAMES[code]) for code in SYMPTOM_QUESTIONS if code in emergency]
    names = names[:1] + [name[:1].lower() + name[1:] for name in names[1:]]
    if len(names) < 2:
        return "".join(names)
    return _("%(some)s or %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def throttled(request, scope: str):
    """The API's limits (THROTTLE_RATES) on the app's own forms: a 429 page, or None."""
    throttle = PostThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    wait = max(int(throttle.wait() or 1), 1)
    response = page(request, "patientapp/throttled.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response
