"""The patient app's cast: a signed-in patient's browser-like client, with or without CSRF."""

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hash strength is not under test here; PBKDF2 at full cost makes each login slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def app_client():
    """app_client(user, csrf=False) -> a Django test client signed in as that user."""

    def build(user=None, *, csrf=False):
        client = Client(enforce_csrf_checks=csrf)
        if user is not None:
            client.force_login(user)
        return client

    return build
