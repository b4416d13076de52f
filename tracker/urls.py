from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views
from interop import views as interop_views
from lib import health
from patientapp.views.base import chrome_context, visitor_language

from . import views

# The password-reset pages of each audience (accounts/views.py); the patient app's are at /app/,
# in its language and page frame.
AUDIENCES = {
    "app": {"audience": "app", "language": visitor_language, "chrome": chrome_context},
    "dashboard": {"audience": "dashboard"},
}
password_reset_pages = [
    path(
        f"{prefix}/password-reset/",
        accounts_views.password_reset_request,
        kwargs,
        name=f"{prefix}-password-reset",
    )
    for prefix, kwargs in AUDIENCES.items()
] + [
    path(
        f"{prefix}/password-reset/<str:token>/",
        accounts_views.password_reset_confirm,
        kwargs,
        name=f"{prefix}-password-reset-confirm",
    )
    for prefix, kwargs in AUDIENCES.items()
]

urlpatterns = [
    path("", views.home, name="home"),
    *password_reset_pages,
    path("api/v1/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("recovery.urls")),
    # The patient's own record as FHIR (interop/), beside the API's other /me/ answers.
    path("api/v1/me/export/", interop_views.MeExportView.as_view(), name="me-export"),
    path("api/v1/", include("audit.urls")),
    path("api/v1/", include("caregivers.urls")),
    path("api/v1/", include("bonehealth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page runs under the
    # site's CSP; only its own style block (and the styles Swagger UI sets) need a relaxation.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="docs",
    ),
    path("health/", health.health, name="health"),
    path("fhir/", include("interop.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("app/", include("patientapp.urls")),
    path("api/v1/dashboard/", include("dashboard.api_urls")),
    path("", include("reminders.urls")),
    path("", include("caregivers.page_urls")),
    path("hooks/sms/", include("outbox.urls")),
]

# The patient app's error pages carry the emergency number (patientapp/views/errors.py);
# elsewhere they hand over to Django's own.
handler400 = "patientapp.views.errors.bad_request"
handler403 = "patientapp.views.errors.permission_denied"
handler404 = "patientapp.views.errors.page_not_found"
handler500 = "patientapp.views.errors.server_error"
