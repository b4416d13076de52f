from django.urls import path

from . import hooks

urlpatterns = [
    path("status/", hooks.sms_status, name="sms-status"),
    path("inbound/", hooks.sms_inbound, name="sms-inbound"),
]
