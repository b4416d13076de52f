"""The reset email through the outbox, a real Celery worker and an SMTP server on loopback."""

import re

import pytest
from django.apps import apps
from django.core import serializers as django_serializers
from rest_framework.test import APIClient

from outbox.models import Message
from tests.support.worker import wait_until

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "granite-ladder-orchid-41"


def test_a_reset_email_reaches_the_smtp_server_and_its_link_sets_the_password(
    celery_worker, smtp_server, patient
):
    client = APIClient()
    asked = client.post(
        "/api/v1/auth/password-reset/", {"email": "bob@patient.test"}, format="json"
    )
    assert asked.status_code == 204
    [message] = smtp_server.inbox.wait_for(1)
    assert message["To"] == "bob@patient.test"
    text = message.get_body(("plain",)).get_content()
    [token] = re.findall(r"/app/password-reset/([^/\s]+)/", text)
    html = message.get_body(("html",)).get_content()
    assert f"/app/password-reset/{token}/" in html

    # Once sent, the database no longer holds the link.
    assert wait_until(
        lambda: Message.objects.filter(category="password-reset", status="sent").exists()
    )
    dump = "".join(
        django_serializers.serialize("json", model.objects.all()) for model in apps.get_models()
    )
    assert token not in dump

    done = client.post(
        "/api/v1/auth/password-reset/confirm/",
        {"token": token, "password": NEW_PASSWORD},
        format="json",
    )
    assert done.status_code == 204, done.content
    login = client.post(
        "/api/v1/auth/token/",
        {"email": "bob@patient.test", "password": NEW_PASSWORD},
        format="json",
    )
    assert login.status_code == 200


def test_an_unknown_address_sends_nothing_through_the_worker(celery_worker, smtp_server, db):
    client = APIClient()
    asked = client.post(
        "/api/v1/auth/password-reset/", {"email": "nobody@example.test"}, format="json"
    )
    assert asked.status_code == 204
    # A known address afterwards arrives; the unknown one before it never did.
    from tests.factories import PatientFactory

    PatientFactory(user__email="known@patient.test")
    client.post("/api/v1/auth/password-reset/", {"email": "known@patient.test"}, format="json")
    messages = smtp_server.inbox.wait_for(1)
    assert [m["To"] for m in messages] == ["known@patient.test"]
