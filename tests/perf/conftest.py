import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # These tests make dozens of accounts; their passwords are never what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """This process's email backend pointed at the loopback SMTP server; returns the server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 5
    return smtp_server
