import ipaddress
import logging
import re
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

from lib.logging import request_id_var

logger = logging.getLogger(__name__)


class BodySizeLimitMiddleware:
    """Refuse bodies over MAX_REQUEST_BODY_BYTES with a JSON 413 before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Invalid Content-Length header."}, status=400)
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return too_large()
        return self.get_response(request)


def too_large() -> JsonResponse:
    limit = settings.MAX_REQUEST_BODY_BYTES // 1024
    return JsonResponse({"detail": f"Request body is larger than {limit} KiB."}, status=413)


class NullCharacterQueryMiddleware:
    """A NUL in the query string is a 400 naming the parameter, for every view at once.

    PostgreSQL cannot hold NUL in any text value, not even a LIKE pattern, so a search for
    "%00" reached the database and failed there as a 500. No client has a reason to send one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = sorted(
            {
                key.replace("\x00", "") or "query"
                for key, values in request.GET.lists()
                if "\x00" in key or any("\x00" in value for value in values)
            }
        )
        if bad:
            return JsonResponse(
                {key: ["Null characters are not allowed."] for key in bad}, status=400
            )
        return self.get_response(request)


# --- Where a request comes from --------------------------------------------------------------


def client_ip(request) -> str | None:
    """The caller's address. X-Forwarded-For is believed only when TRUSTED_PROXY_COUNT says
    that many proxies of ours stand in front (each appends the address it saw), since any
    client can send that header; then the address our outermost proxy saw is the caller."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


# --- Request ids ---------------------------------------------------------------------------

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only when it looks like an id, so logs cannot be forged through it.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (the caller's X-Request-ID when sane), put it in the logs
    (lib.logging reads the context variable) and echo it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Cleared by lib.logging when the request finishes, not here: Django logs
        # 4xx/5xx answers after the middleware has returned, and those lines need the id too.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


# --- The database going away ---------------------------------------------------------------


def database_unavailable() -> JsonResponse:
    response = JsonResponse(
        {"detail": "The service is briefly unavailable. Please try again shortly."}, status=503
    )
    response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    return response


class DatabaseUnavailableMiddleware:
    """A lost database connection (a restart, a failover) is a 503 the client can retry,
    not a 500. DRF views get the same answer from lib.exceptions; this covers the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("database unavailable: %s", type(exception).__name__)
            return database_unavailable()
        return None


# --- Headers for pages holding health data --------------------------------------------------


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; no-store on the answers that may hold health data
    (API, dashboard, patient app, FHIR, admin), so neither a browser's cache nor a proxy
    keeps a copy. Static files are left cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith(settings.NO_STORE_PATH_PREFIXES):
            add_never_cache_headers(response)
        return response


class DeviceCookieMiddleware:
    """Set the device cookie a good sign-in left on the request (lib.throttling)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "login_device_token", None)
        if token:
            response.set_cookie(
                settings.LOGIN_DEVICE_COOKIE,
                token,
                max_age=settings.LOGIN_DEVICE_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
