"""The patient's record as a printable PDF ("Download my record", beside the FHIR file):
their procedures, check-ins and plan, in their own language, large and plain."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from lib.pdf import PdfUnavailable, html_to_pdf
from reminders import selectors as reminder_selectors
from reminders.plan import ITEMS

from .. import selectors
from ..wording import REMINDER_STATUS, SYMPTOM_NAMES
from .base import patient_only, patient_required


def record_context(request) -> dict:
    patient = request.patient
    checkins = selectors.own_checkins(request.user, patient).order_by("-recorded_at")
    _procedure, reminders = reminder_selectors.plan_get(patient)
    return {
        "patient": patient,
        "made": timezone.now().astimezone(patient.tz),
        "procedures": selectors.own_procedures(request.user, patient).order_by("-performed_on"),
        "checkins": [
            {
                "when": checkin.recorded_at.astimezone(patient.tz),
                "pain": checkin.pain_score,
                "temperature_c": checkin.temperature_c,
                "symptoms": [str(SYMPTOM_NAMES.get(code, code)) for code in checkin.symptoms],
                "notes": checkin.notes,
            }
            for checkin in checkins
        ],
        "reminders": [
            {
                "day": reminder.due_at.astimezone(patient.tz).date(),
                "title": ITEMS[reminder.kind].title,
                "status": REMINDER_STATUS.get(reminder.status, reminder.status),
            }
            for reminder in reminders
            if reminder.status != "cancelled"
        ],
    }


@require_GET
@patient_required
@patient_only
def record_pdf(request):
    with translation.override(request.patient.language):
        html = render_to_string("patientapp/record_print.html", record_context(request))
        try:
            pdf = html_to_pdf(html, what="Your record")
        except PdfUnavailable as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-recovery-record.pdf"'
    add_never_cache_headers(response)
    return response
