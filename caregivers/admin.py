from django.contrib import admin

from recovery.admin import ReadsLoggedAdmin

from .models import CareLink


@admin.register(CareLink)
class CareLinkAdmin(ReadsLoggedAdmin):
    """Administrators look; changes go through the patient or the care team (the API)."""

    list_display = ("id", "patient", "caregiver", "relationship", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("=patient__id", "email", "caregiver__email")
    list_select_related = ("patient", "caregiver")
    exclude = ("token_hash",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "token_hash"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
