"""Throttle counters are shared by every process through the cache (Redis): what gunicorn's
workers counted, this process sees, and the other way round."""

import os

import pytest
import requests
from django.conf import settings
from rest_framework.test import APIClient

from tests.support.appserver import AppServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def gunicorn_app(db):
    if not os.environ.get("CACHE_URL", "").startswith("redis://"):
        raise RuntimeError("this test needs CACHE_URL=redis://... (scripts/test)")
    env = {
        **os.environ,
        # A refresh with a malformed token is refused before any query: no database needed.
        "DATABASE_URL": "sqlite:////tmp/tracker-throttle-e2e-unused.sqlite3",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "THROTTLE_REFRESH_RATE": "4/min",
        "LOG_LEVEL": "WARNING",
    }
    server = AppServer(env, workers=3, threads=1).start()
    yield server
    server.stop()


def test_refresh_throttle_counts_across_processes(gunicorn_app, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "token_refresh": "4/min"}
    url = f"{gunicorn_app.base}/api/v1/auth/token/refresh/"
    statuses = [
        requests.post(url, json={"refresh": "not-a-token"}, timeout=10).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 401]

    # This process is a fourth worker: one request left in the shared allowance, then none.
    local = APIClient(REMOTE_ADDR="127.0.0.1")
    body = {"refresh": "not-a-token"}
    assert local.post("/api/v1/auth/token/refresh/", body, format="json").status_code == 401
    assert local.post("/api/v1/auth/token/refresh/", body, format="json").status_code == 429

    refused = requests.post(url, json={"refresh": "not-a-token"}, timeout=10)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
