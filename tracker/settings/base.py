"""The core of the settings: the environment, apps, middleware, database, cache, languages,
static files, logs and the hooks between apps (the other groups sit beside it)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from lib.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
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

# Enrollment codes: single use, valid this long, stored only as a keyed hash.
ENROLLMENT_CODE_DAYS = 14
# Invitations to join a care team (recovery/teams.py): single use, valid this many days.
TEAM_INVITATION_DAYS = env.int("TEAM_INVITATION_DAYS", default=7)

# Logs: JSON lines with a request id (lib/logging.py); LOG_FORMAT=text for a terminal.
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="INFO"), fmt=env.str("LOG_FORMAT", default="json")
)

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
CSRF_FAILURE_VIEW = "patientapp.views.errors.csrf_failure"

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
