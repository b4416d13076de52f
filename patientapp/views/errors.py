"""The pages a patient or caregiver meets when something goes wrong (400, 403, 404, 500) and
the stale-form 403: each shows the team's emergency number as a working `tel:` link, or the
service's default when there is no team to read (signed out, or the database is down)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

from .. import selectors
from .base import ACTING_FOR, chrome_context, emergency_symptoms_text, visitor_language

logger = logging.getLogger(__name__)

TITLES = {400: "bad-request", 403: "forbidden", 404: "not-found", 500: "server-error"}


def for_patients(request) -> bool:
    """The patient app's pages (not its JSON endpoint); elsewhere the API answers JSON and
    the dashboard keeps Django's pages."""
    return request.path.startswith("/app/") and not request.path.startswith("/app/api/")


def _acting_patient(request):
    """Whose team's number to show. Never raises: an error page must render even when the
    session or the database cannot be read."""
    patient = getattr(request, "patient", None)
    if patient is not None:
        return patient
    try:
        user = request.user
        if not user.is_authenticated:
            return None
        return selectors.acting_patient(user, request.session.get(ACTING_FOR))
    except Exception:  # noqa: BLE001 - the page must still show the default number
        logger.warning("error page: could not read the signed-in patient", exc_info=True)
        return None


def error_page(request, template: str, *, status: int, context: dict | None = None):
    patient = _acting_patient(request)
    request.patient = patient
    request.is_caregiver = patient is not None and getattr(request.user, "is_caregiver", False)
    language = patient.language if patient is not None else visitor_language(request)
    with translation.override(language):
        try:
            chrome = chrome_context(request)
        except Exception:  # noqa: BLE001
            logger.warning("error page: no page frame", exc_info=True)
            chrome = {"emergency_number": settings.DEFAULT_EMERGENCY_NUMBER}
        chrome.setdefault("emergency_symptoms", emergency_symptoms_text())
        response = render(request, template, {**(context or {}), **chrome}, status=status)
        response.headers.setdefault("Content-Language", translation.get_language())
    add_never_cache_headers(response)
    return response


def _problem(request, status: int, default_view, exception=None):
    if not for_patients(request):
        if exception is None:
            return default_view(request)
        return default_view(request, exception)
    return error_page(
        request, "patientapp/error.html", status=status, context={"kind": TITLES[status]}
    )


def bad_request(request, exception=None):
    return _problem(request, 400, defaults.bad_request, exception)


def permission_denied(request, exception=None):
    return _problem(request, 403, defaults.permission_denied, exception)


def page_not_found(request, exception=None):
    return _problem(request, 404, defaults.page_not_found, exception)


def server_error(request):
    """A 500 renders with the least it can: no database, the default number when the team
    cannot be read, and a plain text fallback if even the template fails."""
    if not for_patients(request):
        return defaults.server_error(request)
    try:
        return error_page(
            request, "patientapp/error.html", status=500, context={"kind": "server-error"}
        )
    except Exception:  # noqa: BLE001
        logger.exception("error page: the 500 page failed")
        number = settings.DEFAULT_EMERGENCY_NUMBER
        body = render_to_string("patientapp/error_plain.html", {"emergency_number": number})
        return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    """A form sent without its security token (an old page, or not from us): say so plainly,
    with the emergency number. Outside the patient app, Django's own page as before."""
    if not request.path.startswith("/app/"):
        return django_csrf_failure(request, reason=reason)
    if request.path.startswith("/app/api/"):
        return JsonResponse({"detail": "CSRF check failed; reload the page."}, status=403)
    return error_page(request, "patientapp/csrf_failure.html", status=403)
