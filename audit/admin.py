from django.contrib import admin

from .models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Administrators search the trail; nobody edits or deletes it (the model refuses too)."""

    list_display = ("at", "actor", "patient", "kind", "method", "action", "ip")
    list_filter = ("kind", "method", "action", ("at", admin.DateFieldListFilter))
    search_fields = (
        "=patient__id",
        "patient__last_name",
        "actor__email",
        "actor__last_name",
        "=ip",
        "=request_id",
    )
    date_hierarchy = "at"
    list_select_related = ("actor", "patient")
    ordering = ("-at", "-id")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
