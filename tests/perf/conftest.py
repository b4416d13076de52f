import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # These tests make dozens of accounts; their passwords are never what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
