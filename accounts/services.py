"""Writes to accounts: a new password, and what it ends (every session and token)."""

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from .models import User


def account_sign_out_everywhere(*, user: User, keep_session_key: str | None = None) -> int:
    """End every session and revoke every refresh token of the account, at once; returns how
    many refresh tokens were live. The one way to sign someone out: a new password
    (account_password_set), a deactivation in the admin, a clinician taken off a team
    (recovery.teams.team_member_remove).

    `keep_session_key`: the session of the person doing it, when they change their own
    password (the admin's form keeps them signed in, as Django does).

    Access tokens need no list: they carry a fingerprint of the password they were issued
    under and the authentication refuses them once it differs or the account is inactive
    (accounts/authentication.py); one kept after a team removal lives out its few minutes,
    but the scoped selectors stop showing the team's patients on its next request. Sessions
    are database rows keyed by their own id; which user one holds is inside its encoded data,
    so every unexpired session is read (this is rare: a password change, a removal).
    """
    key = str(user.pk)
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == key and session.session_key != keep_session_key
    ]
    Session.objects.filter(session_key__in=ended).delete()
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    rows = [BlacklistedToken(token=token) for token in outstanding]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def account_password_set(*, user: User, password: str, validate: bool = True) -> User:
    """Every new password goes through here (reset, enrollment code, create_clinician,
    the admin): it ends every session and revokes every refresh token of the account."""
    if validate:
        validate_password(password, user=user)  # a Django ValidationError: mapped to a 400
    user.set_password(password)
    user.save(update_fields=["password"])
    account_sign_out_everywhere(user=user)
    return user


def clinician_alert_sms_set(*, user: User, phone: str, alert_sms: bool) -> bool:
    """Store a clinician's mobile (already E.164) and whether urgent and emergency alerts also
    come to it by SMS. Returns whether anything changed."""
    if (user.phone, user.alert_sms) == (phone, alert_sms):
        return False
    user.phone, user.alert_sms = phone, alert_sms
    user.save(update_fields=["phone", "alert_sms"])
    return True
