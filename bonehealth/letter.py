"""The letter to the patient's primary-care doctor (PROTOCOL.md section 6, IOF standard 11).

Rendered from a Django template to one A4 page by WeasyPrint (lib/pdf.py: without Debian's
pango libraries a letter is a 503 that says why).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from lib import pdf
from recovery.selectors import latest_procedure

from .selectors import PathwayView

# Raised when the server cannot make PDFs (the views answer 503).
PdfUnavailable = pdf.PdfUnavailable


def letter_context(view: PathwayView) -> dict:
    patient = view.patient
    record = view.record
    return {
        "team": patient.team,
        "patient": patient,
        "record": record,
        "procedure": latest_procedure(patient),
        "index_date": view.index_date,
        "treatment": record.get_treatment_display() if record.treatment else None,
        "today": timezone.now().astimezone(patient.team.tz).date(),
        "milestones": view.milestones,
    }


def letter_html(view: PathwayView) -> str:
    return render_to_string("bonehealth/gp_letter.html", letter_context(view))


def letter_pdf(view: PathwayView) -> bytes:
    return pdf.html_to_pdf(letter_html(view), what="The letter")
