"""Helpers for the dashboard tests: alerts in any state, and a logged-in session client."""

import pytest
from django.test import Client
from django.utils import timezone

from recovery.models import Alert


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The factories set a real password on every account; the default PBKDF2 work factor
    # makes the 20-patient tests take minutes. Hash strength is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_alert(patient, *, rule="fever", severity="urgent", status="open", **extra):
    now = timezone.now()
    return Alert.objects.create(
        patient=patient,
        rule=rule,
        severity=severity,
        status=status,
        message=f"{rule} fired",
        created_at=extra.pop("created_at", now),
        last_triggered_at=extra.pop("last_triggered_at", now),
        **extra,
    )


@pytest.fixture
def browser_client():
    """browser_client(user) -> a Django test client with a session login (None: anonymous)."""

    def build(user, *, enforce_csrf_checks=False):
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        if user is not None:
            client.force_login(user)
        return client

    return build
