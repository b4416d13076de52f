"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

Logs carry ids, never names, symptoms or notes (STYLE.md section 5): the request log line names
the route, not the query string, since a search for a patient's name would put it in the logs.
"""

import contextvars
import logging
import re
import time

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

access_logger = logging.getLogger("tracker.access")


@receiver(request_finished)
def request_id_clear(**kwargs) -> None:
    request_id_var.set("-")


# The request id travels with the Celery messages a request sends, so a worker's log lines
# for that work carry the same id as the request's.
@before_task_publish.connect
def request_id_to_message(headers=None, **kwargs) -> None:
    if headers is not None:
        headers.setdefault("request_id", request_id_var.get())


@task_prerun.connect
def request_id_from_message(task=None, **kwargs) -> None:
    request_id_var.set(getattr(task.request, "request_id", None) or "-")


@task_postrun.connect
def request_id_after_task(**kwargs) -> None:
    request_id_var.set("-")


# Path segments that are secrets, wherever they appear in a line: calendar feeds, unsubscribe
# links (the caregiver's too), password-reset links, reminders' sign-in links, caregiver and
# team invitations. Every <token> path of the urls.py files is here (tests/trust/
# test_log_masking.py checks each).
SECRET_PATHS = re.compile(
    r"(/calendar/|/unsubscribe/caregiver/|/unsubscribe/(?!caregiver/)|/app/password-reset/"
    r"|/dashboard/password-reset/|/app/l/|/app/caregiver/accept/|/dashboard/invite/)"
    r"[^/?#\s\"'<>]+"
)
# Query-string secrets: the enrollment code of /app/activate/?code=, any token= or key=.
SECRET_QUERY = re.compile(r"([?&](?:code|token|key|secret|otp)=)[^&#\s\"'<>]+", re.IGNORECASE)


def mask_text(text: str) -> str:
    """A line fit for a log: every path token and query-string secret replaced by "…"."""
    return SECRET_QUERY.sub(r"\1…", SECRET_PATHS.sub(r"\1…", text))


def mask_path(path: str) -> str:
    """A path fit for a log: no query string, no token."""
    return mask_text(path.split("?", 1)[0])


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request's id ("-" outside a request), and mask
    the secrets of any logger's message (Django's "Not Found: /app/l/<token>/", the CSRF
    warning's path, a library that logs a URL): on the root handler, so no logger escapes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record still gets logged, as logging does
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class JsonLogFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        super().__init__(*args, **kwargs)

    def add_fields(self, log_record, record, message_dict):
        super().add_fields(log_record, record, message_dict)
        # Django's request logger attaches the request and, for sockets, the server itself;
        # neither belongs in a log line (and the request's body could hold health data).
        log_record.pop("request", None)
        log_record.pop("server_time", None)


class AccessLogMiddleware:
    """One line per request: method, route name, status, duration. No path, no query string."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        access_logger.info(
            "request",
            extra={
                "method": request.method,
                "route": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": known_user_id(request),
            },
        )
        return response


def known_user_id(request) -> int | None:
    """The user's id if the request already knows it; never a session lookup just to log."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return getattr(user, "pk", None)


def logging_config(*, level: str, fmt: str) -> dict:
    formatter = (
        {"()": "lib.logging.JsonLogFormatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "lib.logging.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own request logger would repeat what the access log says.
            "django.server": {"level": "WARNING"},
        },
    }
