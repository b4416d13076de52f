"""Helpers shared by the API contract tests (tests/api/)."""

from contextlib import contextmanager

from accounts.models import User
from outbox.models import OutgoingEmail
from recovery.models import Alert, CareTeam, CheckIn, EnrollmentCode, Patient, Procedure

COUNTED = (User, CareTeam, Patient, EnrollmentCode, Procedure, CheckIn, Alert, OutgoingEmail)


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
