"""HTTP shapes of patients: input serializers validate, output serializers render. No decisions."""

import json
import zoneinfo

from django.utils import timezone
from rest_framework import serializers

from accounts.errors import EMAIL_TAKEN
from accounts.models import User
from lib.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictIntegerField,
)
from recovery.choices import (
    DischargeReason,
)
from recovery.models import Language, Patient

from .fields import StrictEmailField, TimezoneField
from .sms_serializers import PhoneField


class OpenAlertsSerializer(serializers.Serializer):
    emergency = serializers.IntegerField()
    urgent = serializers.IntegerField()
    warning = serializers.IntegerField()
    info = serializers.IntegerField()


class PatientSerializer(serializers.ModelSerializer):
    """A patient as a clinician sees them, from selectors.patient_list_for's annotations."""

    email = serializers.EmailField()
    days_since_procedure = serializers.SerializerMethodField()
    latest_pain_score = serializers.IntegerField(allow_null=True)
    last_checkin_at = serializers.DateTimeField(allow_null=True)
    open_alerts = serializers.SerializerMethodField()
    procedure_type = serializers.CharField(source="latest_procedure_type", allow_null=True)
    vertebral_levels = serializers.ListField(
        source="latest_levels", child=serializers.CharField(), allow_null=True
    )

    class Meta:
        model = Patient
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "date_of_birth",
            "timezone",
            "reminder_hour",
            "has_osteoporosis",
            "language",
            "team",
            "enrolled_at",
            "days_since_procedure",
            "procedure_type",
            "vertebral_levels",
            "latest_pain_score",
            "last_checkin_at",
            "open_alerts",
            "status",
            "discharged_at",
            "discharge_reason",
            "discharge_note",
            "phone",
            "sms_consent_at",
            "reminder_channel",
        ]

    def get_days_since_procedure(self, patient) -> int | None:
        if patient.latest_performed_on is None:
            return None
        return (patient.local_today() - patient.latest_performed_on).days

    def get_open_alerts(self, patient) -> OpenAlertsSerializer:
        return {
            "emergency": patient.open_emergency,
            "urgent": patient.open_urgent,
            "warning": patient.open_warning,
            "info": patient.open_info,
        }

    def to_representation(self, patient):
        """The fields above, read straight off the row.

        DRF's generic loop looks up and renders each of the 16 fields through its field
        object; at 50 rows a page that was a third of the list's Python time (bench/NOTES.md).
        Dates and times still go through their fields, for DRF's formats.
        tests/api/test_patient_list.py holds this equal to DRF's own rendering.
        """
        fields = self.fields
        return {
            "id": patient.pk,
            "email": patient.email,
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "date_of_birth": fields["date_of_birth"].to_representation(patient.date_of_birth),
            "timezone": patient.timezone,
            "reminder_hour": patient.reminder_hour,
            "has_osteoporosis": patient.has_osteoporosis,
            "language": patient.language,
            "team": patient.team_id,
            "enrolled_at": fields["enrolled_at"].to_representation(patient.enrolled_at),
            "days_since_procedure": self.get_days_since_procedure(patient),
            "procedure_type": patient.latest_procedure_type,
            "vertebral_levels": patient.latest_levels,
            "latest_pain_score": patient.latest_pain_score,
            "last_checkin_at": None
            if patient.last_checkin_at is None
            else fields["last_checkin_at"].to_representation(patient.last_checkin_at),
            "open_alerts": self.get_open_alerts(patient),
            "status": patient.status,
            "discharged_at": None
            if patient.discharged_at is None
            else fields["discharged_at"].to_representation(patient.discharged_at),
            "discharge_reason": patient.discharge_reason,
            "discharge_note": patient.discharge_note,
            "phone": patient.phone,
            "sms_consent_at": None
            if patient.sms_consent_at is None
            else fields["sms_consent_at"].to_representation(patient.sms_consent_at),
            "reminder_channel": patient.reminder_channel,
        }


def patient_page_data(rows) -> list[dict]:
    """PatientSerializer's rendering of selectors.patient_page_for's tuples: the API list's
    page without a model instance or a serializer field per row.

    tests/perf/test_patient_page.py holds each row equal to PatientSerializer's.
    """
    zone = timezone.get_current_timezone()
    now = timezone.now()
    todays: dict[str, object] = {}  # a page's patients share a few time zones
    data = []
    for (
        pk,
        email,
        first_name,
        last_name,
        date_of_birth,
        patient_zone,
        reminder_hour,
        has_osteoporosis,
        language,
        team_id,
        enrolled_at,
        performed_on,
        procedure_type,
        levels,
        pain_score,
        last_checkin_at,
        emergency,
        urgent,
        warning,
        info,
        status,
        discharged_at,
        discharge_reason,
        discharge_note,
        phone,
        sms_consent_at,
        reminder_channel,
        _count,
    ) in rows:
        if performed_on is None:
            days = None
        else:
            today = todays.get(patient_zone)
            if today is None:
                today = todays[patient_zone] = now.astimezone(
                    zoneinfo.ZoneInfo(patient_zone)
                ).date()
            days = (today - performed_on).days
        data.append(
            {
                "id": pk,
                "email": email,
                "first_name": first_name,
                "last_name": last_name,
                "date_of_birth": date_of_birth.isoformat(),
                "timezone": patient_zone,
                "reminder_hour": reminder_hour,
                "has_osteoporosis": has_osteoporosis,
                "language": language,
                "team": team_id,
                "enrolled_at": _datetime(enrolled_at, zone),
                "days_since_procedure": days,
                "procedure_type": procedure_type,
                # A raw cursor reads jsonb as its text (Django's JSONField decodes it).
                "vertebral_levels": None if levels is None else json.loads(levels),
                "latest_pain_score": pain_score,
                "last_checkin_at": _datetime(last_checkin_at, zone),
                "open_alerts": {
                    "emergency": emergency,
                    "urgent": urgent,
                    "warning": warning,
                    "info": info,
                },
                "status": status,
                "discharged_at": _datetime(discharged_at, zone),
                "discharge_reason": discharge_reason,
                "discharge_note": discharge_note,
                "phone": phone,
                "sms_consent_at": _datetime(sms_consent_at, zone),
                "reminder_channel": reminder_channel,
            }
        )
    return data


def _datetime(value, zone) -> str | None:
    """DRF's DateTimeField.to_representation with its defaults (ISO 8601, UTC as "Z")."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class CaregiverContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    relationship = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField(allow_blank=True)


class PatientDetailSerializer(PatientSerializer):
    """One patient as the nurse calling back reads it: the patient's row with the active
    caregivers and their phones (API.md "Calling the patient back"). The caregivers are the
    caregivers app's CareLink rows, read through the reverse relation (prefetched by the view)
    so recovery imports nothing of that app."""

    caregivers = CaregiverContactSerializer(many=True, read_only=True)

    class Meta(PatientSerializer.Meta):
        fields = [*PatientSerializer.Meta.fields, "caregivers"]

    def to_representation(self, patient):
        data = super().to_representation(patient)
        data["caregivers"] = [
            {
                "id": link.pk,
                "name": link.name,
                "relationship": link.relationship,
                "email": link.email,
                "phone": link.phone,
            }
            for link in patient.active_care_links
        ]
        return data


class PatientCreatedSerializer(PatientSerializer):
    enrollment_code = serializers.CharField()

    class Meta(PatientSerializer.Meta):
        fields = [*PatientSerializer.Meta.fields, "enrollment_code"]

    def to_representation(self, patient):
        return {**super().to_representation(patient), "enrollment_code": patient.enrollment_code}


class PatientInputSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)
    first_name = StrictCharField(max_length=150)
    last_name = StrictCharField(max_length=150)
    date_of_birth = StrictDateField()
    timezone = TimezoneField(required=False, default="UTC")
    reminder_hour = StrictIntegerField(min_value=0, max_value=23, required=False, default=9)
    has_osteoporosis = StrictBooleanField(required=False, default=False)
    team = StrictIntegerField(required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False, default="en")
    # The team may record the patient's phone; consent and the channel are the patient's own.
    phone = PhoneField(required=False)

    def validate_email(self, value):
        users = User.objects.filter(email=value)
        if self.instance is not None:
            users = users.exclude(pk=self.instance.user_id)
        if users.exists():
            raise serializers.ValidationError(EMAIL_TAKEN)
        return value

    def validate_date_of_birth(self, value):
        if value > timezone.now().date():
            raise serializers.ValidationError("Date of birth cannot be in the future.")
        if value.year < 1900:
            raise serializers.ValidationError("Date of birth cannot be before 1900.")
        return value

    def validate_team(self, value):
        # A team outside the caller's scope is treated as not existing (API.md).
        team = self.context["teams"].filter(pk=value).first()
        if team is None:
            raise serializers.ValidationError("No such care team.")
        return team

    def validate(self, attrs):
        if self.instance is None and "team" not in attrs:
            teams = list(self.context["teams"][:2])
            if len(teams) != 1:
                raise serializers.ValidationError(
                    {"team": ["Required when you belong to more than one care team."]}
                )
            attrs["team"] = teams[0]
        patient = self.instance
        if attrs.get("phone") == "" and patient is not None and patient.reminder_channel != "email":
            attrs["reminder_channel"] = "email"  # no number, no texts (recovery/sms_settings.py)
        return attrs


class PatientPatchSerializer(PatientInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False
            f.default = serializers.empty


class PatientDischargeSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DischargeReason.choices)
    note = StrictCharField(max_length=2000, required=False, default="", allow_blank=True)
