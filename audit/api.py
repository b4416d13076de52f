from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from recovery.permissions import IsPatient

from . import selectors
from .models import AccessRecord

# What each route means to the patient, in our own words; anything else falls back by kind.
DESCRIPTIONS = {
    ("patient-list", "read"): "saw you in the list of patients",
    ("patient-list", "change"): "enrolled you",
    ("patient-detail", "read"): "looked at your details",
    ("patient-detail", "change"): "changed your details",
    ("patient-enrollment-code", "change"): "made you a new sign-up code",
    ("patient-procedures", "read"): "looked at your procedures",
    ("patient-procedures", "change"): "recorded a procedure",
    ("procedure-list", "read"): "looked at your procedures",
    ("procedure-detail", "read"): "looked at a procedure",
    ("procedure-detail", "change"): "changed a procedure",
    ("patient-checkins", "read"): "looked at your check-ins",
    ("patient-reminders", "read"): "looked at your reminders",
    ("alert-list", "read"): "looked at your alerts",
    ("alert-detail", "read"): "looked at an alert",
    ("alert-acknowledge", "change"): "took up an alert",
    ("alert-resolve", "change"): "closed an alert",
    ("fhir-patient-everything", "read"): "exported your record",
    ("dashboard-patients", "read"): "saw you in the list of patients",
    ("dashboard-patient", "read"): "looked at your record",
    ("dashboard-alerts", "read"): "looked at your alerts",
    ("dashboard-alert-acknowledge", "change"): "took up an alert",
    ("dashboard-alert-resolve", "change"): "closed an alert",
    # Caregivers (caregivers/) and the care team's view of them.
    ("checkin-list", "read"): "looked at your check-ins",
    ("checkin-list", "change"): "checked in for you",
    ("plan", "read"): "looked at your recovery plan",
    ("patient-caregivers", "read"): "looked at your caregivers",
    ("patient-caregivers", "change"): "invited a caregiver for you",
    ("patient-caregiver", "change"): "ended a caregiver's access",
    # A caregiver's reads in the app (patientapp/views/base.py).
    ("app-home", "read"): "looked at your record",
    ("app-history", "read"): "looked at your check-ins",
    ("app-plan", "read"): "looked at your recovery plan",
    ("app-checkin-done", "read"): "looked at your check-ins",
}
FALLBACK = {"read": "looked at your record", "change": "changed your record"}


def describe(*, action: str, kind: str) -> str:
    return DESCRIPTIONS.get((action, kind), FALLBACK.get(kind, "looked at your record"))


class AccessRecordSerializer(serializers.ModelSerializer):
    """One line of a patient's access log, in terms a patient can read."""

    who = serializers.SerializerMethodField()
    role = serializers.CharField(source="actor.role")
    what = serializers.CharField(source="action")
    description = serializers.SerializerMethodField()

    class Meta:
        model = AccessRecord
        fields = ["id", "who", "role", "kind", "what", "description", "at"]

    def get_who(self, record) -> str:
        # The name, not the email: staff email addresses are not the patient's business.
        return record.actor.get_full_name() or "A member of your care team"

    def get_description(self, record) -> str:
        return describe(action=record.action, kind=record.kind)


@extend_schema(summary="Who read or changed my record, and when")
class AccessLogView(generics.ListAPIView):
    permission_classes = [IsPatient]
    serializer_class = AccessRecordSerializer

    def get_queryset(self):
        return selectors.access_log_for(self.request.user)
