from django.urls import path

from . import api

urlpatterns = [
    path(
        "patients/<int:pk>/bone-health/", api.BoneHealthView.as_view(), name="patient-bone-health"
    ),
    path(
        "patients/<int:pk>/bone-health/letter/",
        api.LetterView.as_view(),
        name="patient-bone-health-letter",
    ),
    path("bone-health/worklist/", api.WorklistView.as_view(), name="bone-health-worklist"),
    path("bone-health/indicators/", api.IndicatorsView.as_view(), name="bone-health-indicators"),
]
