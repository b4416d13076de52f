from django.urls import path, re_path

from . import views

urlpatterns = [
    path(
        "Patient/<str:pk>/$everything",
        views.PatientEverythingView.as_view(),
        name="fhir-patient-everything",
    ),
    path("CodeSystem/<str:name>", views.CodeSystemView.as_view(), name="fhir-codesystem"),
    re_path(r"^.*$", views.FhirNotFoundView.as_view(), name="fhir-not-found"),
]
