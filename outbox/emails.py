"""Render an email from its subject/text/HTML template trio (like healthchecks' emails.py)."""

from django.conf import settings
from django.template.loader import render_to_string


def render(template: str, context: dict) -> tuple[str, str, str]:
    """Return (subject, text, html) from templates/<template>-{subject,body}.{txt,html}."""
    context = {"site_url": settings.SITE_URL, **context}
    # Subject and text through the "text" engine (settings.TEMPLATES): no HTML escaping.
    subject = render_to_string(f"{template}-subject.txt", context, using="text")
    subject = subject.strip().replace("\n", " ")
    text = render_to_string(f"{template}-body.txt", context, using="text")
    html = render_to_string(f"{template}-body.html", context)
    return subject, text, html
