from django.contrib import admin

from .models import AlertNotification, WarningDigest


@admin.register(AlertNotification)
class AlertNotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "alert", "clinician", "round", "email", "created_at")
    readonly_fields = [f.name for f in AlertNotification._meta.fields]


@admin.register(WarningDigest)
class WarningDigestAdmin(admin.ModelAdmin):
    list_display = ("id", "clinician", "team", "local_date", "alert_count", "email")
    readonly_fields = [f.name for f in WarningDigest._meta.fields]
