"""HTML to PDF by WeasyPrint (the GP letter, the patient's printable record).

WeasyPrint needs Debian's pango libraries, so it is imported on the first PDF, never at
start-up: the rest of the service runs on a machine without them, and a PDF there is a 503
that says why.
"""

from __future__ import annotations


class PdfUnavailable(Exception):
    pass


def html_to_pdf(html: str, *, what: str = "The PDF") -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the pango libraries are missing
        raise PdfUnavailable(
            f"{what} cannot be made on this server: the PDF library (WeasyPrint and "
            "its pango libraries) is not installed."
        ) from exc
    return weasyprint.HTML(string=html).write_pdf()
