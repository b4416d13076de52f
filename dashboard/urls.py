from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views as accounts_views

from . import views
from .forms import ClinicianLoginForm

app_name = "dashboard"

urlpatterns = [
    path("", views.patient_list, name="patients"),
    path("patients/<int:pk>/", views.patient_detail, name="patient"),
    path("alerts/", views.alert_inbox, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert-resolve"),
    path(
        "login/",
        accounts_views.ClinicianLoginView.as_view(
            template_name="dashboard/login.html",
            authentication_form=ClinicianLoginForm,
            next_page=reverse_lazy("dashboard:patients"),
        ),
        name="login",
    ),
    path("login/code/", accounts_views.login_otp, name="login-otp"),
    path("account/sign-in-codes/", accounts_views.mfa_setup, name="mfa"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("dashboard:login")),
        name="logout",
    ),
]
