"""HTTP shapes of the signed-in account: me, activation and tokens. No decisions."""

from rest_framework import serializers

from accounts.models import User
from lib.fields import (
    StrictCharField,
)
from recovery.choices import (
    ReminderChannel,
)
from recovery.models import Language


class TeamBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CareTeamContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    emergency_number = serializers.CharField()


class OpenAlertCountsSerializer(serializers.Serializer):
    emergency = serializers.IntegerField()
    urgent = serializers.IntegerField()
    warning = serializers.IntegerField()
    info = serializers.IntegerField()


class PatientBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class CaregiverPatientSerializer(PatientBriefSerializer):
    care_team = CareTeamContactSerializer()
    open_alerts = OpenAlertCountsSerializer()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=User.Role.choices)
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    patient_id = serializers.IntegerField(required=False, help_text="Patients only.")
    teams = TeamBriefSerializer(many=True, required=False, help_text="Clinicians only.")
    language = serializers.ChoiceField(
        choices=Language.choices, required=False, help_text="Patients only."
    )
    care_team = CareTeamContactSerializer(
        required=False,
        help_text="A patient's team; a caregiver's when all their patients share one team.",
    )
    patients = CaregiverPatientSerializer(
        many=True,
        required=False,
        help_text="Caregivers only: the patients they help, each with their care team.",
    )
    ask_bone_medicine = serializers.BooleanField(
        required=False,
        help_text="Patients only: an osteoporosis_medication reminder fell due since their "
        "last bone_medicine answer.",
    )
    phone = serializers.CharField(required=False, help_text="Patients only: E.164 or blank.")
    sms_consent = serializers.BooleanField(required=False, help_text="Patients only.")
    sms_consent_at = serializers.DateTimeField(required=False, allow_null=True)
    reminder_channel = serializers.ChoiceField(
        choices=ReminderChannel.choices, required=False, help_text="Patients only."
    )


class ActivateSerializer(serializers.Serializer):
    code = StrictCharField(max_length=40)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LogoutSerializer(serializers.Serializer):
    refresh = StrictCharField()
