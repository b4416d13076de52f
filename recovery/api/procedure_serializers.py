"""HTTP shapes of procedures: input serializers validate, output serializers render."""

from rest_framework import serializers

from lib.fields import (
    StrictDateField,
    StrictFloatField,
    StrictIntegerField,
)
from recovery.choices import (
    VERTEBRAL_LEVELS,
    Cause,
    ProcedureType,
)
from recovery.models import Procedure

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
