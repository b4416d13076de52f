"""HTTP shapes of care links (API.md "Caregivers")."""

from rest_framework import serializers

from lib.fields import StrictBooleanField, StrictCharField
from recovery.api.fields import StrictEmailField

from ..models import CareLink


class CareLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareLink
        fields = ["id", "email", "name", "relationship", "status", "receives_reminders"]
        read_only_fields = fields


class InvitationSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)
    name = StrictCharField(max_length=150)
    relationship = StrictCharField(max_length=60)


class CareLinkPatchSerializer(serializers.Serializer):
    receives_reminders = StrictBooleanField()
