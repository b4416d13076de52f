"""Password reset (API.md "Accounts and the patient's life cycle").

The link holds `<user id in base 36>-<Django's reset token>`: an HMAC over the account's
password hash, last login and the time, so it is valid for PASSWORD_RESET_TIMEOUT (1 hour)
and used up the moment a new password is set. Nothing about it is stored.

A request does the same work whether or not the address has an account: one lookup, one
token, one rendered email, one outbox row written in the transaction and woken after commit.
For an address without an account (or a deactivated one, or one asked for too often) the row
is written already cancelled, to no recipient, so nothing leaves and no stranger's address
is kept, and the answer and its timing tell nothing.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.utils.http import base36_to_int, int_to_base36

from lib.exceptions import DomainError
from lib.middleware import client_ip
from lib.throttling import account_digest, login_device, login_success_record
from outbox.models import Message
from outbox.services import email_queue

from .models import User
from .services import account_password_set

# Where each role sets its new password: caregivers sign in to the patient app, like patients.
RESET_PATHS = {
    User.Role.PATIENT: "/app/password-reset/",
    User.Role.CAREGIVER: "/app/password-reset/",
    User.Role.CLINICIAN: "/dashboard/password-reset/",
}
CATEGORY = "password-reset"


class InvalidResetToken(DomainError):
    default_detail = "This link is wrong, used or expired. Ask for a new one."


def _emails_this_hour(email: str, requester: str = "") -> int:
    """How many reset emails to this address this hour, counting this one: per requester
    (the account's own signed-in device, else the client's address), so a stranger asking
    again and again uses up only their own allowance, never the owner's."""
    key = f"password-reset-emails:{account_digest(email)}:{requester}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=3600)
        return 1


def reset_token_make(user: User) -> str:
    return f"{int_to_base36(user.pk)}-{default_token_generator.make_token(user)}"


def _deceased(user: User) -> bool:
    """A patient who died gets no more email (recovery/lifecycle.py); the request answers
    the same as for any address."""
    patient = getattr(user, "patient", None) if user.is_patient else None
    return patient is not None and patient.is_deceased


@transaction.atomic
def password_reset_request(*, email: str, requester: str = "") -> Message:
    """`requester`: who asks (reset_requester), so the hourly limit is theirs."""
    email = User.objects.normalize_email(email).lower()
    # The patient row with the user, in the one query an unknown address costs too.
    user = User.objects.filter(email=email).select_related("patient").first()
    limit = settings.PASSWORD_RESET_EMAILS_PER_HOUR
    allowed = _emails_this_hour(email, requester) <= limit and (
        # The owner's own device is never held back by strangers; everyone else shares a
        # wider ceiling, so many addresses together still cannot flood the mailbox.
        requester.startswith("device:") or _emails_this_hour(email, "anyone") <= limit * 5
    )
    known = (
        user is not None
        and user.is_active
        and user.role in RESET_PATHS
        and allowed
        and not _deceased(user)
    )
    # The same work either way: a stand-in account for an unknown address.
    account = user if known else User(pk=0, email=email, role=User.Role.PATIENT)
    message = email_queue(
        to=email if known else "",
        template="accounts/email/password-reset",
        context={
            "first_name": account.first_name,
            "path": RESET_PATHS[account.role] if known else RESET_PATHS[User.Role.PATIENT],
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
        category=CATEGORY,
        secret=reset_token_make(account),
        cancelled_reason="" if known else "no active account, or asked too often",
    )
    return message


def reset_token_user(token: str) -> User | None:
    """The active account this token was made for, if it is still good; else None."""
    uid, _, rest = (token or "").partition("-")
    if not rest or len(token) > 100:
        return None
    try:
        pk = base36_to_int(uid)
    except ValueError:
        return None
    user = User.objects.filter(pk=pk, is_active=True, role__in=list(RESET_PATHS)).first()
    if user is None or not default_token_generator.check_token(user, rest):
        return None
    return user


@transaction.atomic
def password_reset_confirm(*, token: str, password: str) -> User:
    """Set the new password if the token is good. Two confirms racing with one link: the
    row lock makes the second see the new password, and its token no longer holds."""
    user = reset_token_user(token)
    if user is None:
        raise InvalidResetToken()
    user = User.objects.select_for_update().get(pk=user.pk)
    if not default_token_generator.check_token(user, token.partition("-")[2]):
        raise InvalidResetToken()
    account_password_set(user=user, password=password)  # a weak one: Django's ValidationError
    login_success_record(email=user.email)  # the owner of the address: the slow-down ends
    return user


def reset_requester(request, email: str) -> str:
    """Who asks for a reset, for its hourly limit: a device that signed in to this account
    before (its login cookie or header, lib/throttling.py), else the client's address."""
    device = login_device(request, email=email)
    return f"device:{device}" if device else f"address:{client_ip(request)}"
