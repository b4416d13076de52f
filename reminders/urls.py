from django.urls import path

from . import views
from .api import views as api

urlpatterns = [
    path("api/v1/plan/", api.PlanView.as_view(), name="plan"),
    path("api/v1/plan/calendar-url/", api.CalendarUrlView.as_view(), name="plan-calendar-url"),
    path(
        "api/v1/patients/<int:pk>/reminders/",
        api.PatientRemindersView.as_view(),
        name="patient-reminders",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed, name="plan-calendar"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="reminder-unsubscribe"),
]
