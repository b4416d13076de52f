"""GET /health/: 200 when the database and the broker answer, 503 naming what does not.

The pipeline's figures belong to the app that delivers messages; which function reports them
is the HEALTH_PIPELINE_STATUS setting (lib/hooks.py), so this module imports no app.
"""

import logging

from celery import current_app
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .hooks import hook

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # any driver error means "does not answer"
        logger.warning("health: database does not answer", exc_info=True)
        return False


def broker_ok() -> bool:
    # The project's Celery app is the current one (tracker/__init__.py creates it first).
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # kombu raises many types for an unreachable broker
        logger.warning("health: broker does not answer", exc_info=True)
        return False


def pipeline_status() -> dict:
    return hook("HEALTH_PIPELINE_STATUS")()


@never_cache
def health(request):
    checks = {"database": database_ok(), "broker": broker_ok()}
    failing = [name for name, ok in checks.items() if not ok]
    body = {"status": "ok" if not failing else "unavailable", "failing": failing, **checks}
    if checks["database"]:
        body["pipeline"] = pipeline_status()
    return JsonResponse(body, status=503 if failing else 200)
