"""GET /api/v1/dashboard/ (API.md "Dashboard"): the figures on top of the HTML dashboard."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from recovery.api.patient_serializers import OpenAlertsSerializer
from recovery.permissions import IsClinician

from .selectors import dashboard_summary_for


class DashboardSummarySerializer(serializers.Serializer):
    patients_total = serializers.IntegerField()
    patients_in_recovery = serializers.IntegerField(
        help_text="Patients whose latest procedure was at most 84 days ago (their local date)."
    )
    open_alerts = OpenAlertsSerializer(help_text="Unresolved (open or acknowledged) alerts.")
    checked_in_today = serializers.IntegerField(
        help_text="Patients with a check-in on their own local today."
    )
    missed_checkins = serializers.IntegerField(
        help_text="Patients with an unresolved missed_checkins alert."
    )


class DashboardSummaryView(APIView):
    permission_classes = [IsClinician]

    @extend_schema(responses=DashboardSummarySerializer)
    def get(self, request):
        summary = dashboard_summary_for(request.user)
        return Response(DashboardSummarySerializer(summary.as_dict()).data)
