"""Writes of the caregiver life cycle: invitation, acceptance, reminder choice, revocation."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from lib.exceptions import DomainError
from outbox.services import email_queue, messages_cancel
from recovery.models import Patient
from recovery.services import PatientDeceased
from reminders.calendar_feeds import calendar_feed_rotate

from . import tokens
from .copies import LINK_HEADER
from .models import CaregiverReminderOptOut, CareLink

INVITATION_DAYS = 14


class InvitationUnusable(DomainError):
    """The link is unknown, used, expired or revoked; `reason` says which, for the page."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"This invitation cannot be used ({reason}).")


class WrongAccountRole(DomainError):
    default_detail = (
        "This address belongs to a patient's or a care team's account. A caregiver needs an "
        "account of their own: ask for the invitation to be sent to another address."
    )


class AccountExists(DomainError):
    default_detail = "An account with this address exists already: sign in to link it."


class AlreadyLinked(DomainError):
    default_detail = "This account already helps this patient."


def accept_url_prefix() -> str:
    return f"{settings.SITE_URL}/app/caregiver/accept/"


def accept_url(token: str) -> str:
    return f"{accept_url_prefix()}{token}/"


# --- Invitation ----------------------------------------------------------------------------


# What a person typed may reach another person's inbox only as plain words: no link, no
# address, no second line (issue 23, low 12). Our own link is the only one in the email.
_LINK_LIKE = re.compile(
    r"\S*(?:[a-z][a-z0-9+.-]*:/+|www\.|@)\S*"  # a URL with a scheme, www., an email address
    r"|\S*\b[\w-]+(?:\.[\w-]+)*\.(?:[a-z]{2,24})(?:[/:?#]\S*)?(?=\W|$)",  # a bare domain
    re.IGNORECASE,
)


def inert_text(value: str, *, limit: int) -> str:
    """Free text as inert words: control and format characters (bidi overrides included)
    dropped, every line break folded into a space, link-like runs taken out, then cut to
    `limit` characters. HTML escaping is the template's."""
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in value
        if unicodedata.category(ch) != "Cf"
    )
    text = _LINK_LIKE.sub(" ", text)
    text = " ".join(text.split())
    return text[:limit].rstrip()


@transaction.atomic
def carelink_invite(
    *, patient: Patient, email: str, name: str, relationship: str, invited_by: User
) -> CareLink:
    """Store the invitation and email its single-use link (the email row in this transaction,
    its wake-up after commit). Whoever the address belongs to: the answer never tells."""
    if patient.is_deceased:
        raise PatientDeceased()
    now = timezone.now()
    token = tokens.generate()
    link = CareLink.objects.create(
        patient=patient,
        email=email,
        name=name,
        relationship=relationship,
        invited_by=invited_by,
        created_at=now,
        token_hash=tokens.digest(token),
        token_expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    email_queue(
        to=email,
        template="caregivers/email/invitation",
        context={
            "name": inert_text(name, limit=80),
            "relationship": inert_text(relationship, limit=40),
            # Initials only: the address was typed by someone else and may be wrong.
            "patient_initials": patient.initials,
            "by_team": not invited_by.is_patient,
            # The link is "{{ url_prefix }}{{ secret }}/": the token goes in at send time and is
            # forgotten once sent, so the stored bodies never hold it (outbox.email_queue).
            "url_prefix": accept_url_prefix(),
            "days": INVITATION_DAYS,
        },
        category="caregiver-invitation",
        headers={LINK_HEADER: str(link.pk)},
        secret=token,
    )
    return link


def invitation_get(token: str, *, lock: bool = False) -> CareLink:
    """The invitation a link names, while it can still be accepted."""
    links = CareLink.objects.select_related("patient")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=tokens.digest(token)).first()
    if link is None:
        raise InvitationUnusable("unknown")
    if link.status == CareLink.Status.REVOKED:
        raise InvitationUnusable("revoked")
    if link.token_used_at is not None or link.status != CareLink.Status.INVITED:
        raise InvitationUnusable("used")
    if link.token_expires_at <= timezone.now():
        raise InvitationUnusable("expired")
    return link


def invitation_peek(token: str) -> CareLink | None:
    """The invitation a link names, whatever its state (for the page's language only)."""
    return (
        CareLink.objects.select_related("patient").filter(token_hash=tokens.digest(token)).first()
    )


def _activate(link: CareLink, *, user: User) -> CareLink:
    now = timezone.now()
    link.caregiver = user
    link.status = CareLink.Status.ACTIVE
    link.accepted_at = link.token_used_at = now
    link.save(update_fields=["caregiver", "status", "accepted_at", "token_used_at"])
    return link


@transaction.atomic
def invitation_accept_new(*, token: str, password: str) -> tuple[CareLink, User]:
    """A new caregiver account at the invitation's address, with this password."""
    link = invitation_get(token, lock=True)
    existing = User.objects.filter(email=link.email).first()
    if existing is not None:
        raise WrongAccountRole() if not existing.is_caregiver else AccountExists()
    first, _, last = link.name.strip().partition(" ")
    user = User(email=link.email, role=User.Role.CAREGIVER, first_name=first, last_name=last)
    validate_password(password, user=user)  # a Django ValidationError: the page shows it
    user.set_password(password)
    user.save()
    return _activate(link, user=user), user


@transaction.atomic
def invitation_accept_existing(*, token: str, user: User) -> CareLink:
    """Link the invitation to a caregiver account that exists (one caregiver, many patients)."""
    link = invitation_get(token, lock=True)
    if not user.is_caregiver:
        raise WrongAccountRole()
    if CareLink.objects.filter(
        patient=link.patient, caregiver=user, status=CareLink.Status.ACTIVE
    ).exists():
        raise AlreadyLinked()
    return _activate(link, user=user)


# --- The patient's choices and revocation --------------------------------------------------


def caregiver_phone_set(*, user: User, phone: str, texts: bool) -> int:
    """The caregiver's phone and yes to texts, on each of their active links (the team of
    each patient calls the same person). A yes keeps the time it was first given."""
    links = CareLink.objects.filter(caregiver=user, status=CareLink.Status.ACTIVE)
    consent = None
    if texts and phone:
        consent = (
            links.filter(phone=phone, sms_consent_at__isnull=False)
            .values_list("sms_consent_at", flat=True)
            .first()
            or timezone.now()
        )
    return links.update(phone=phone, sms_consent_at=consent)


def carelink_update(*, link: CareLink, **choices: bool) -> CareLink:
    """Set the patient's choices (receives_reminders, receives_alerts) for one caregiver."""
    for name, value in choices.items():
        setattr(link, name, value)
    link.save(update_fields=list(choices))
    return link


@transaction.atomic
def carelink_revoke(*, link: CareLink, by: User) -> CareLink:
    """Revoke at once; revoking a revoked link changes nothing.

    Nothing else needs ending: every caregiver read asks this table on each request
    (recovery.selectors.patients_for), so their tokens and sessions lose this patient on the
    next request, and reminder copies are chosen from active links when a reminder is sent.
    The calendar URL is a bearer secret the caregiver may have kept: it is replaced.
    """
    link = CareLink.objects.select_for_update().get(pk=link.pk)
    if link.status == CareLink.Status.REVOKED:
        return link
    was_active = link.status == CareLink.Status.ACTIVE
    link.status = CareLink.Status.REVOKED
    link.revoked_at = timezone.now()
    link.revoked_by = by
    link.save(update_fields=["status", "revoked_at", "revoked_by"])
    if was_active:
        calendar_feed_rotate(patient=link.patient)
    # Its emails not yet sent (the invitation, copies of reminders) are not sent at all.
    messages_cancel(
        reason="the caregiver's access was revoked", headers={LINK_HEADER: str(link.pk)}
    )
    return link


def caregiver_opt_out(*, link: CareLink, kind: str) -> CaregiverReminderOptOut:
    """Stop this caregiver's copies of one kind (or "all"); the patient's reminders go on."""
    opt_out, _ = CaregiverReminderOptOut.objects.get_or_create(link=link, kind=kind)
    return opt_out
