"""Writes of the patient app: sign-in links, and the patient's own preferences.

Check-ins go through recovery.services.checkin_record, exactly as the API's do; nothing here
judges a check-in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from recovery import services as recovery_services
from recovery.choices import PatientStatus
from recovery.models import Patient
from reminders import services as reminder_services

from .models import SignInLink


def signin_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signin_link_expiry(*, patient: Patient, now: datetime) -> datetime:
    """The end of the patient's local day the link is sent on, and at least the minimum."""
    local = now.astimezone(patient.tz)
    end_of_day = datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=patient.tz)
    return max(end_of_day, now + timedelta(hours=settings.SIGNIN_LINK_MIN_HOURS))


def signin_link_issue(
    *,
    patient: Patient,
    user=None,
    purpose: str = SignInLink.Purpose.CHECKIN,
    now: datetime | None = None,
) -> str:
    """Store a new single-use link for the patient and return its token (only shown once).
    `user`: a caregiver the link is for (it signs them in, acting for the patient)."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        patient=patient,
        user=user,
        purpose=purpose,
        token_digest=signin_digest(token),
        created_at=now,
        expires_at=signin_link_expiry(patient=patient, now=now),
    )
    return token


def signin_links_issue(
    *, wanted: list[tuple[Patient, object]], purpose: str = SignInLink.Purpose.CHECKIN
) -> list[str]:
    """signin_link_issue for many (patient, user or None) at once, in one INSERT: a dispatcher
    queueing a batch of reminders. Returns the tokens in the order asked."""
    now = timezone.now()
    tokens = [secrets.token_urlsafe(32) for _ in wanted]
    SignInLink.objects.bulk_create(
        SignInLink(
            patient=patient,
            user=user,
            purpose=purpose,
            token_digest=signin_digest(token),
            created_at=now,
            expires_at=signin_link_expiry(patient=patient, now=now),
        )
        for (patient, user), token in zip(wanted, tokens, strict=True)
    )
    return tokens


def signin_link_url(token: str) -> str:
    return f"{settings.SITE_URL}/app/l/{token}/"


def _usable(token: str, purpose: str, now: datetime):
    return SignInLink.objects.filter(
        token_digest=signin_digest(token), purpose=purpose, used_at=None, expires_at__gt=now
    )


def _still_allowed(link: SignInLink | None) -> SignInLink | None:
    """A link works only while it can sign someone in: not for a discharged patient or an
    inactive account (it is then left unspent, issue 23), and a caregiver's only while they
    still help the patient (an active care link, asked now: revoking after the email was
    sent stops it)."""
    if link is None:
        return None
    if link.patient.status == PatientStatus.DISCHARGED or not link.patient.user.is_active:
        return None
    if not link.user_id:
        return link
    from recovery.selectors import patients_for

    if not link.user.is_active or not patients_for(link.user).filter(pk=link.patient_id).exists():
        return None
    return link


def signin_link_peek(*, token: str, purpose: str = SignInLink.Purpose.CHECKIN) -> SignInLink | None:
    """The link if it can still be used; reading it changes nothing (mail scanners GET it)."""
    link = _usable(token, purpose, timezone.now()).select_related("patient__user", "user").first()
    return _still_allowed(link)


@transaction.atomic
def signin_link_use(*, token: str, purpose: str = SignInLink.Purpose.CHECKIN) -> SignInLink | None:
    """Spend the link: the one conditional UPDATE that changes the row wins. The link names
    whom it signs in (`signs_in`) and for which patient."""
    now = timezone.now()
    link = _still_allowed(
        _usable(token, purpose, now).select_related("patient__user", "user").first()
    )
    if link is None or not _usable(token, purpose, now).filter(pk=link.pk).update(used_at=now):
        return None
    return link


# Used and expired links are kept a few days (to tell "used" from "unknown" while someone
# might still click), then deleted in bulk by the beat task patientapp.tasks.
SIGNIN_LINK_KEEP_DAYS = 3


def signin_links_prune(
    *, now: datetime | None = None, keep_days: int = SIGNIN_LINK_KEEP_DAYS
) -> int:
    """Delete links expired more than `keep_days` ago, and used ones used that long ago, in
    one DELETE. Returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    # Nothing refers to a link and it has no signals: Django deletes it in one statement.
    deleted, _ = SignInLink.objects.filter(
        Q(expires_at__lt=cutoff) | Q(used_at__lt=cutoff)
    ).delete()
    return deleted


@transaction.atomic
def patient_preferences_update(*, patient: Patient, data: dict, wanted_kinds: set[str]) -> None:
    """Reminder hour, time zone, language and which reminders to get (re-plans as needed)."""
    changed = {name: value for name, value in data.items() if getattr(patient, name) != value}
    if changed:
        recovery_services.patient_update(patient=patient, data=changed)
    reminder_services.reminder_kinds_set(patient=patient, wanted=wanted_kinds)
