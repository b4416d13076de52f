import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every test here creates several accounts; PBKDF2's deliberate slowness is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
