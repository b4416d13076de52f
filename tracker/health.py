"""GET /health/: 200 when the database and the broker answer, 503 naming what does not."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from outbox.pipeline import pipeline_status
from tracker.celery import app as celery_app

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
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # kombu raises many types for an unreachable broker
        logger.warning("health: broker does not answer", exc_info=True)
        return False


@never_cache
def health(request):
    checks = {"database": database_ok(), "broker": broker_ok()}
    failing = [name for name, ok in checks.items() if not ok]
    body = {"status": "ok" if not failing else "unavailable", "failing": failing, **checks}
    if checks["database"]:
        body["pipeline"] = pipeline_status()
    return JsonResponse(body, status=503 if failing else 200)
