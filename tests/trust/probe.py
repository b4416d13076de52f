"""What the probe-finding tests (issue 15, tests/trust/test_probe_*.py) share beyond
tests/api/support.py: signing in from an address, a refresh, the repository's root."""

from pathlib import Path

from rest_framework.test import APIClient

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "granite-ladder-orchid-41"


def login(email, password=PASSWORD, addr="10.0.0.1", client=None, **extra):
    return (client or APIClient()).post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=addr,
        **extra,
    )


def refresh(token):
    return APIClient().post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json")
