"""What the probe-finding tests (issue 15, tests/trust/test_probe_*.py) share: sign in,
a bearer client, a refresh, an enrollment through the API, the whole database as text."""

from pathlib import Path

from django.apps import apps
from django.core import serializers as django_serializers
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


def bearer(access) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def refresh(token):
    return APIClient().post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json")


def database_text() -> str:
    return "".join(
        django_serializers.serialize("json", model.objects.all()) for model in apps.get_models()
    )


def enroll(api, clinician, **extra):
    body = {
        "email": "nina@patient.test",
        "first_name": "Nina",
        "last_name": "New",
        "date_of_birth": "1948-02-03",
        **extra,
    }
    response = api(clinician).post("/api/v1/patients/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()
