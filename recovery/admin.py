from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.functional import lazy

from . import rules, signals
from .locks import summary_lock
from .models import (
    Alert,
    CareTeam,
    CheckIn,
    Patient,
    Procedure,
    TeamMembership,
    TeamSettingsVersion,
)


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
        fields = ["name", "timezone", "phone", "emergency_number", "rule_settings"]
        # The values are checked (the phones normalised) by CareTeam.clean(), which the admin
        # form runs on save.
        # Lazy: other apps add settings when they are ready, after this module is imported.
        help_texts = {"rule_settings": lazy(_settings_help, str)()}


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    raw_id_fields = ("user",)
    extra = 0


@admin.register(CareTeam)
class CareTeamAdmin(admin.ModelAdmin):
    form = CareTeamForm
    list_display = ("name", "timezone")
    inlines = [TeamMembershipInline]

    def save_model(self, request, obj, form, change):
        """A change of settings made here is kept in the team's history too."""
        from .teams import team_snapshot

        before = team_snapshot(CareTeam.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        after = team_snapshot(obj)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        if change and changed:
            TeamSettingsVersion.objects.create(
                team=obj,
                changed_by=request.user,
                old={k: before[k] for k in changed if k in before},
                new={k: after[k] for k in changed if k in after},
            )

    search_fields = ("name",)


class SummaryLockedAdmin(admin.ModelAdmin):
    """The admin of a model whose writes update a patient's summary row (a trigger): it takes
    summary_lock() first, like every other writer (recovery/locks.py). Left to Django, the
    change view writes the row first and its trigger locks the summary second, the opposite
    order to the services', and the two could deadlock."""

    # The field naming the patient whose summary row the writes update.
    patient_id_field = "patient_id"

    def save_model(self, request, obj, form, change):
        patients = {getattr(obj, self.patient_id_field), form.initial.get("patient")}
        with transaction.atomic():
            # The initial patient too: an edit may move the row to another patient.
            summary_lock(patients - {None})
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        with transaction.atomic():
            summary_lock(getattr(obj, self.patient_id_field))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The list's "delete selected" runs outside any transaction of the view's.
        with transaction.atomic():
            summary_lock(queryset.values_list(self.patient_id_field, flat=True))
            super().delete_queryset(request, queryset)


class ReadsLoggedAdmin(admin.ModelAdmin):
    """A staff member's reads of patient rows in the admin reach each patient's access log
    (issue 23), as the API's and the dashboard's reads do: the change page's patient, and
    the patients on a list's page."""

    patient_id_field = "patient_id"

    def _patient_id(self, obj):
        return obj.pk if self.patient_id_field == "pk" else getattr(obj, self.patient_id_field)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and obj is not None:
            self._read(request, [self._patient_id(obj)])
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            self._read(request, [self._patient_id(obj) for obj in changelist.result_list])
        return response

    def _read(self, request, patient_ids):
        signals.admin_patients_read.send(
            sender=self.model,
            actor=request.user,
            patient_ids=patient_ids,
            action=f"admin-{self.model._meta.model_name}",
            request=request,
        )


@admin.register(Patient)
class PatientAdmin(ReadsLoggedAdmin, SummaryLockedAdmin):
    # Deleting a patient deletes their check-ins, alerts and procedures, each through a
    # trigger on the summary row.
    patient_id_field = "pk"
    list_display = ("id", "last_name", "first_name", "team", "timezone", "enrolled_at")
    list_filter = ("team",)
    search_fields = ("last_name", "first_name", "user__email")
    raw_id_fields = ("user",)


@admin.register(Procedure)
class ProcedureAdmin(ReadsLoggedAdmin, SummaryLockedAdmin):
    list_display = ("id", "patient", "procedure_type", "performed_on", "cause")
    raw_id_fields = ("patient",)


@admin.register(CheckIn)
class CheckInAdmin(ReadsLoggedAdmin, SummaryLockedAdmin):
    list_display = ("id", "patient", "recorded_at", "pain_score", "temperature_c")
    raw_id_fields = ("patient",)


@admin.register(Alert)
class AlertAdmin(ReadsLoggedAdmin, SummaryLockedAdmin):
    list_display = ("id", "patient", "rule", "severity", "status", "created_at")
    list_filter = ("status", "severity", "rule")
    raw_id_fields = ("patient", "acknowledged_by", "resolved_by")
    filter_horizontal = ()

    def has_delete_permission(self, request, obj=None):
        return False  # alerts are never deleted (PROTOCOL.md section 4)
