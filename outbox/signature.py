"""The SMS provider's request signature (Twilio's X-Twilio-Signature): base64 of HMAC-SHA1,
keyed with the auth token, over the full URL followed by every POST parameter, sorted by
name, as name + value."""

import base64
import hashlib
import hmac

from django.conf import settings

SIGNATURE_HEADER = "X-Twilio-Signature"


def sms_signature(url: str, params: list[tuple[str, str]], token: str) -> str:
    payload = url + "".join(f"{key}{value}" for key, value in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def sms_request_is_signed(request) -> bool:
    """True when the request carries the provider's signature for this URL and these fields.

    The URL is the one the provider was given: SITE_URL plus the path and query (behind a proxy
    the request's own host and scheme may differ). With no auth token nothing is trusted.
    """
    token = settings.SMS_AUTH_TOKEN
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not given:
        return False
    url = settings.SITE_URL.rstrip("/") + request.get_full_path()
    params = [(key, value) for key, values in request.POST.lists() for value in values]
    return hmac.compare_digest(sms_signature(url, params, token), given)
