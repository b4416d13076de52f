"""Render an SMS body from its one plain-text template (no subject, no HTML)."""

from django.conf import settings
from django.template.loader import render_to_string


def render_sms(template: str, context: dict) -> str:
    """Return the body from templates/<template>-sms.txt (or <template>.sms.txt), trimmed and
    on one line: a text message has no layout, and every character counts."""
    context = {"site_url": settings.SITE_URL, **context}
    text = render_to_string([f"{template}-sms.txt", f"{template}.sms.txt"], context, using="text")
    return " ".join(text.split())
