from django.urls import path

from .api import account_views, auth, checkin_views, patient_views, silence_views

urlpatterns = [
    path("auth/token/", auth.LoginView.as_view(), name="token"),
    path("auth/token/refresh/", auth.RefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", account_views.LogoutView.as_view(), name="logout"),
    path("auth/activate/", account_views.ActivateView.as_view(), name="activate"),
    path("me/", account_views.MeView.as_view(), name="me"),
    path("patients/", patient_views.PatientListCreateView.as_view(), name="patient-list"),
    path("patients/<int:pk>/", patient_views.PatientDetailView.as_view(), name="patient-detail"),
    path(
        "patients/<int:pk>/enrollment-code/",
        patient_views.EnrollmentCodeView.as_view(),
        name="patient-enrollment-code",
    ),
    path(
        "patients/<int:pk>/discharge/",
        patient_views.PatientDischargeView.as_view(),
        name="patient-discharge",
    ),
    path(
        "patients/<int:pk>/silences/",
        silence_views.PatientSilencesView.as_view(),
        name="patient-silences",
    ),
    path(
        "patients/<int:pk>/silences/<int:sid>/",
        silence_views.PatientSilenceDetailView.as_view(),
        name="patient-silence",
    ),
    path(
        "patients/<int:pk>/procedures/",
        patient_views.PatientProceduresView.as_view(),
        name="patient-procedures",
    ),
    path(
        "patients/<int:pk>/checkins/",
        checkin_views.PatientCheckinsView.as_view(),
        name="patient-checkins",
    ),
    path("procedures/", patient_views.ProcedureListView.as_view(), name="procedure-list"),
    path(
        "procedures/<int:pk>/",
        patient_views.ProcedureDetailView.as_view(),
        name="procedure-detail",
    ),
    path("checkins/", checkin_views.CheckinListCreateView.as_view(), name="checkin-list"),
    path("alerts/", checkin_views.AlertListView.as_view(), name="alert-list"),
    path("alerts/<int:pk>/", checkin_views.AlertDetailView.as_view(), name="alert-detail"),
    path(
        "alerts/<int:pk>/acknowledge/",
        checkin_views.AlertAcknowledgeView.as_view(),
        name="alert-acknowledge",
    ),
    path(
        "alerts/<int:pk>/contacts/",
        checkin_views.AlertContactsView.as_view(),
        name="alert-contacts",
    ),
    path(
        "alerts/<int:pk>/resolve/",
        checkin_views.AlertResolveView.as_view(),
        name="alert-resolve",
    ),
]
