"""The enrolment handout: the code, the activation link and its QR code (SVG, no Pillow)."""

from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe


def activation_url(code: str) -> str:
    return f"{settings.SITE_URL}/app/activate/?{urlencode({'code': code})}"


def qr_svg(text: str) -> SafeString:
    """An SVG QR code of `text`. Safe to inline: the library writes only path data and
    numbers, never the text itself."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code of the link" ', 1))  # noqa: S308
