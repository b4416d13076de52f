"""Invitation links: 256 random bits in the URL, only a keyed hash in the database."""

import hashlib
import hmac
import secrets

from django.conf import settings


def generate() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    key = f"caregiver-invitation:{settings.SECRET_KEY}".encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
