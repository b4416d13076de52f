"""Security and trust: HTTPS, cookies, abuse limits, logins, second factor, headers."""

from django.core.exceptions import ImproperlyConfigured

from .base import HTTPS, env

# Security. DJANGO_HTTPS=0 serves plain HTTP (tests, a laptop).
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Trust: audit, abuse limits, production hardening ---------------------------------------

# How many reverse proxies of ours stand in front of the app. X-Forwarded-For is believed
# only this deep; 0 (the default) ignores it, since any client can send it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Abuse limits (lib/throttling.py), through the shared cache so every worker counts
# together. "N/second|minute|hour|day"; raise them for benchmarks.
THROTTLE_RATES = {
    "login": env.str("THROTTLE_LOGIN_RATE", default="20/min"),
    "token_refresh": env.str("THROTTLE_REFRESH_RATE", default="30/min"),
    "activate": env.str("THROTTLE_ACTIVATE_RATE", default="10/min"),
    "checkin": env.str("THROTTLE_CHECKIN_RATE", default="30/min"),
    # Each invitation emails an address someone typed: a cap on how many one account sends.
    "caregiver_invitation": env.str("THROTTLE_INVITATION_RATE", default="20/hour"),
}

# Failed logins: after this many failures for one account (or one address) within the
# memory window, each further failure doubles a wait (from the base, up to the cap) during
# which that account (address) cannot log in. Never a permanent lock-out.
LOGIN_FAILURES_FREE_PER_ACCOUNT = env.int("LOGIN_FAILURES_FREE_PER_ACCOUNT", default=5)
LOGIN_FAILURES_FREE_PER_ADDRESS = env.int("LOGIN_FAILURES_FREE_PER_ADDRESS", default=20)
LOGIN_BACKOFF_BASE_SECONDS = env.int("LOGIN_BACKOFF_BASE_SECONDS", default=30)
LOGIN_BACKOFF_MAX_SECONDS = env.int("LOGIN_BACKOFF_MAX_SECONDS", default=900)
LOGIN_FAILURE_MEMORY_SECONDS = env.int("LOGIN_FAILURE_MEMORY_SECONDS", default=3600)

# A request that lost the database answers 503 with this Retry-After.
DATABASE_UNAVAILABLE_RETRY_AFTER = 5

# Production: HTTPS-only cookies and HSTS are above; these finish `check --deploy`.
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Accounts and security: password reset, second factor, headers (issue 15) ---------------

# A password-reset link works once and for an hour (API.md "Accounts and the patient's life
# cycle"); Django's token generator reads this.
PASSWORD_RESET_TIMEOUT = 3600
THROTTLE_RATES["password_reset"] = env.str("THROTTLE_PASSWORD_RESET_RATE", default="10/hour")
# At most this many reset emails per address and hour, whoever asks (no mail bombing).
PASSWORD_RESET_EMAILS_PER_HOUR = env.int("PASSWORD_RESET_EMAILS_PER_HOUR", default=3)

# A device that signed in before carries a signed cookie (or the X-Device-Token header for
# the API); the failed-login slow-down of its account does not apply to it (OWASP's "device
# cookies"), so nobody can keep a known account locked by guessing at it.
LOGIN_DEVICE_COOKIE = "tracker_device"
LOGIN_DEVICE_DAYS = env.int("LOGIN_DEVICE_DAYS", default=180)

# Second factor for clinicians (django-otp, TOTP with recovery codes): "optional" lets each
# clinician turn it on; "required" refuses patient data until they have.
CLINICIAN_MFA = env.str("CLINICIAN_MFA", default="optional")
if CLINICIAN_MFA not in ("optional", "required"):
    raise ImproperlyConfigured("CLINICIAN_MFA must be 'optional' or 'required'.")
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Recovery tracker")
MFA_RECOVERY_CODES = 10

# Content-Security-Policy (django-csp 4): everything from this origin, no inline script or
# style, no frames. The API docs loosen it for their own page only (tracker/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Answers under these paths may hold health data: never stored by a browser or a proxy.
NO_STORE_PATH_PREFIXES = ("/api/", "/dashboard/", "/app/", "/fhir/", "/admin/")
