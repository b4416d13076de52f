from django import forms
from django.contrib import admin
from django.utils.functional import lazy

from . import rules
from .models import Alert, CareTeam, CheckIn, Patient, Procedure


def _settings_help() -> str:
    defaults = rules.setting_defaults()
    listed = ", ".join(
        f"{name} ({spec.minimum:g}-{spec.maximum:g}, default {defaults[name]:g})"
        for name, spec in rules.SETTING_SPECS.items()
    )
    return (
        'A JSON object overriding the defaults for this team, e.g. {"fever_threshold_c": 38.3}. '
        f"Settings: {listed}. Alerts keep the values they fired with."
    )


class CareTeamForm(forms.ModelForm):
    class Meta:
        model = CareTeam
        fields = ["name", "timezone", "clinicians", "rule_settings"]
        # The values are checked by CareTeam.clean(), which the admin form runs on save.
        # Lazy: other apps add settings when they are ready, after this module is imported.
        help_texts = {"rule_settings": lazy(_settings_help, str)()}


@admin.register(CareTeam)
class CareTeamAdmin(admin.ModelAdmin):
    form = CareTeamForm
    list_display = ("name", "timezone")
    filter_horizontal = ("clinicians",)
    search_fields = ("name",)


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ("id", "last_name", "first_name", "team", "timezone", "enrolled_at")
    list_filter = ("team",)
    search_fields = ("last_name", "first_name", "user__email")
    raw_id_fields = ("user",)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("id", "patient", "procedure_type", "performed_on", "cause")
    raw_id_fields = ("patient",)


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("id", "patient", "recorded_at", "pain_score", "temperature_c")
    raw_id_fields = ("patient",)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("id", "patient", "rule", "severity", "status", "created_at")
    list_filter = ("status", "severity", "rule")
    raw_id_fields = ("patient", "acknowledged_by", "resolved_by")
    filter_horizontal = ()

    def has_delete_permission(self, request, obj=None):
        return False  # alerts are never deleted (PROTOCOL.md section 4)
