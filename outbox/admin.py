from django.contrib import admin

from .models import OutgoingEmail, PipelineHeartbeat


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("id", "category", "to", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "category", "urgent")
    # The secret of a queued email never shows; sent ones no longer hold it at all.
    exclude = ("secret",)
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields if f.name != "secret"]


admin.site.register(PipelineHeartbeat)
