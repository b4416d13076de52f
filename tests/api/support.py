"""Helpers shared by the API contract tests (tests/api/)."""

import threading
from contextlib import contextmanager

from django.db import connection, connections

from accounts.models import User
from outbox.models import Message
from recovery.models import Alert, CareTeam, CheckIn, EnrollmentCode, Patient, Procedure

COUNTED = (User, CareTeam, Patient, EnrollmentCode, Procedure, CheckIn, Alert, Message)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@contextmanager
def nothing_created():
    """A refused request writes no row: the table sizes are the same afterwards."""
    before = row_counts()
    yield
    assert row_counts() == before


def field_errors(response) -> dict:
    """The body of a 400 in DRF's field-error shape, {"field": ["message", ...]}."""
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert isinstance(body, dict) and body, body
    for messages in body.values():
        assert isinstance(messages, list | dict), body
    return body


def require_postgresql():
    """Races need real row locks and separate connections: PostgreSQL. These tests are marked
    e2e, like every test that needs a real service, and fail (never skip) without it."""
    if connection.vendor != "postgresql":
        raise RuntimeError("race tests need PostgreSQL (DATABASE_URL, scripts/test)")


def race(n, request):
    """Run request() in n threads released together; return what each answered."""
    barrier = threading.Barrier(n)
    answers: list = []
    errors: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            response = request()
            answers.append((response.status_code, response.json()))
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(answers) == n
    return answers
