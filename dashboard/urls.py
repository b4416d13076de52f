from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views as accounts_views

from . import account_views, patient_views, team_views, views
from .bone_health import dashboard_patterns
from .forms import ClinicianLoginForm

app_name = "dashboard"

urlpatterns = [
    path("", views.patient_list, name="patients"),
    path("patients/<int:pk>/", views.patient_detail, name="patient"),
    path("patients/new/", patient_views.patient_enrol, name="patient-enrol"),
    path(
        "patients/<int:pk>/enrollment-code/",
        patient_views.enrollment_code_new,
        name="patient-enrollment-code",
    ),
    path("patients/<int:pk>/procedures/new/", patient_views.procedure_new, name="procedure-new"),
    path("procedures/<int:pk>/edit/", patient_views.procedure_edit, name="procedure-edit"),
    path("patients/<int:pk>/discharge/", patient_views.patient_discharge, name="patient-discharge"),
    path(
        "patients/<int:pk>/caregivers/new/",
        patient_views.caregiver_invite,
        name="caregiver-invite",
    ),
    path("alerts/", views.alert_inbox, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert-resolve"),
    path("alerts/<int:pk>/contacts/", views.alert_contact, name="alert-contact"),
    path("patients/<int:pk>/silences/", views.patient_silence, name="patient-silence"),
    path(
        "patients/<int:pk>/silences/<int:sid>/end/",
        views.patient_silence_end,
        name="patient-silence-end",
    ),
    path("team/", team_views.team_index, name="team-index"),
    path("team/<int:pk>/", team_views.team_detail, name="team"),
    path("team/<int:pk>/settings/", team_views.team_settings, name="team-settings"),
    path("team/<int:pk>/invite/", team_views.team_invite, name="team-invite"),
    path(
        "team/<int:pk>/members/<int:user_id>/remove/",
        team_views.team_member_remove,
        name="team-member-remove",
    ),
    path(
        "team/<int:pk>/members/<int:user_id>/admin/",
        team_views.team_member_admin,
        name="team-member-admin",
    ),
    path("invite/<str:token>/", team_views.invitation_accept, name="invitation-accept"),
    # The fracture-liaison pages (dashboard/bone_health.py).
    *dashboard_patterns(),
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
    path("account/alerts/", account_views.account_alerts, name="account-alerts"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("dashboard:login")),
        name="logout",
    ),
]
