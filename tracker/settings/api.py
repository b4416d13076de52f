"""The HTTP API: Django REST framework, JWT and the OpenAPI schema (drf-spectacular)."""

from datetime import timedelta

from .base import DEBUG, SECRET_KEY, env

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
    # ?format= and a resource's own type win over Accept; never a 406 (lib/negotiation.py).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "lib.negotiation.QueryFormatFirst",
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
