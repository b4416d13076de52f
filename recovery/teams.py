"""Teams run themselves: admins invite and remove clinicians and edit the team's settings.

An admin is a flag on the membership (TeamMembership.is_admin), not a role: a clinician is
a clinician everywhere else. Invitations are single-use links stored as a keyed hash; the
email goes through the outbox (a row in the transaction, the wake-up after commit).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import account_sign_out_everywhere
from lib.exceptions import Conflict, DomainError
from outbox.services import email_queue

from .models import CareTeam, TeamInvitation, TeamMembership, TeamSettingsVersion
from .rules import SETTING_SPECS, settings_errors

logger = logging.getLogger(__name__)


class NotTeamAdmin(DomainError):
    default_detail = "Only an admin of this team may do that."


class LastAdmin(Conflict):
    default_detail = "A team needs at least one admin: make someone else an admin first."


class InvalidInvitation(DomainError):
    default_detail = "This invitation link is wrong, used or expired."


class InvitationAddressRefused(DomainError):
    default_detail = (
        "This address cannot join a care team. Ask for an invitation to another address."
    )


# --- Settings ------------------------------------------------------------------------------

# The team's own fields edited with its settings (and versioned with them). The phone and
# emergency numbers are checked and normalised by CareTeam.clean() (recovery/phones.py).
TEAM_FIELDS: tuple[str, ...] = ("timezone", "phone", "emergency_number", "temperature_unit")


def team_snapshot(team: CareTeam) -> dict:
    """What a settings version compares: the team's fields and its rule settings."""
    return {
        **{name: getattr(team, name) for name in TEAM_FIELDS},
        **{f"rule:{name}": value for name, value in (team.rule_settings or {}).items()},
    }


@transaction.atomic
def team_settings_update(
    *, team: CareTeam, by: User, fields: dict, rule_settings: dict
) -> TeamSettingsVersion | None:
    """Replace the team's fields and rule-setting overrides; keep the change as a version.

    `rule_settings` holds the overrides only (a setting left out follows the protocol's
    default). Nothing is written when nothing changed. Raises DomainError on a value
    SETTING_SPECS refuses, before anything is written.
    """
    errors = settings_errors(rule_settings)
    if errors:
        raise DomainError("; ".join(errors))
    if set(fields) - set(TEAM_FIELDS):
        raise DomainError("Unknown team field.")
    locked = CareTeam.objects.select_for_update().get(pk=team.pk)
    _require_admin(team=locked, user=by)
    before = team_snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.rule_settings = {
        name: rule_settings[name] for name in SETTING_SPECS if name in rule_settings
    }
    # Before comparing: clean() normalises the phone numbers (a number typed differently is
    # not a change), and a refused value raises before anything is written.
    locked.full_clean(exclude=["name"])
    after = team_snapshot(locked)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    if not changed:
        return None
    locked.save(update_fields=[*TEAM_FIELDS, "rule_settings"])
    team.rule_settings = locked.rule_settings
    for name in TEAM_FIELDS:
        setattr(team, name, getattr(locked, name))
    return TeamSettingsVersion.objects.create(
        team=locked,
        changed_by=by,
        old={key: before[key] for key in sorted(changed) if key in before},
        new={key: after[key] for key in sorted(changed) if key in after},
    )


# --- Membership ----------------------------------------------------------------------------


def _require_admin(*, team: CareTeam, user: User) -> None:
    if not TeamMembership.objects.filter(careteam=team, user=user, is_admin=True).exists():
        raise NotTeamAdmin()


@transaction.atomic
def team_member_remove(*, team: CareTeam, by: User, user: User) -> bool:
    """Take `user` off the team. Returns whether they were on it. Their sessions and refresh
    tokens end at once; what they see through their other teams is unchanged at next sign-in."""
    CareTeam.objects.select_for_update().filter(pk=team.pk).first()
    _require_admin(team=team, user=by)
    membership = TeamMembership.objects.filter(careteam=team, user=user).first()
    if membership is None:
        return False
    if (
        membership.is_admin
        and not TeamMembership.objects.filter(careteam=team, is_admin=True)
        .exclude(user=user)
        .exists()
    ):
        raise LastAdmin()
    membership.delete()
    account_sign_out_everywhere(user=user)
    logger.info("clinician %s removed from team %s by %s", user.pk, team.pk, by.pk)
    return True


@transaction.atomic
def team_admin_set(*, team: CareTeam, by: User, user: User, is_admin: bool) -> None:
    CareTeam.objects.select_for_update().filter(pk=team.pk).first()
    _require_admin(team=team, user=by)
    if not is_admin and not (
        TeamMembership.objects.filter(careteam=team, is_admin=True).exclude(user=user).exists()
    ):
        raise LastAdmin()
    TeamMembership.objects.filter(careteam=team, user=user).update(is_admin=is_admin)


# --- Invitations ---------------------------------------------------------------------------


def invitation_digest(token: str) -> str:
    key = f"team-invitation:{settings.SECRET_KEY}".encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def invitation_url_prefix() -> str:
    return f"{settings.SITE_URL}/dashboard/invite/"


@transaction.atomic
def team_invite(*, team: CareTeam, by: User, email: str) -> TeamInvitation:
    """Email a single-use link to join the team. The answer is the same whoever the address
    belongs to (a patient, a clinician, nobody yet): only its owner learns, on the link's
    page, whether it can be used."""
    _require_admin(team=team, user=by)
    email = User.objects.normalize_email(email).lower()
    now = timezone.now()
    # A new invitation to the same address replaces the earlier one.
    TeamInvitation.objects.filter(team=team, email=email, accepted_at=None, revoked_at=None).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = TeamInvitation.objects.create(
        team=team,
        email=email,
        token_hash=invitation_digest(token),
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.TEAM_INVITATION_DAYS),
    )
    email_queue(
        to=email,
        template="recovery/email/team_invitation",
        context={
            "team": team.name,
            "inviter": by.get_full_name() or by.email,
            # The link is "{{ url_prefix }}{{ secret }}/": the token goes in at send time and is
            # forgotten once sent, so the stored bodies never hold it (outbox.email_queue).
            "url_prefix": invitation_url_prefix(),
            "days": settings.TEAM_INVITATION_DAYS,
        },
        category="team-invitation",
        secret=token,
    )
    return invitation


def invitation_get(token: str) -> TeamInvitation | None:
    """The open invitation this token names, or None (wrong, used, revoked or expired)."""
    if not token or len(token) > 100:
        return None
    return (
        TeamInvitation.objects.select_related("team")
        .filter(
            token_hash=invitation_digest(token),
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def invitation_account(invitation: TeamInvitation) -> User | None:
    return User.objects.filter(email=invitation.email).first()


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Join the team. A new address gets a clinician account with this password; an existing
    clinician confirms with their own password (django.contrib.auth decides)."""
    invitation = (
        TeamInvitation.objects.select_for_update()
        .filter(
            token_hash=invitation_digest(token or ""),
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        raise InvalidInvitation()
    user = invitation_account(invitation)
    if user is not None and not user.is_clinician:
        raise InvitationAddressRefused()
    if user is None:
        user = User(
            email=invitation.email,
            role=User.Role.CLINICIAN,
            first_name=first_name,
            last_name=last_name,
        )
        validate_password(password, user=user)  # a Django ValidationError: the form shows it
        user.set_password(password)
        user.save()
    elif authenticate(username=user.email, password=password) is None:
        raise DomainError("That is not the password of this account.")
    TeamMembership.objects.get_or_create(careteam=invitation.team, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
