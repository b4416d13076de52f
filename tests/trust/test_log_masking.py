"""Issue 23, medium 4: secret tokens never reach a log line. Each link is used (valid or
not, and made to fail CSRF so Django's request and security loggers speak), with the real
LOGGING configuration; the console handler's output is grepped for the raw tokens."""

import io
import logging

import pytest
from django.test import Client

from lib.logging import SECRET_PATHS

TOKENS = {
    "/app/l/{}/": "signin-link-secret-aaaa1111",
    "/app/caregiver/accept/{}/": "caregiver-invite-secret-bbbb2222",
    "/dashboard/invite/{}/": "team-invite-secret-cccc3333",
    "/unsubscribe/{}/": "unsubscribe-secret-dddd4444",
    "/unsubscribe/caregiver/{}/": "caregiver-unsub-secret-eeee5555",
    "/calendar/{}.ics": "calendar-secret-ffff6666",
    "/app/password-reset/{}/": "1-app-reset-secret-gggg7777",
    "/dashboard/password-reset/{}/": "1-dash-reset-secret-hhhh8888",
    "/app/activate/?code={}": "ENROLL-SECRET-9999",
}


@pytest.fixture
def console():
    """The root logger's own console handler (settings.LOGGING, its filters included),
    writing into a buffer for the test."""
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def test_no_token_reaches_the_logs(db, console, patient):
    strict = Client(enforce_csrf_checks=True)
    lax = Client()
    for pattern, token in TOKENS.items():
        path = pattern.format(token)
        lax.get(path)
        lax.post(path, {"password": "x"})
        strict.post(path, {"password": "x"})  # Forbidden (CSRF ...): <path>
        lax.get(path.replace(token, token + "/no-such-page/"))  # Not Found: <path>
    logging.getLogger("some.library").warning("fetched http://testserver%s", pattern.format(token))
    text = console.getvalue()
    assert "Forbidden (CSRF" in text and "Not Found" in text, text[:2000]
    leaked = [token for token in TOKENS.values() if token in text]
    assert leaked == []


def test_every_token_path_of_the_url_conf_is_masked():
    from django.urls import get_resolver

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if hasattr(entry, "url_patterns"):
                yield from walk(entry, route)
            elif "<str:token>" in route:
                yield "/" + route.replace("^", "").replace("<str:token>", "SECRET")

    paths = list(walk(get_resolver()))
    assert len(paths) >= 7
    for path in paths:
        assert SECRET_PATHS.search(path), path
        assert "SECRET" not in SECRET_PATHS.sub(r"\1…", path), path
