from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from bonehealth.dashboard import dashboard_patterns

from . import views
from .forms import ClinicianLoginForm

app_name = "dashboard"

urlpatterns = [
    path("", views.patient_list, name="patients"),
    path("patients/<int:pk>/", views.patient_detail, name="patient"),
    path("alerts/", views.alert_inbox, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert-resolve"),
    # The fracture-liaison pages (bonehealth/dashboard.py).
    *dashboard_patterns(),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="dashboard/login.html",
            authentication_form=ClinicianLoginForm,
            next_page=reverse_lazy("dashboard:patients"),
        ),
        name="login",
    ),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("dashboard:login")),
        name="logout",
    ),
]
