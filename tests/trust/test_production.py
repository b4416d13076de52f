"""Production settings, checked in fresh processes with the environment a deployment has."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], **env_vars: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SMS_")) and key not in {"SITE_URL"}
    }
    env.update(env_vars)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def production_env() -> dict:
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
        # A deployment's emailed links are https: the deploy check warns otherwise.
        "SITE_URL": "https://tracker.example.org",
        # SMS (issue 16): without a provider account the deploy check warns (outbox.W002).
        "SMS_ACCOUNT_SID": "AC0123456789",
        "SMS_AUTH_TOKEN": "a-token",
        "SMS_FROM": "+12025550100",
    }


def test_deploy_check_reports_nothing_in_production():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_are_https_only():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS]))"
    )
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="tracker.settings", **production_env())
    assert result.returncode == 0, result.stderr
    debug, session_secure, csrf_secure, redirect, hsts, hosts = json.loads(result.stdout)
    assert (debug, session_secure, csrf_secure, redirect) == (False, True, True, True)
    assert hsts >= 31536000
    assert hosts == ["tracker.example.org"]


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_debug_off_is_the_default():
    result = run(["manage.py", "check"])  # no DJANGO_* at all: debug off, so no key, no start
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_the_secret_comes_from_the_environment_only():
    env = production_env()
    code = (
        "import django; django.setup();"
        " from django.conf import settings; print(settings.SECRET_KEY)"
    )
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="tracker.settings", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == env["DJANGO_SECRET_KEY"]


def test_deploy_check_warns_about_a_plain_http_site_url():
    env = {**production_env(), "SITE_URL": "http://tracker.example.org"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert "outbox.W001" in result.stdout + result.stderr


def test_deploy_check_warns_when_sms_is_not_configured():
    env = {**production_env(), "SMS_ACCOUNT_SID": ""}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert "outbox.W002" in result.stdout + result.stderr
    assert "SMS_ACCOUNT_SID" in result.stdout + result.stderr


def test_site_url_follows_the_port_when_unset():
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = run(
        ["-c", f"import django; django.setup(); {code}"],
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_DEBUG="1",
        PORT="8111",
    )
    assert result.stdout.strip() == "http://127.0.0.1:8111", result.stderr
