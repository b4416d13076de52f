"""HTTP shapes of check-ins and alerts: input serializers validate, output ones render."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import serializers

from accounts.models import User
from lib.fields import (
    AwareDateTimeField,
    StrictBooleanField,
    StrictCharField,
    StrictFloatField,
    StrictIntegerField,
)
from recovery.choices import (
    SEVERITY_RANK,
    BoneMedicine,
    ContactOutcome,
    ContactPerson,
    Severity,
    Symptom,
)
from recovery.models import Alert, AlertContact

# Phones drift: a recorded_at this far ahead of the server's clock is still accepted.
CLOCK_SKEW = timedelta(minutes=5)


class CheckInInputSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    recorded_at = AwareDateTimeField(required=False)
    pain_score = StrictIntegerField(min_value=0, max_value=10)
    temperature_c = StrictFloatField(
        min_value=34.0, max_value=43.0, required=False, allow_null=True
    )
    # As people in the US say it (API.md "Calling the patient back"): stored as temperature_c.
    temperature_f = StrictFloatField(
        min_value=93.2, max_value=109.4, required=False, allow_null=True
    )
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=Symptom.choices), required=False, max_length=20
    )
    notes = StrictCharField(max_length=2000, required=False, allow_blank=True)
    # PROTOCOL.md section 6: asked when an osteoporosis_medication reminder fell due.
    bone_medicine = serializers.ChoiceField(
        choices=BoneMedicine.choices, required=False, allow_null=True
    )

    def validate(self, attrs):
        if "temperature_f" in attrs:
            if "temperature_c" in self.initial_data:
                raise serializers.ValidationError(
                    {"temperature_f": ["Give temperature_c or temperature_f, not both."]}
                )
            fahrenheit = attrs.pop("temperature_f")
            attrs["temperature_c"] = (
                None if fahrenheit is None else round((fahrenheit - 32) * 5 / 9, 1)
            )
        return attrs

    def validate_bone_medicine(self, value):
        if value is not None and not isinstance(self.initial_data.get("bone_medicine"), str):
            raise serializers.ValidationError("Must be one of the codes, as a string.")
        return value

    def validate_id(self, value):
        if not isinstance(self.initial_data.get("id"), str):
            raise serializers.ValidationError("Must be a UUID string.")
        return value

    def validate_recorded_at(self, value):
        patient = self.context["patient"]
        if value > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError("Cannot be in the future.")
        if value < patient.enrolled_at - timedelta(days=1):
            raise serializers.ValidationError("Cannot be before your enrolment.")
        return value


# The check-in's serializers are plain Serializers, not ModelSerializers: a ModelSerializer
# introspects its model again for every instance, which was most of the cost of rendering a
# check-in's answer (bench/NOTES.md). Their fields are the model's, declared here.


class AlertBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    rule = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    message = serializers.CharField()


class GuidanceSerializer(serializers.Serializer):
    severity = serializers.CharField()
    message = serializers.CharField()


class CheckInPatientSerializer(serializers.Serializer):
    """Whom a check-in is for: a caregiver names the patient (required with more than one)."""

    patient = StrictIntegerField(required=False, min_value=1)


class EnteredBySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=User.Role.choices)


def entered_by(checkin) -> dict | None:
    user = checkin.entered_by
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name(), "role": user.role}


class CheckInSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    patient = serializers.IntegerField(source="patient_id", read_only=True)
    # The patient, or the caregiver who checked in for them; null for rows stored without one.
    entered_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()
    # The contract's ranges and codes, so the schema shows them rather than the column types.
    # Null only for a check-in the app stored at an emergency "yes" before the pain was asked.
    pain_score = serializers.IntegerField(min_value=0, max_value=10, allow_null=True)
    temperature_c = serializers.FloatField(min_value=34.0, max_value=43.0, allow_null=True)
    symptoms = serializers.ListField(child=serializers.ChoiceField(choices=Symptom.choices))
    notes = serializers.CharField(allow_blank=True)
    bone_medicine = serializers.ChoiceField(choices=BoneMedicine.choices, allow_null=True)

    def get_entered_by(self, checkin) -> EnteredBySerializer(allow_null=True):
        return entered_by(checkin)


class CheckInResultSerializer(CheckInSerializer):
    """The answer to a check-in: the alerts it fired and what to do now."""

    alerts = serializers.SerializerMethodField()
    guidance = serializers.SerializerMethodField()

    def get_alerts(self, checkin) -> AlertBriefSerializer(many=True):
        # One order for the first answer and for a replay (which reads the alerts back from
        # the database): most severe first, then oldest, so "the same representation" holds.
        alerts = sorted(self.context["alerts"], key=lambda a: (-SEVERITY_RANK[a.severity], a.pk))
        # The answer goes to the patient: their language (the view activates it); the stored
        # alert keeps the team's wording.
        return [
            {**row, "message": gettext(row["message"])}
            for row in AlertBriefSerializer(alerts, many=True).data
        ]

    def get_guidance(self, checkin) -> GuidanceSerializer(allow_null=True):
        guidance = self.context["guidance"]
        return guidance and {**guidance, "message": gettext(guidance["message"])}


# --- Alerts --------------------------------------------------------------------------------


class AlertContactSerializer(serializers.ModelSerializer):
    """One call about an alert (API.md "Calling the patient back"); `by` as acknowledged_by."""

    class Meta:
        model = AlertContact
        fields = ["id", "outcome", "person", "note", "by", "at"]
        read_only_fields = fields


class AlertContactInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
    person = serializers.ChoiceField(choices=ContactPerson.choices, default="patient")
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class AlertSerializer(serializers.ModelSerializer):
    # The call record, newest first: the views prefetch it (alerts_with_contacts).
    contacts = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "patient",
            "rule",
            "severity",
            "status",
            "message",
            "created_at",
            "last_triggered_at",
            "occurrences",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_by",
            "resolved_at",
            "resolution_note",
            "confirmed",
            "checkin",
            "contacts",
        ]

    def get_contacts(self, alert) -> AlertContactSerializer(many=True):
        contacts = sorted(alert.contacts.all(), key=lambda c: (c.at, c.pk), reverse=True)
        return AlertContactSerializer(contacts, many=True).data


class AlertResolveSerializer(serializers.Serializer):
    note = StrictCharField(max_length=2000)
    # Was the suspected problem real? Null when not said.
    confirmed = StrictBooleanField(required=False, allow_null=True, default=None)
