from django.contrib import admin

from recovery.admin import ReadsLoggedAdmin

from .models import Reminder, ReminderOptOut


@admin.register(Reminder)
class ReminderAdmin(ReadsLoggedAdmin):
    list_display = ["id", "patient", "kind", "offset_days", "due_at", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["patient__last_name", "reason"]
    raw_id_fields = ["patient", "procedure"]
    readonly_fields = ["claimed_at", "sent_at", "created_at"]


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    list_display = ["patient", "kind", "created_at"]
    raw_id_fields = ["patient"]
