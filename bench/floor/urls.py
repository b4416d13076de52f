from django.urls import path

from . import views

urlpatterns = [
    path("floor/checkins/", views.checkin_create),
    path("floor/patients/", views.patient_page),
]
