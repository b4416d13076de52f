"""Offline: the check-in shell the service worker caches, the worker itself, the manifest,
and the endpoint the offline queue sends to."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lib.exceptions import Conflict
from recovery import services as recovery_services
from recovery.api.checkin_serializers import CheckInInputSerializer, CheckInResultSerializer

from .. import selectors
from ..wording import SYMPTOM_QUESTIONS
from .base import ACTING_FOR, emergency_symptoms_text, patient_required, throttled, visitor_language
from .checkin import checkin_steps, emergency_questions


@require_POST
@patient_required
def checkin_api(request):
    """The offline queue sends here: the API's check-in, with the session and CSRF token
    instead of a JWT (the page that queued it is ours). A replay answers 200, as the API."""
    if throttled(request, "checkin"):
        return JsonResponse({"detail": "Too many check-ins; try again soon."}, status=429)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "Body must be JSON."}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"detail": "Body must be a JSON object."}, status=400)
    # Each queued item names the account that queued it (API.md "Patient app"): one queued
    # by someone else on this phone is refused untouched, and the phone keeps it for them.
    account = body.pop("account", None)
    if account is None:
        return JsonResponse({"account": ["This field is required."]}, status=400)
    if type(account) is not int:
        return JsonResponse({"account": ["Must be an integer."]}, status=400)
    if account != request.user.pk:
        return JsonResponse(
            {"detail": "Queued under another account: it is sent when that account signs in."},
            status=403,
        )
    # The queue names the patient it was made for (a caregiver may have switched since);
    # one outside the caller's care is the API's 400 field error, as POST /api/v1/checkins/.
    patient = request.patient
    if body.get("patient") is not None:
        named = [p for p in _patients_of(request) if p.pk == body["patient"]]
        if not named:
            return JsonResponse({"patient": ["No such patient."]}, status=400)
        patient = named[0]
    serializer = CheckInInputSerializer(data=body, context={"patient": patient})
    if not serializer.is_valid():
        return JsonResponse(serializer.errors, status=400)
    try:
        result = recovery_services.checkin_record(
            patient=patient, data=serializer.validated_data, entered_by=request.user
        )
    except Conflict as exc:
        return JsonResponse({"detail": str(exc.detail)}, status=409)
    answer = CheckInResultSerializer(
        result.checkin, context={"alerts": result.alerts, "guidance": result.guidance}
    ).data
    answer["done_url"] = reverse("app:checkin-done", args=[result.checkin.pk])
    return JsonResponse(answer, status=200 if result.replayed else 201)


def _patients_of(request) -> list:
    if request.is_caregiver:
        return selectors.cared_patients(request.user)
    return [request.patient]


@require_GET
def offline(request):
    """The check-in as one page for the service worker's cache: no health data at all (only
    the signed-in patient's language and their team's emergency number)."""
    patient = (
        selectors.acting_patient(request.user, request.session.get(ACTING_FOR))
        if request.user.is_authenticated
        else None
    )
    language = patient.language if patient else visitor_language(request)
    number = patient.team.emergency_number if patient else settings.DEFAULT_EMERGENCY_NUMBER
    with translation.override(language):
        response = render(
            request,
            "patientapp/offline.html",
            {
                "pain_values": range(11),
                "steps": _offline_steps(),
                "offline_shell": True,
                "emergency_number": number,
                "emergency_symptoms": emergency_symptoms_text(),
            },
        )
    patch_cache_control(response, private=True, max_age=0)
    return response


def _offline_steps() -> list[dict]:
    """The online check-in's questions in its own order (checkin_steps: the emergency signs
    first), as one form; app.js reads the order from it to place answers given online."""
    emergency = set(emergency_questions())
    steps = []
    for step in checkin_steps():
        if step in SYMPTOM_QUESTIONS:
            question, hint = SYMPTOM_QUESTIONS[step]
            steps.append(
                {"code": step, "question": question, "hint": hint, "emergency": step in emergency}
            )
        elif step in ("pain", "temperature", "note"):
            steps.append({"code": step})
    return steps


@require_GET
def service_worker(request):
    path = settings.BASE_DIR / "patientapp" / "static" / "patientapp" / "sw.js"
    response = HttpResponse(path.read_text(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/app/"
    patch_cache_control(response, no_cache=True)
    return response


@require_GET
def manifest(request):
    with translation.override(visitor_language(request)):
        body = {
            "name": _("Recovery tracker"),
            "short_name": _("Recovery"),
            "start_url": "/app/",
            "scope": "/app/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#005eb8",
            "icons": [
                {"src": "/static/patientapp/icon-192.png", "sizes": "192x192", "type": "image/png"},
                {"src": "/static/patientapp/icon-512.png", "sizes": "512x512", "type": "image/png"},
                {"src": "/static/patientapp/icon.svg", "sizes": "any", "type": "image/svg+xml"},
            ],
        }
    return JsonResponse(body, content_type="application/manifest+json")
