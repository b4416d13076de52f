from django.contrib import admin

from .models import OutgoingEmail, PipelineHeartbeat


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("id", "category", "to", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "category", "urgent")
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]


admin.site.register(PipelineHeartbeat)
