"""The letter to the patient's primary-care doctor (PROTOCOL.md section 6, IOF standard 11).

Rendered from a Django template to one A4 page by WeasyPrint. WeasyPrint needs Debian's pango
libraries, so it is imported here, on the first letter, and never at start-up: the rest of the
service runs on a machine without them, and a letter there is a 503 that says why.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from recovery.selectors import latest_procedure

from .selectors import PathwayView


class PdfUnavailable(Exception):
    pass


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
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the pango libraries are missing
        raise PdfUnavailable(
            "The letter cannot be made on this server: the PDF library (WeasyPrint and "
            "its pango libraries) is not installed."
        ) from exc
    return weasyprint.HTML(string=letter_html(view)).write_pdf()
