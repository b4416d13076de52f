from django.contrib import admin

from .models import Message, PipelineHeartbeat, SmsKeyword, SmsOptOut


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "channel",
        "category",
        "to",
        "status",
        "delivery_status",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("channel", "status", "category", "urgent")
    # The secret of a queued message never shows; sent ones no longer hold it at all.
    exclude = ("secret",)
    readonly_fields = [f.name for f in Message._meta.fields if f.name != "secret"]


@admin.register(SmsKeyword)
class SmsKeywordAdmin(admin.ModelAdmin):
    list_display = ("number", "keyword", "action", "received_at")
    readonly_fields = ("number", "keyword", "action", "received_at")


admin.site.register(SmsOptOut)
admin.site.register(PipelineHeartbeat)
