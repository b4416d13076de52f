"""Abuse limits: request rates per scope, and a slow-down after failed logins.

Both count in the default cache (CACHE_URL: Redis in production and in the suite), so every
worker process shares the same counters. Rates live in settings.THROTTLE_RATES, read at
request time so they can be changed per environment (benchmarks raise them).
"""

import functools
import hashlib
import math
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.exceptions import ValidationError
from rest_framework.throttling import SimpleRateThrottle

from lib.middleware import client_ip

# DRF's sliding log (the times of the requests let in during the last `window` seconds) kept
# in a sorted set and checked and updated in one step on the Redis server: one round trip,
# atomic for every worker. Returns 1 when the request may pass, else the oldest time still in
# the window (the caller may retry once it has left).
SLIDING_LOG_LUA = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
    return redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, math.ceil(window))
return 1
"""


@functools.cache
def _sliding_log_script(client: RedisCacheClient):
    # One Redis client per cache backend and process: Django's get_client() builds a new one
    # on every call, which cost more CPU than the round trip itself.
    return client.get_client(write=True).register_script(SLIDING_LOG_LUA)


class ScopedThrottle(SimpleRateThrottle):
    """The view's `throttle_scope` at settings.THROTTLE_RATES[scope], counted per user when
    authenticated, else per client address.

    On Redis the check is one server-side script: DRF's own check reads the list of request
    times and writes it back (two round trips plus pickling, about a tenth of a check-in's
    cost, bench/NOTES.md), and two workers could both read the old list and undercount.
    Other caches (local memory: the demo, the quick tests) use DRF's check unchanged.
    """

    def __init__(self):
        # The rate depends on the view's scope, known only in allow_request().
        self.retry_after = None

    def get_rate(self):
        return settings.THROTTLE_RATES[self.scope]

    def applies_to(self, request) -> bool:
        return True

    def allow_request(self, request, view):
        self.scope = getattr(view, "throttle_scope", None)
        if not self.scope or not self.applies_to(request):
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        backend = caches["default"]
        if not isinstance(backend, RedisCache):
            return super().allow_request(request, view)
        key = backend.make_and_validate_key(self.get_cache_key(request, view))
        now = self.timer()
        verdict = _sliding_log_script(backend._cache)(
            keys=[key], args=[now, self.duration, self.num_requests, f"{now}:{uuid.uuid4().hex}"]
        )
        if verdict == 1:
            return True
        self.retry_after = max(float(verdict) + self.duration - now, 0.0)
        return False

    def wait(self):
        if self.retry_after is not None:
            return self.retry_after
        return super().wait()

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view):
        user = request.user
        ident = f"user-{user.pk}" if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PostThrottle(ScopedThrottle):
    """Throttle only POSTs, e.g. sending check-ins but not reading them back."""

    def applies_to(self, request) -> bool:
        return request.method == "POST"


# --- Failed logins -------------------------------------------------------------------------
#
# Every failure counts against the account (by a hash of the email, so the cache holds no
# addresses) and against the client address. Past a free allowance, each further failure
# blocks that account or address for a window that doubles from the base up to the cap.
# A blocked login answers 429 with Retry-After, even with the right password, except from a
# device that signed in to the account before (below); once the window has passed, the right
# password works again and clears the account's count. Nothing is ever permanent, and nothing
# here touches a session or token already held: a patient who is signed in can always check
# in, chest pain included (tests/trust/test_probe_sign_in.py, finding 9).


# A device that signed in to an account before carries a signed token naming that account
# (a cookie, or the X-Device-Token header for API clients). Its attempts are counted against
# the device alone, not the account or the address: a stranger's guesses cannot slow it down,
# and a stolen device token still gets only the account's free allowance (OWASP, "Slow down
# online guessing attacks with device cookies").
DEVICE_SALT = "lib.throttling.login-device"
DEVICE_HEADER = "HTTP_X_DEVICE_TOKEN"


def account_digest(email: str) -> str:
    # surrogatepass: a lone surrogate in a JSON string is not a reason for a 500 here.
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]


def login_device_token(*, email: str, device: str | None = None) -> str:
    """A signed token for this account on this device (the same device keeps its id)."""
    return signing.dumps(
        {"a": account_digest(email), "d": device or uuid.uuid4().hex}, salt=DEVICE_SALT
    )


def login_device(request, *, email: str | None) -> str | None:
    """The id of the device the request comes from, if it signed in to this account before."""
    if request is None or not email:
        return None
    raw = request.META.get(DEVICE_HEADER) or request.COOKIES.get(settings.LOGIN_DEVICE_COOKIE)
    if not raw or len(raw) > 500:
        return None
    try:
        value = signing.loads(
            raw, salt=DEVICE_SALT, max_age=timedelta(days=settings.LOGIN_DEVICE_DAYS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("a") != account_digest(email):
        return None
    device = value.get("d")
    return device if isinstance(device, str) else None


def _subjects(
    *, email: str | None, ip: str | None, device: str | None = None
) -> list[tuple[str, int]]:
    if device:
        return [(f"device:{device}", settings.LOGIN_FAILURES_FREE_PER_ACCOUNT)]
    subjects = []
    if email:
        subjects.append(
            (f"account:{account_digest(email)}", settings.LOGIN_FAILURES_FREE_PER_ACCOUNT)
        )
    if ip:
        subjects.append((f"address:{ip}", settings.LOGIN_FAILURES_FREE_PER_ADDRESS))
    return subjects


def login_wait_seconds(*, email: str | None, ip: str | None, device: str | None = None) -> int:
    """Seconds until a login for this account from this address may be tried; 0: now."""
    now = time.time()
    subjects = _subjects(email=email, ip=ip, device=device)
    blocks = cache.get_many([f"login-block:{s}" for s, _ in subjects])
    # The block's end is stored as a time, not left to the cache's expiry, so the check
    # follows the application's clock.
    waits = [until - now for until in blocks.values() if until and until > now]
    return math.ceil(max(waits)) if waits else 0


def login_failure_record(*, email: str | None, ip: str | None, device: str | None = None) -> None:
    memory = settings.LOGIN_FAILURE_MEMORY_SECONDS
    for subject, free in _subjects(email=email, ip=ip, device=device):
        key = f"login-fail:{subject}"
        cache.add(key, 0, timeout=memory)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=memory)
            count = 1
        if count > free:
            window = min(
                settings.LOGIN_BACKOFF_BASE_SECONDS * 2 ** min(count - free - 1, 30),
                settings.LOGIN_BACKOFF_MAX_SECONDS,
            )
            cache.set(f"login-block:{subject}", time.time() + window, timeout=window + 60)


def login_success_record(*, email: str | None, device: str | None = None) -> None:
    """A correct password clears the account's failures (not the address's: one good
    account must not reset the count of an address guessing at others)."""
    subjects = _subjects(email=email, ip=None)
    if device:
        subjects += _subjects(email=email, ip=None, device=device)
    for subject, _ in subjects:
        cache.delete_many([f"login-fail:{subject}", f"login-block:{subject}"])


def login_device_remember(request, *, email: str, device: str | None) -> str:
    """After a good sign-in: the device token, kept on the request for
    lib.middleware.DeviceCookieMiddleware to set as a cookie."""
    token = login_device_token(email=email, device=device)
    if request is not None:
        # On the Django request, under DRF's wrapper too: the middleware sees that one.
        getattr(request, "_request", request).login_device_token = token
    return token


def login_input_error(email) -> str | None:
    """Why an email typed at a login cannot be an account's, before anything counts it."""
    if isinstance(email, str):
        try:
            email.encode("utf-8")
        except UnicodeEncodeError:
            return "Enter a valid email address."
    return None


class LoginSlowDownFormMixin:
    """The same slow-down for a session login (the dashboard): put it before Django's
    AuthenticationForm in the bases, e.g. `class ClinicianLoginForm(LoginSlowDownFormMixin,
    AuthenticationForm)`. A blocked sign-in is a form error saying how long to wait."""

    slowed_down_message = "Too many failed sign-ins. Please try again in {wait} seconds."

    def clean(self):
        email = self.cleaned_data.get("username")
        if not isinstance(email, str) or not email:
            # No address (the field says it is required): nothing to check or count.
            return self.cleaned_data
        if login_input_error(email):
            raise ValidationError(login_input_error(email), code="invalid")
        ip = client_ip(self.request) if self.request is not None else None
        device = login_device(self.request, email=email)
        wait = login_wait_seconds(email=email, ip=ip, device=device)
        if wait:
            raise ValidationError(self.slowed_down_message.format(wait=wait), code="slowed_down")
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            # Only a wrong password counts; a refused role or inactive account is not a guess.
            if getattr(exc, "code", None) == "invalid_login":
                login_failure_record(email=email, ip=ip, device=device)
            raise
        login_success_record(email=email, device=device)
        login_device_remember(self.request, email=email, device=device)
        return cleaned


def password_recheck(request, *, user, password: str) -> tuple[bool, int]:
    """A signed-in person typing their password again (confirming it before a sensitive
    change, or the current one before a new one): counted like a login, so a session in a
    stranger's hands cannot guess at it freely. Returns (right, seconds to wait); while the
    account or address is slowed down the password is not even checked."""
    email = user.email
    ip = client_ip(request)
    device = login_device(request, email=email)
    wait = login_wait_seconds(email=email, ip=ip, device=device)
    if wait:
        return False, wait
    if user.check_password(password):
        login_success_record(email=email, device=device)
        return True, 0
    login_failure_record(email=email, ip=ip, device=device)
    return False, 0
