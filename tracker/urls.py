from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("recovery.urls")),
    path("api/v1/", include("audit.urls")),
    path("api/v1/", include("bonehealth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("health/", health.health, name="health"),
    path("fhir/", include("interop.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("api/v1/dashboard/", include("dashboard.api_urls")),
    path("", include("reminders.urls")),
]
