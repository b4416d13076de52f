"""/health/, /api/schema/ and /api/docs/."""

import re
import socket
from io import StringIO

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

from tracker.celery import app as celery_app

ENDPOINTS = [
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/auth/token/refresh/", "post"),
    ("/api/v1/auth/logout/", "post"),
    ("/api/v1/auth/activate/", "post"),
    ("/api/v1/me/", "get"),
    ("/api/v1/patients/", "get"),
    ("/api/v1/patients/", "post"),
    ("/api/v1/patients/{id}/", "get"),
    ("/api/v1/patients/{id}/", "patch"),
    ("/api/v1/patients/{id}/enrollment-code/", "post"),
    ("/api/v1/patients/{id}/procedures/", "get"),
    ("/api/v1/patients/{id}/procedures/", "post"),
    ("/api/v1/patients/{id}/checkins/", "get"),
    ("/api/v1/procedures/", "get"),
    ("/api/v1/procedures/{id}/", "get"),
    ("/api/v1/procedures/{id}/", "patch"),
    ("/api/v1/checkins/", "get"),
    ("/api/v1/checkins/", "post"),
]


def dead_port() -> int:
    """A loopback port nothing listens on: bind one, then let it go."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_health_is_200_when_database_and_broker_answer(client, db):
    response = client.get("/health/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["database"], body["broker"], body["failing"]) == (True, True, [])
    assert "pipeline" in body
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_naming_the_broker_when_it_does_not_answer(client, db, monkeypatch):
    # The app reads its broker when /health/ opens a connection, so overriding it here is
    # what pointing CELERY_BROKER_URL at a dead port does to a running service. Celery lets
    # the environment variable win over its configuration, so both change.
    port = dead_port()
    dead = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    monkeypatch.setitem(celery_app.conf, "broker_url", dead)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    response = client.get("/health/")
    assert response.status_code == 503, response.content
    assert celery_app.connection_for_write().port == port
    body = response.json()
    assert body["failing"] == ["broker"]
    assert (body["database"], body["broker"]) == (True, False)


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # drf-spectacular's JSON-schema check of the OpenAPI 3 document


def test_schema_names_every_endpoint_with_its_shapes(schema, client):
    paths = {re.sub(r"\{[^}]+\}", "{id}", path): ops for path, ops in schema["paths"].items()}
    for path, method in ENDPOINTS:
        assert method in paths.get(path, {}), (path, method)
    components = schema["components"]["schemas"]
    created = components["PatientCreated"]["properties"]
    assert "enrollment_code" in created
    assert {"pain_score", "temperature_c", "symptoms", "notes", "recorded_at", "id"} <= set(
        components["CheckInInputRequest"]["properties"]
    )
    nested = paths["/api/v1/patients/{id}/procedures/"]["get"]["responses"]["200"]
    ref = nested["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/PaginatedProcedureList")
    nested = paths["/api/v1/patients/{id}/checkins/"]["get"]["responses"]["200"]
    ref = nested["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/PaginatedCheckInList")
    assert "jwtAuth" in schema["components"]["securitySchemes"]
    checkin = components["CheckIn"]["properties"]
    assert components["SymptomsEnum"]["enum"] == [
        "fever",
        "chills",
        "leg_numbness",
        "leg_weakness",
        "site_redness",
        "site_swelling",
        "shortness_of_breath",
        "chest_pain",
        "new_sudden_pain",
        "bowel_bladder_change",
    ]
    assert (checkin["pain_score"]["minimum"], checkin["pain_score"]["maximum"]) == (0, 10)
    assert checkin["symptoms"]["items"]["$ref"].endswith("/SymptomsEnum")
    levels = components["VertebralLevelsEnum"]["enum"]
    assert levels[0] == "C1" and levels[-1] == "S1" and len(levels) == 25
    post = paths["/api/v1/checkins/"]["post"]["responses"]
    assert {"200", "201", "409"} <= set(post)
    as_json = client.get("/api/schema/", {"format": "json"})
    assert as_json.status_code == 200 and as_json.json()["paths"].keys() == schema["paths"].keys()


def test_docs_render_with_local_sidecar_assets(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # Swagger UI's start-up script is a file of its own (the CSP allows no inline script);
    # it points at the schema.
    [script] = re.findall(r'<script src="(/api/docs/\?script=[^"]*)"', html)
    assert "/api/schema/" in client.get(script).content.decode()
    external = re.findall(r"""(?:src|href)=["'](https?:)?//[^"']+""", html)
    assert external == []
    assert "cdn" not in html.lower()
    # Every asset the page names ships with the sidecar package (collectstatic finds it).
    assets = re.findall(r"""(?:src|href)=["']/static/([^"']+)""", html)
    assert len(assets) >= 3
    for asset in assets:
        assert finders.find(asset), asset


def test_schema_generates_without_warnings(db):
    # A warning means drf-spectacular guessed a shape instead of reading it from the views.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())
