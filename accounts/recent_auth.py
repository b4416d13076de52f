"""Recent authentication ("sudo mode", as GitHub's): a session opened by a reminder's sign-in
link may check in and read, but inviting a caregiver or changing the email, password, phone
or reminder channel first asks for the password (API.md "Patient app"). Such a link is only
as safe as the inbox or phone it went to; the password proves the person is the patient.

A session signed in with the password or an enrollment code counts as confirmed; one from a
link is confirmed for CONFIRMED_FOR after the password is given again."""

from __future__ import annotations

import time

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission

from lib.exceptions import PasswordRequired

VIA_LINK = "via_link"
CONFIRMED_AT = "password_confirmed_at"
CONFIRMED_FOR = 15 * 60  # seconds


def session_opened(request, *, via_link: bool) -> None:
    """Called right after login(): a link's session starts unconfirmed."""
    request.session[VIA_LINK] = via_link
    if via_link:
        request.session.pop(CONFIRMED_AT, None)
    else:
        request.session[CONFIRMED_AT] = int(time.time())


def password_confirmed(request) -> None:
    request.session[CONFIRMED_AT] = int(time.time())


def needs_password(request) -> bool:
    """Whether this session must give the password before a sensitive change."""
    session = getattr(request, "session", None)
    if session is None or not session.get(VIA_LINK):
        return False
    confirmed = session.get(CONFIRMED_AT)
    return not isinstance(confirmed, int) or time.time() - confirmed > CONFIRMED_FOR


class RecentPasswordForChanges(BasePermission):
    """On the API: a change made with the session cookie of a sign-in link's session is a
    403 until the password is confirmed in the app. Token (JWT) clients signed in with the
    password; reads are always allowed."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        if needs_password(request):
            raise PasswordRequired()
        return True
