from django.urls import path

from .api import AccessLogView

urlpatterns = [
    path("me/access-log/", AccessLogView.as_view(), name="access-log"),
]
