"""Settings: the patient's reminders, time, language and password; a caregiver's password."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reminders import services as reminder_services
from reminders.plan import Kind

from .. import services
from ..forms import PasswordChangeForm, SettingsForm
from .base import page, patient_required


@require_http_methods(["GET", "POST"])
@patient_required
def settings_view(request):
    if request.is_caregiver:
        return _caregiver_settings(request)
    patient = request.patient
    wanted = reminder_services.reminder_kinds_wanted(patient=patient)
    initial = {
        "reminder_hour": patient.reminder_hour,
        "timezone": patient.timezone,
        "language": patient.language,
        "reminders": sorted(wanted),
    }
    form = SettingsForm(initial=initial)
    password_form = PasswordChangeForm(user=request.user)
    saved = request.GET.get("saved")
    status = 200
    if request.method == "POST" and request.POST.get("form") == "password":
        password_form = PasswordChangeForm(request.POST, user=request.user, request=request)
        if password_form.is_valid():
            return _password_save(request, password_form)
        status = 400
    elif request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            kinds = set(data.pop("reminders"))
            services.patient_preferences_update(patient=patient, data=data, wanted_kinds=kinds)
            return redirect(reverse("app:settings") + "?saved=settings")
        status = 400
    stopped_all = not wanted
    return page(
        request,
        "patientapp/settings.html",
        {
            "form": form,
            "password_form": password_form,
            "saved": saved,
            "stopped_all": stopped_all,
            "reminder_choices": [
                (kind, _(label), kind in set(form["reminders"].value() or []))
                for kind, label in Kind.choices
            ],
        },
        nav="more",
        status=status,
    )


def _caregiver_settings(request):
    """A caregiver's own things only: their password. The patient's reminders, email and
    password are the patient's; the pages follow the patient's language (API.md)."""
    password_form = PasswordChangeForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and password_form.is_valid():
        return _password_save(request, password_form)
    return page(
        request,
        "patientapp/caregiver_settings.html",
        {"password_form": password_form, "saved": request.GET.get("saved")},
        nav="more",
        status=400 if request.method == "POST" else 200,
    )


def _password_save(request, password_form):
    """The patient's and the caregiver's own password: this session stays signed in (the
    others, holding the old password's hash, are signed out)."""
    request.user.set_password(password_form.cleaned_data["new_password"])
    request.user.save(update_fields=["password"])
    update_session_auth_hash(request, request.user)
    return redirect(reverse("app:settings") + "?saved=password")
