from django.urls import path

from .api import auth, views

urlpatterns = [
    path("auth/token/", auth.LoginView.as_view(), name="token"),
    path("auth/token/refresh/", auth.RefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/activate/", views.ActivateView.as_view(), name="activate"),
    path("me/", views.MeView.as_view(), name="me"),
    path("patients/", views.PatientListCreateView.as_view(), name="patient-list"),
    path("patients/<int:pk>/", views.PatientDetailView.as_view(), name="patient-detail"),
    path(
        "patients/<int:pk>/enrollment-code/",
        views.EnrollmentCodeView.as_view(),
        name="patient-enrollment-code",
    ),
    path(
        "patients/<int:pk>/discharge/",
        views.PatientDischargeView.as_view(),
        name="patient-discharge",
    ),
    path(
        "patients/<int:pk>/procedures/",
        views.PatientProceduresView.as_view(),
        name="patient-procedures",
    ),
    path(
        "patients/<int:pk>/checkins/", views.PatientCheckinsView.as_view(), name="patient-checkins"
    ),
    path("procedures/", views.ProcedureListView.as_view(), name="procedure-list"),
    path("procedures/<int:pk>/", views.ProcedureDetailView.as_view(), name="procedure-detail"),
    path("checkins/", views.CheckinListCreateView.as_view(), name="checkin-list"),
    path("alerts/", views.AlertListView.as_view(), name="alert-list"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="alert-detail"),
    path(
        "alerts/<int:pk>/acknowledge/",
        views.AlertAcknowledgeView.as_view(),
        name="alert-acknowledge",
    ),
    path("alerts/<int:pk>/resolve/", views.AlertResolveView.as_view(), name="alert-resolve"),
]
