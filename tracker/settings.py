"""Settings for the recovery tracker, read from the environment (API.md "Configuration").

The defaults run on one machine with nothing installed: SQLite, Celery on kombu's filesystem
transport (works across processes, needs no server) and email written to files under var/.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from lib.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # Never fall back to a real-looking key in production.
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-debug-only"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# Unset, the links point at the port this machine serves on (scripts/run's PORT).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
SITE_URL = SITE_URL.rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "accounts",
    "outbox",
    "recovery",
    "reminders",
    "interop",
    "dashboard",
    "notifications",
    "audit",
    "patientapp",
    "caregivers",
    "bonehealth",
]

MIDDLEWARE = [
    "lib.middleware.RequestIdMiddleware",
    "lib.logging.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves the dashboard's own CSS and JS under gunicorn too: nothing comes from outside.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lib.middleware.BodySizeLimitMiddleware",
    "lib.middleware.NullCharacterQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "lib.middleware.SecurityHeadersMiddleware",
    "lib.middleware.DeviceCookieMiddleware",
    "lib.middleware.DatabaseUnavailableMiddleware",
    "audit.middleware.PatientAccessAuditMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # The text parts of emails (outbox/emails.py): plain text is not HTML, so nothing is
        # escaped there ("O'Brien", not "O&#x27;Brien").
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Database: SQLite by default; PostgreSQL with DATABASE_URL. Persistent connections matter
# more for throughput than anything else measured here (bench/RESULTS.md).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and worker write to one SQLite file: wait for the lock instead of
    # failing, and take it at BEGIN so two writers never deadlock upgrading a read lock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.NotOnlySpacesValidator"},
]

LANGUAGE_CODE = "en"
# The languages of the patient app and of patient emails (Patient.language); clinician pages
# and stored alerts keep the team's wording (English).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "patientapp" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
WHITENOISE_USE_FINDERS = True  # no collectstatic step needed to serve the app's static files
LOGIN_URL = "/dashboard/login/"

# Request bodies are at most 64 KiB (API.md); lib.middleware answers 413 past that.
MAX_REQUEST_BODY_BYTES = 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

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

# Email: to an SMTP server when EMAIL_HOST or EMAIL_PORT is set, else to files in var/mail.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=0)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Recovery tracker <no-reply@localhost>")
if EMAIL_HOST or EMAIL_PORT:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_HOST or "localhost"
    EMAIL_PORT = EMAIL_PORT or 25
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))

# Celery. The database is the source of truth for every email and reminder; the broker only
# carries wake-ups, and beat's sweeper re-wakes anything a lost message left behind.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue = VAR_DIR / "celery-broker"
    _queue.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# How often beat wakes the outbox sweeper, and how long a claimed email may stay "sending"
# before the sweeper assumes its worker died. Tests shorten both.
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=30.0)
OUTBOX_SENDING_LEASE_SECONDS = env.float("OUTBOX_SENDING_LEASE_SECONDS", default=300.0)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30.0)

# SMS (outbox/transports.py): a provider speaking Twilio's Messages API. With no account SID
# SMS is off: an SMS then fails at once with that reason, and a system check warns.
SMS_API_BASE_URL = env.str("SMS_API_BASE_URL", default="https://api.twilio.com")
SMS_ACCOUNT_SID = env.str("SMS_ACCOUNT_SID", default="")
SMS_AUTH_TOKEN = env.str("SMS_AUTH_TOKEN", default="")
SMS_FROM = env.str("SMS_FROM", default="")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10.0)

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "outbox.tasks.outbox_sweep_task",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
}

# Alerts (PROTOCOL.md section 4). How often beat looks for due re-sends of unacknowledged
# urgent/emergency alerts, for teams whose daily warnings digest hour has come, and for missed
# check-ins. The re-send delays and the digest hour themselves are per-team settings
# (recovery/rules.py); these are only how finely beat looks. Tests shorten them.
ALERT_ESCALATION_SWEEP_SECONDS = env.float("ALERT_ESCALATION_SWEEP_SECONDS", default=60.0)
ALERT_DIGEST_SWEEP_SECONDS = env.float("ALERT_DIGEST_SWEEP_SECONDS", default=300.0)
MISSED_CHECKINS_SWEEP_SECONDS = env.float("MISSED_CHECKINS_SWEEP_SECONDS", default=3600.0)
CELERY_BEAT_SCHEDULE |= {
    "alert-escalations": {
        "task": "notifications.tasks.alert_escalations_task",
        "schedule": ALERT_ESCALATION_SWEEP_SECONDS,
    },
    "warning-digests": {
        "task": "notifications.tasks.warning_digests_task",
        "schedule": ALERT_DIGEST_SWEEP_SECONDS,
    },
    "missed-checkins": {
        "task": "recovery.tasks.missed_checkins_task",
        "schedule": MISSED_CHECKINS_SWEEP_SECONDS,
    },
}

# Bone health (PROTOCOL.md section 6): the daily denosumab_overdue rule. It counts local days
# (at most one addition a day), so beat may look more often than daily: a restart of beat then
# never skips a day. Tests shorten it.
DENOSUMAB_OVERDUE_SWEEP_SECONDS = env.float("DENOSUMAB_OVERDUE_SWEEP_SECONDS", default=3600.0)
CELERY_BEAT_SCHEDULE |= {
    "denosumab-overdue": {
        "task": "bonehealth.tasks.denosumab_overdue_task",
        "schedule": DENOSUMAB_OVERDUE_SWEEP_SECONDS,
    },
}

# The patient app's used and expired sign-in links, deleted a few days on (patientapp/tasks.py).
SIGNIN_LINK_PRUNE_SECONDS = env.float("SIGNIN_LINK_PRUNE_SECONDS", default=6 * 3600.0)
CELERY_BEAT_SCHEDULE |= {
    "signin-links-prune": {
        "task": "patientapp.tasks.signin_links_prune_task",
        "schedule": SIGNIN_LINK_PRUNE_SECONDS,
    },
}

# DRF
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["lib.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "lib.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lib.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a fingerprint of the password they were issued under: a new password ends
    # them (accounts/authentication.py), and unreadable claims are a 401 (accounts/tokens.py).
    "CHECK_REVOKE_TOKEN": True,
    "AUTH_TOKEN_CLASSES": ("accounts.tokens.AccessToken",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Recovery tracker API",
    "DESCRIPTION": "Recovery after vertebroplasty and kyphoplasty: check-ins, alerts, plan.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Enrollment codes: single use, valid this long, stored only as a keyed hash.
ENROLLMENT_CODE_DAYS = 14
# Invitations to join a care team (recovery/teams.py): single use, valid this many days.
TEAM_INVITATION_DAYS = env.int("TEAM_INVITATION_DAYS", default=7)

# Logs: JSON lines with a request id (lib/logging.py); LOG_FORMAT=text for a terminal.
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="INFO"), fmt=env.str("LOG_FORMAT", default="json")
)

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

# The FHIR export (interop/): its operation paths in the OpenAPI schema keep their "$".
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "interop.schema.fhir_operation_paths",
]
# Reminders' kind and status share their field names with the audit record's kind and the
# alert's status; name them after their model so the schema reads ReminderKind/ReminderStatus.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "ReminderKindEnum": "reminders.plan.Kind",
    "ReminderStatusEnum": "reminders.models.Reminder.Status",
}
# A patient's status (and the discharge reason) beside the alert's and the reminder's.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "PatientStatusEnum": "recovery.choices.PatientStatus",
        "DischargeReasonEnum": "recovery.choices.DischargeReason",
    }
)
# Reminders (reminders/): how often beat wakes the dispatcher, reminders per batch, and how
# late a reminder may still go out (delivery, leases and retries are the outbox's, OUTBOX_*).
REMINDER_DISPATCH_SECONDS = env.float("REMINDER_DISPATCH_SECONDS", default=60.0)
REMINDER_DISPATCH_BATCH = env.int("REMINDER_DISPATCH_BATCH", default=200)
REMINDER_LATE_LIMIT_HOURS = env.float("REMINDER_LATE_LIMIT_HOURS", default=24.0)
CELERY_BEAT_SCHEDULE["reminders-dispatch"] = {
    "task": "reminders.tasks.reminders_dispatch_task",
    "schedule": REMINDER_DISPATCH_SECONDS,
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
# Workers log through LOGGING above (JSON, with the request id that queued the task).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- The patient app (patientapp/) -----------------------------------------------------------

# A care team's emergency number when none is set (the patient app's "call now" button).
DEFAULT_EMERGENCY_NUMBER = env.str("DEFAULT_EMERGENCY_NUMBER", default="911")
# Where a care team's phone and emergency numbers are read when typed without a country code,
# and whose short emergency numbers are accepted (recovery/phones.py): an ISO 3166 code.
PHONE_REGION = env.str("PHONE_REGION", default="US").upper()
# A sign-in link from a reminder email lives until the end of the patient's local day it was
# sent on, and at least this many hours.
SIGNIN_LINK_MIN_HOURS = env.float("SIGNIN_LINK_MIN_HOURS", default=12.0)
# A form sent without its CSRF token gets a page that says what to do (patientapp/views/base.py).
CSRF_FAILURE_VIEW = "patientapp.views.base.csrf_failure"

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

# --- Hooks between apps (lib/hooks.py) ------------------------------------------------------
# A lower app reaches a higher one only through these dotted paths, or through the signals the
# higher one connects in its AppConfig.ready (recovery/signals.py); never by importing it
# (pyproject.toml's import-linter contracts, run by scripts/test). Unset: the feature is off.
# /health/'s pipeline figures (lib/health.py).
HEALTH_PIPELINE_STATUS = "outbox.pipeline.pipeline_status"
# A reminder's "Check in now" links to the patient app (one statement for a dispatch batch),
# and the caregivers' copies: their care links (one read for a batch), who of them wants this
# reminder, and building a copy (reminders/dispatch.py, reminders/messages.py).
REMINDER_SIGNIN_TOKENS = "patientapp.services.signin_links_issue"
REMINDER_COPY_LINKS = "caregivers.selectors.reminder_copy_links"
REMINDER_COPY_RECIPIENTS = "caregivers.copies.reminder_copy_recipients"
REMINDER_COPY_BUILD = "caregivers.copies.reminder_copy_build"
# The other apps' demo data, after recovery's (manage.py seed_demo), in this order.
DEMO_SEEDERS = ["caregivers.demo.seed_caregiver", "bonehealth.demo.seed_bone_health"]
# Whether a bone-medicine reminder fell due since a time: the check-in's bone-medicine question
# (recovery/selectors.py).
BONE_MEDICINE_REMINDER_DUE = "reminders.selectors.medication_reminder_due"
