"""Pages outside the API: the invitation's accept page and a caregiver's unsubscribe link."""

from django.urls import path

from . import views

urlpatterns = [
    path("app/caregiver/accept/<str:token>/", views.accept_invitation, name="caregiver-accept"),
    path("app/caregiver/phone/", views.phone, name="caregiver-phone"),
    path(
        "unsubscribe/caregiver/<str:token>/",
        views.unsubscribe,
        name="caregiver-unsubscribe",
    ),
]
