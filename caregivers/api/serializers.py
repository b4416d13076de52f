"""HTTP shapes of care links (API.md "Caregivers")."""

from rest_framework import serializers

from lib.fields import StrictBooleanField, StrictCharField
from recovery.api.fields import StrictEmailField

from ..models import CareLink


class CareLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareLink
        fields = [
            "id",
            "email",
            "name",
            "relationship",
            "status",
            "receives_reminders",
            "receives_alerts",
            "phone",
        ]
        read_only_fields = fields


class InvitationSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)
    name = StrictCharField(max_length=150)
    relationship = StrictCharField(max_length=60)


class CareLinkPatchSerializer(serializers.Serializer):
    """The patient's choices for one caregiver; at least one of them."""

    receives_reminders = StrictBooleanField(required=False)
    # Told of each urgent or emergency check-in (API.md "Calling the patient back").
    receives_alerts = StrictBooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                {"receives_reminders": ["Give receives_reminders or receives_alerts."]}
            )
        return attrs
