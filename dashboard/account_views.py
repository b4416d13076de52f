"""The clinician's own alert settings: a mobile number, and whether urgent and emergency
alerts come to it by SMS too (notifications/alert_sms.py sends them)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from accounts.services import clinician_alert_sms_set
from recovery.phones import phone_normalise

from .views import clinician_required, page


class AlertSmsForm(forms.Form):
    phone = forms.CharField(
        label="Mobile number",
        required=False,
        max_length=30,
        help_text="With the country code, e.g. +1 202 555 0100.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    alert_sms = forms.BooleanField(
        label="Also text me urgent and emergency alerts",
        required=False,
        help_text="The text says only the patient's initials, the severity and a dashboard "
        "link. Reply STOP to it to stop all texts.",
    )

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if data.get("alert_sms") and not data.get("phone"):
            raise ValidationError("Add a mobile number to get alerts by text.")
        return data


@require_http_methods(["GET", "POST"])
@clinician_required
def account_alerts(request):
    user = request.user
    if request.method == "GET":
        form = AlertSmsForm(initial={"phone": user.phone, "alert_sms": user.alert_sms})
        return page(request, "dashboard/account_alerts.html", {"form": form}, nav="account")
    form = AlertSmsForm(request.POST)
    if not form.is_valid():
        context = {"form": form}
        return page(request, "dashboard/account_alerts.html", context, nav="account", status=400)
    changed = clinician_alert_sms_set(
        user=user, phone=form.cleaned_data["phone"], alert_sms=form.cleaned_data["alert_sms"]
    )
    messages.success(request, "Alert settings saved." if changed else "Nothing changed.")
    return redirect("dashboard:account-alerts")
