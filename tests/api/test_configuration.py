"""API.md "Configuration" and "Setting up": settings come from the environment, with defaults
that run with nothing installed; create_clinician exits 0. Each case starts a fresh process,
since settings are read once at import."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-test-secret-key-that-is-long-enough-0123456789"

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
from tracker.celery import app
print(json.dumps({
    "debug": s.DEBUG,
    "db_engine": s.DATABASES["default"]["ENGINE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "db_host": s.DATABASES["default"].get("HOST", ""),
    "broker": app.conf.broker_url,
    "eager": app.conf.task_always_eager,
    "cache": s.CACHES["default"]["BACKEND"],
    "cache_location": str(s.CACHES["default"].get("LOCATION", "")),
    "email_backend": s.EMAIL_BACKEND,
    "email_host": s.EMAIL_HOST,
    "email_port": s.EMAIL_PORT,
    "email_user": s.EMAIL_HOST_USER,
    "email_tls": s.EMAIL_USE_TLS,
    "from": s.DEFAULT_FROM_EMAIL,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "hsts": s.SECURE_HSTS_SECONDS,
    "secure_cookies": s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE,
    "hosts": s.ALLOWED_HOSTS,
    "site_url": s.SITE_URL,
    "secret": s.SECRET_KEY,
}))
"""


def clean_env(**env) -> dict:
    """Only what a fresh shell has: none of the suite's DATABASE_URL, broker or secret."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return {**base, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env}


def settings_under(**env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_need_nothing_installed_and_are_production_settings():
    s = settings_under(DJANGO_SECRET_KEY=SECRET)
    assert s["debug"] is False
    assert s["db_engine"] == "django.db.backends.sqlite3"
    assert s["broker"] == "filesystem://" and s["eager"] is False  # works across processes
    assert s["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert s["ssl_redirect"] is True and s["hsts"] > 0 and s["secure_cookies"] is True
    assert s["secret"] == SECRET


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_runs_without_a_secret_and_without_https():
    s = settings_under(DJANGO_DEBUG="1")
    assert s["debug"] is True
    assert s["ssl_redirect"] is False and s["hsts"] == 0
    assert s["secret"]


def test_every_variable_is_read_from_the_environment():
    s = settings_under(
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_HTTPS="0",
        DATABASE_URL="postgres://tracker@db.internal:5433/tracker_prod",
        CELERY_BROKER_URL="redis://broker.internal:6379/3",
        CACHE_URL="redis://cache.internal:6379/4",
        EMAIL_HOST="smtp.internal",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="mailer",
        EMAIL_HOST_PASSWORD="pw",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="Care <care@example.org>",
        DJANGO_ALLOWED_HOSTS="tracker.example.org,api.example.org",
        SITE_URL="https://tracker.example.org/",
    )
    assert s["db_engine"] == "django.db.backends.postgresql"
    assert (s["db_name"], s["db_host"]) == ("tracker_prod", "db.internal")
    assert s["broker"] == "redis://broker.internal:6379/3"
    assert s["cache"] == "django.core.cache.backends.redis.RedisCache"  # shared by all workers
    assert s["cache_location"] == "redis://cache.internal:6379/4"
    assert s["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (s["email_host"], s["email_port"], s["email_user"]) == ("smtp.internal", 2525, "mailer")
    assert s["email_tls"] is True
    assert s["from"] == "Care <care@example.org>"
    assert s["hosts"] == ["tracker.example.org", "api.example.org"]
    assert s["site_url"] == "https://tracker.example.org"
    assert s["ssl_redirect"] is False and s["hsts"] == 0 and s["secure_cookies"] is False


def test_email_port_alone_sends_by_smtp():
    s = settings_under(DJANGO_SECRET_KEY=SECRET, EMAIL_PORT="1025")
    assert s["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["email_port"] == 1025


def test_create_clinician_exits_0_in_a_real_process(tmp_path):
    env = clean_env(
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_HTTPS="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert manage("migrate", "--noinput").returncode == 0
    first = manage("create_clinician", "--email", "e@x.test", "--password", "p-1-p", "--team", "A")
    assert first.returncode == 0, first.stderr
    again = manage("create_clinician", "--email", "e@x.test", "--password", "p-2-p", "--team", "B")
    assert again.returncode == 0, again.stderr
    assert "B" in again.stdout
    missing = manage("create_clinician", "--email", "e@x.test", "--team", "C")
    assert missing.returncode != 0
