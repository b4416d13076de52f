"""The patient's text-message settings, one question per screen: their phone number, their
yes or no to texts, and how reminders come (recovery/sms_settings.py holds the rule).

Only the patient answers these: a caregiver acting for them gets the 403 page, since the
consent is the patient's own.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from recovery.sms_settings import patient_sms_update, sms_settings_of

from .sms_forms import ChannelForm, ConsentForm, PhoneForm, channel_choices
from .views.base import page, password_confirmed_required, patient_only, patient_required

TEMPLATES = "patientapp/texts/"


def _overview_url(saved: str = "") -> str:
    url = reverse("app:texts")
    return f"{url}?saved={saved}" if saved else url


@require_http_methods(["GET"])
@patient_required
@patient_only
def texts(request):
    values = sms_settings_of(request.patient)
    return page(
        request,
        f"{TEMPLATES}overview.html",
        {
            **values,
            "channel_label": dict(channel_choices())[values["reminder_channel"]],
            "saved": request.GET.get("saved") == "1",
        },
        nav="more",
    )


def _posted(request):
    """The form's data on a POST (an empty POST too: it is an answer left out), else None."""
    return request.POST if request.method == "POST" else None


def _question(view):
    """A settings question: a GET shows it, a POST answers it; the patient's own only, and
    the password first in a sign-in link's session (where future links and texts go)."""
    return require_http_methods(["GET", "POST"])(
        patient_required(patient_only(password_confirmed_required(view)))
    )


def _question_page(request, template: str, form, **context):
    """The question again: 400 when the answer was wrong (the form says why), else 200."""
    status = 400 if form.errors else 200
    context = {"form": form, **context}
    return page(request, f"{TEMPLATES}{template}", context, nav="more", status=status)


def _save(request, data: dict, form) -> bool:
    """Save through the service; its errors go on the form (a 400 page says what is wrong)."""
    try:
        patient_sms_update(patient=request.patient, data=data)
    except ValidationError as exc:
        for messages in exc.message_dict.values():
            for message in messages:
                form.add_error(None, message)
        return False
    return True


@_question
def texts_phone(request):
    patient = request.patient
    form = PhoneForm(_posted(request), initial={"phone": patient.phone})
    # An unbound form (a GET) is never valid.
    if form.is_valid() and _save(request, {"phone": form.cleaned_data["phone"]}, form):
        if form.cleaned_data["phone"] and patient.sms_consent_at is None:
            return redirect("app:texts-consent")
        return redirect(_overview_url("1"))
    return _question_page(request, "phone.html", form)


@_question
def texts_consent(request):
    patient = request.patient
    initial = "" if patient.sms_consent_at is None else "yes"
    form = ConsentForm(_posted(request), initial={"consent": initial})
    if form.is_valid():
        yes = form.cleaned_data["consent"] == "yes"
        if _save(request, {"sms_consent": yes}, form):
            if yes and patient.phone and patient.reminder_channel == "email":
                return redirect("app:texts-channel")
            return redirect(_overview_url("1"))
    return _question_page(request, "consent.html", form)


@_question
def texts_channel(request):
    patient = request.patient
    form = ChannelForm(_posted(request), initial={"channel": patient.reminder_channel})
    if form.is_valid() and _save(request, {"reminder_channel": form.cleaned_data["channel"]}, form):
        return redirect(_overview_url("1"))
    can_text = bool(patient.phone and patient.sms_consent_at)
    return _question_page(request, "channel.html", form, can_text=can_text)
