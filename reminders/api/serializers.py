from rest_framework import serializers

from recovery.api.procedure_serializers import ProcedureSerializer

from ..models import Reminder
from ..plan import ITEMS


class ReminderSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = ["id", "kind", "due_at", "status", "title"]

    def get_title(self, reminder) -> str:
        return ITEMS[reminder.kind].title


class ClinicianReminderSerializer(ReminderSerializer):
    """What the care team sees: also which procedure, why it was skipped or failed, tries (the
    outbox's, selectors.with_attempts)."""

    attempts = serializers.IntegerField(read_only=True)

    class Meta(ReminderSerializer.Meta):
        fields = [
            *ReminderSerializer.Meta.fields,
            "procedure",
            "offset_days",
            "reason",
            "attempts",
            "sent_at",
        ]


class PlanSerializer(serializers.Serializer):
    procedure = ProcedureSerializer(allow_null=True)
    lifting_restriction_until = serializers.DateField(allow_null=True)
    calendar_url = serializers.URLField()
    reminders = ReminderSerializer(many=True)


class CalendarUrlSerializer(serializers.Serializer):
    calendar_url = serializers.URLField()
