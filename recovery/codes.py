"""Enrollment codes: 12 characters of Crockford base32 (60 random bits), stored as a keyed hash."""

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 12
# What people mistype, read the way Crockford's decoding rules say.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def generate() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise(code: str) -> str:
    return code.upper().replace("-", "").replace(" ", "").translate(_CONFUSABLE)


def digest(code: str) -> str:
    key = f"enrollment-code:{settings.SECRET_KEY}".encode()
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()
