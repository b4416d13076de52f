"""The caregiver routes of the JSON API, included under /api/v1/."""

from django.urls import path

from .api import views

urlpatterns = [
    path("me/caregivers/", views.MyCaregiversView.as_view(), name="my-caregivers"),
    path("me/caregivers/<int:pk>/", views.MyCaregiverDetailView.as_view(), name="my-caregiver"),
    path(
        "patients/<int:pk>/caregivers/",
        views.PatientCaregiversView.as_view(),
        name="patient-caregivers",
    ),
    path(
        "patients/<int:pk>/caregivers/<int:cid>/",
        views.PatientCaregiverDetailView.as_view(),
        name="patient-caregiver",
    ),
]
