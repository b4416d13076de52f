"""The clinicians' second factor: TOTP (an authenticator app) plus one-time recovery codes,
both django-otp devices. Patients are never asked for one."""

import math
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.exceptions import Conflict

from .models import User


class MfaAlreadyEnabled(Conflict):
    default_detail = "A second factor is already set up for this account."


class OtpRequired(Exception):
    """The password was right; the account also needs its one-time code."""


class OtpInvalid(Exception):
    """The one-time code was wrong (or used): a failed login."""


def mfa_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_setup_required(user: User) -> bool:
    """CLINICIAN_MFA=required and this clinician has no second factor yet. One query, only
    when the setting asks for it."""
    return (
        settings.CLINICIAN_MFA == "required"
        and getattr(user, "is_clinician", False)
        and not mfa_enabled(user)
    )


def _otp(value: str) -> str:
    return "".join(value.split()).lower()


@transaction.atomic
def mfa_setup_start(*, user: User) -> tuple[str, list[str]]:
    """A new, unconfirmed authenticator secret and recovery codes; returns the otpauth URL
    and the codes, shown this once. An earlier unfinished setup is replaced."""
    if mfa_enabled(user):
        raise MfaAlreadyEnabled()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    StaticDevice.objects.filter(user=user, confirmed=False).delete()
    totp = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=False)
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return totp.config_url, codes


@transaction.atomic
def mfa_setup_confirm(*, user: User, otp: str) -> bool:
    """Turn the second factor on once a code from the new authenticator matches."""
    totp = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if totp is None or not totp.verify_token(_otp(otp)):
        return False
    TOTPDevice.objects.filter(pk=totp.pk).update(confirmed=True)
    StaticDevice.objects.filter(user=user, confirmed=False).update(confirmed=True)
    return True


@transaction.atomic
def mfa_verify(*, user: User, otp: str):
    """The device that accepts this code (the authenticator, or a recovery code, which is
    then used up), else None. django-otp's own throttling applies per device."""
    otp = _otp(otp)
    if not otp or len(otp) > 32:
        return None
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    for device in devices:
        if device.verify_token(otp):
            return device
    return None


def mfa_wait_seconds(*, user: User, pending: bool = False) -> int:
    """Seconds until django-otp's throttle lets the authenticator try a code again (it
    doubles the wait after each wrong one); 0: now. `pending`: the one being set up. A code
    sent while throttled is refused whatever it is, so the page says to wait, not that the
    code is wrong."""
    devices = TOTPDevice.objects.filter(user=user, confirmed=not pending)
    now = timezone.now()
    waits = [
        (detail["locked_until"] - now).total_seconds()
        for allowed, detail in (device.verify_is_allowed() for device in devices)
        if not allowed and detail and detail.get("locked_until")
    ]
    return math.ceil(max(waits)) if waits and max(waits) > 0 else 0


def mfa_wait_message(wait: int) -> str:
    return f"Too many codes were tried. Wait {wait} seconds, then type the newest code."


def mfa_pending_url(user: User) -> str | None:
    """The otpauth URL of a setup not confirmed yet (shown again after a mistyped code)."""
    totp = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return totp.config_url if totp else None


def qr_svg(url: str) -> str:
    """The otpauth URL as an inline SVG QR code (qrcode's path image: no PIL, no style
    attributes, so it passes the site's Content-Security-Policy)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    # Its own size is in millimetres (about 3 cm): large enough to scan from a screen.
    return re.sub(r'width="[^"]+" height="[^"]+"', 'width="240" height="240"', svg, count=1)
