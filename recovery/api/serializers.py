"""HTTP shapes only: input serializers validate, output serializers render. No decisions."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import serializers

from accounts.errors import EMAIL_TAKEN
from accounts.models import User
from lib.fields import (
    AwareDateTimeField,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictFloatField,
    StrictIntegerField,
)
from recovery.choices import (
    SEVERITY_RANK,
    VERTEBRAL_LEVELS,
    BoneMedicine,
    Cause,
    DischargeReason,
    ProcedureType,
    ReminderChannel,
    Severity,
    Symptom,
)
from recovery.models import Alert, Language, Patient, Procedure, validate_timezone

from .sms_serializers import PhoneField


class TimezoneField(StrictCharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            validate_timezone(value)
        except Exception:
            raise serializers.ValidationError(f"'{value}' is not an IANA time zone name.") from None
        return value


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data).lower()


# --- Patients ------------------------------------------------------------------------------


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


# --- Procedures ----------------------------------------------------------------------------


class ProcedureSerializer(serializers.ModelSerializer):
    lifting_restriction_until = serializers.DateField(read_only=True)
    height_loss_percent = serializers.FloatField(allow_null=True, min_value=0, max_value=100)
    vertebral_levels = serializers.ListField(
        child=serializers.ChoiceField(choices=VERTEBRAL_LEVELS)
    )
    pre_procedure_pain = serializers.IntegerField(min_value=0, max_value=10)
    lifting_restriction_days = serializers.IntegerField(min_value=1, max_value=90)

    class Meta:
        model = Procedure
        fields = [
            "id",
            "patient",
            "procedure_type",
            "performed_on",
            "vertebral_levels",
            "cause",
            "pre_procedure_pain",
            "height_loss_percent",
            "fracture_date",
            "lifting_restriction_days",
            "lifting_restriction_until",
            "created_at",
            "updated_at",
        ]


# A procedure (or its fracture) further back than this is a typing error, not a recovery to
# follow; year 1 once made a 672 KB patient page.
PROCEDURE_YEARS_BACK = 10


def earliest_procedure_date(patient):
    today = patient.local_today()
    try:
        return today.replace(year=today.year - PROCEDURE_YEARS_BACK)
    except ValueError:  # 29 February
        return today.replace(year=today.year - PROCEDURE_YEARS_BACK, day=28)


class ProcedureInputSerializer(serializers.Serializer):
    procedure_type = serializers.ChoiceField(choices=ProcedureType.choices)
    performed_on = StrictDateField()
    vertebral_levels = serializers.ListField(
        child=serializers.ChoiceField(choices=VERTEBRAL_LEVELS), min_length=1, max_length=26
    )
    cause = serializers.ChoiceField(choices=Cause.choices)
    pre_procedure_pain = StrictIntegerField(min_value=0, max_value=10)
    height_loss_percent = StrictFloatField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    fracture_date = StrictDateField(required=False, allow_null=True)
    lifting_restriction_days = StrictIntegerField(min_value=1, max_value=90, required=False)

    def validate_height_loss_percent(self, value):
        # Stored with two decimals: answer what a later GET will read, not the raw float.
        return None if value is None else round(value, 2)

    def validate_vertebral_levels(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each level may appear once.")
        return sorted(value, key=VERTEBRAL_LEVELS.index)

    def validate(self, attrs):
        patient = self.context["patient"]
        instance = self.instance
        performed_on = attrs.get("performed_on", getattr(instance, "performed_on", None))
        fracture_date = attrs.get("fracture_date", getattr(instance, "fracture_date", None))
        if "performed_on" in attrs and attrs["performed_on"] > patient.local_today():
            raise serializers.ValidationError(
                {"performed_on": ["Cannot be in the future in the patient's time zone."]}
            )
        earliest = earliest_procedure_date(patient)
        for name in ("performed_on", "fracture_date"):
            value = attrs.get(name)
            if value is not None and value < patient.date_of_birth:
                raise serializers.ValidationError(
                    {name: ["Cannot be before the patient's date of birth."]}
                )
            if value is not None and value < earliest:
                raise serializers.ValidationError(
                    {name: [f"Cannot be more than {PROCEDURE_YEARS_BACK} years ago."]}
                )
        if fracture_date and performed_on and fracture_date > performed_on:
            raise serializers.ValidationError(
                {"fracture_date": ["Cannot be after the procedure date."]}
            )
        return attrs


class ProcedurePatchSerializer(ProcedureInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


# --- Check-ins -----------------------------------------------------------------------------

# Phones drift: a recorded_at this far ahead of the server's clock is still accepted.
CLOCK_SKEW = timedelta(minutes=5)


class CheckInInputSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    recorded_at = AwareDateTimeField(required=False)
    pain_score = StrictIntegerField(min_value=0, max_value=10)
    temperature_c = StrictFloatField(
        min_value=34.0, max_value=43.0, required=False, allow_null=True
    )
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=Symptom.choices), required=False, max_length=20
    )
    notes = StrictCharField(max_length=2000, required=False, allow_blank=True)
    # PROTOCOL.md section 6: asked when an osteoporosis_medication reminder fell due.
    bone_medicine = serializers.ChoiceField(
        choices=BoneMedicine.choices, required=False, allow_null=True
    )

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
    pain_score = serializers.IntegerField(min_value=0, max_value=10)
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


class AlertSerializer(serializers.ModelSerializer):
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
        ]


class AlertResolveSerializer(serializers.Serializer):
    note = StrictCharField(max_length=2000)


# --- Accounts ------------------------------------------------------------------------------


class TeamBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CareTeamContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    emergency_number = serializers.CharField()


class PatientBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class CaregiverPatientSerializer(PatientBriefSerializer):
    care_team = CareTeamContactSerializer()


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
