from django.urls import path

from .api import DashboardSummaryView

# Included at api/v1/dashboard/ by tracker/urls.py.
urlpatterns = [path("", DashboardSummaryView.as_view(), name="dashboard-summary")]
