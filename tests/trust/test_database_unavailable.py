"""A lost database is a 503 with Retry-After, never a 500 (the real restart is in
test_postgres_restart_e2e.py; these pin the mapping for every kind of view)."""

from unittest import mock

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from lib.middleware import DatabaseUnavailableMiddleware


def test_api_view_losing_the_database_answers_503_json(api, patient):
    with mock.patch(
        "recovery.services.checkin_record",
        side_effect=OperationalError("terminating connection due to administrator command"),
    ):
        response = api(patient.user).post("/api/v1/checkins/", {"pain_score": 3}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "detail" in response.json()
    assert "administrator command" not in response.content.decode()


def test_plain_django_view_losing_the_database_answers_503_json():
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/dashboard/")
    for error in (OperationalError("gone"), InterfaceError("connection already closed")):
        response = middleware.process_exception(request, error)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
    assert middleware.process_exception(request, ValueError("not ours")) is None
