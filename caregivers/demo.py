"""The demo's caregiver (called by seed_demo through DEMO_SEEDERS): Ann Hill, Margaret Hill's
daughter, with an accepted invitation, copies of the reminders, and the latest two of
Margaret's check-ins entered by her. Idempotent: it adds nothing once Ann exists."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from recovery.models import CareTeam, CheckIn, Patient

from . import tokens
from .models import CareLink

CAREGIVER_EMAIL = "ann.hill@demo.example"
PATIENT_EMAIL = "margaret.hill@demo.example"


def seed_caregiver(*, team: CareTeam, clinician: User, password: str) -> bool:
    """Returns whether it added anything."""
    margaret = Patient.objects.filter(team=team, user__email=PATIENT_EMAIL).first()
    if margaret is None or User.objects.filter(email=CAREGIVER_EMAIL).exists():
        return False
    with transaction.atomic():
        ann = User.objects.create_user(
            email=CAREGIVER_EMAIL,
            password=password,
            role=User.Role.CAREGIVER,
            first_name="Ann",
            last_name="Hill",
        )
        now = timezone.now()
        CareLink.objects.create(
            patient=margaret,
            caregiver=ann,
            email=ann.email,
            name="Ann Hill",
            relationship="daughter",
            status=CareLink.Status.ACTIVE,
            receives_reminders=True,
            phone="+12025550143",
            invited_by=margaret.user,
            accepted_at=now,
            token_hash=tokens.digest(tokens.generate()),
            token_expires_at=now,
            token_used_at=now,
        )
        latest = margaret.checkins.order_by("-recorded_at").values_list("pk", flat=True)[:2]
        CheckIn.objects.filter(pk__in=list(latest)).update(entered_by=ann)
    return True
