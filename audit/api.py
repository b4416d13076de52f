from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from recovery.permissions import IsPatient

from . import selectors
from .models import AccessRecord


class AccessRecordSerializer(serializers.ModelSerializer):
    """One line of a patient's access log, in terms a patient can read."""

    who = serializers.SerializerMethodField()
    role = serializers.CharField(source="actor.role")
    what = serializers.CharField(source="action")

    class Meta:
        model = AccessRecord
        fields = ["id", "who", "role", "kind", "what", "at"]

    def get_who(self, record) -> str:
        # The name, not the email: staff email addresses are not the patient's business.
        return record.actor.get_full_name() or "A member of your care team"


@extend_schema(summary="Who read or changed my record, and when")
class AccessLogView(generics.ListAPIView):
    permission_classes = [IsPatient]
    serializer_class = AccessRecordSerializer

    def get_queryset(self):
        return selectors.access_log_for(self.request.user)
