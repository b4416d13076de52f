"""The secret URL of a patient's iCalendar feed (reminders/calendar.py draws the feed)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac

from recovery.models import Patient

from .models import CalendarFeed

CALENDAR_SALT = "reminders.calendar"


def _calendar_token(*, patient_id: int, nonce: str) -> str:
    return salted_hmac(CALENDAR_SALT, f"{patient_id}:{nonce}", algorithm="sha256").hexdigest()


def calendar_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _calendar_feed_values(patient_id: int) -> dict:
    nonce = get_random_string(32)
    token = _calendar_token(patient_id=patient_id, nonce=nonce)
    return {"nonce": nonce, "token_digest": calendar_digest(token), "created_at": timezone.now()}


def calendar_feed_get_or_create(*, patient: Patient) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(patient=patient).first()
    if feed is None:
        feed, _ = CalendarFeed.objects.get_or_create(
            patient=patient, defaults=_calendar_feed_values(patient.pk)
        )
    return feed


@transaction.atomic
def calendar_feed_rotate(*, patient: Patient) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    feed, _ = CalendarFeed.objects.update_or_create(
        patient=patient, defaults=_calendar_feed_values(patient.pk)
    )
    return feed


def calendar_url(*, feed: CalendarFeed) -> str:
    token = _calendar_token(patient_id=feed.patient_id, nonce=feed.nonce)
    return f"{settings.SITE_URL}/calendar/{token}.ics"
