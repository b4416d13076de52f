"""The care-team dashboard: server-rendered pages for clinicians, behind a session login.

Every page reads through recovery.selectors / dashboard.selectors with request.user, so it
sees exactly what the API shows that clinician; anything else is a 404."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.mfa import mfa_setup_required
from audit.decorators import audit_patient_access
from audit.services import access_record
from outbox import pipeline
from recovery import callbacks, charts, services
from recovery import selectors as recovery_selectors
from recovery.choices import CONTACT_ACKNOWLEDGES, ContactOutcome
from recovery.models import Patient, RuleSilence

from . import cards, selectors
from .forms import AlertResolveForm, ContactForm, SilenceForm
from .patient_forms import DischargeForm
from .pipeline_failures import latest_failures_for

PAGE_SIZE = 50
SEARCH_MAX_CHARS = 200


def clinician_required(view):
    """Anonymous: to the login page. Signed in but not a clinician: a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_clinician:
            return render(request, "dashboard/forbidden.html", status=403)
        if mfa_setup_required(request.user):  # CLINICIAN_MFA=required, no second factor yet
            return redirect("dashboard:mfa")
        return view(request, *args, **kwargs)

    return wrapper


def pipeline_reasons(
    status: dict, *, limit_seconds: int = pipeline.STALL_LIMIT_SECONDS
) -> list[str]:
    """Why the banner shows, in words, from the figures /health/ reports."""
    reasons = []
    beat_age = status["beat_age_seconds"]
    if beat_age is None:
        reasons.append("The scheduler (Celery beat) has not reported in yet.")
    elif beat_age > limit_seconds:
        reasons.append(f"The scheduler (Celery beat) last ran {beat_age // 60} minutes ago.")
    urgent_age = status["oldest_undelivered_urgent_seconds"]
    if urgent_age is not None and urgent_age > limit_seconds:
        reasons.append(
            f"An urgent or emergency message has waited {urgent_age // 60} minutes to be sent."
        )
    reminders_age = status["reminders_age_seconds"]
    if reminders_age is None:
        reasons.append("The reminder dispatcher has not reported in yet.")
    elif reminders_age > pipeline.reminders_stall_limit_seconds(limit_seconds):
        reasons.append(f"The reminder dispatcher last ran {reminders_age // 60} minutes ago.")
    return reasons


def page(request, template: str, context: dict, *, nav: str = "", status: int = 200):
    """Render a dashboard page with the pipeline banners: the same figures as /health/, and
    what could not be delivered (with the reasons, for the clinician's own teams)."""
    figures = pipeline.pipeline_status()
    stalled = figures["stalled"]
    context = {
        **context,
        "nav": nav,
        "contact_outcomes": ContactOutcome.choices,
        "pipeline": figures,
        "pipeline_stalled": stalled,
        "pipeline_reasons": pipeline_reasons(figures) if stalled else [],
        # Asked only when something failed, so a healthy page costs no extra query.
        "pipeline_failures": latest_failures_for(request.user)
        if figures["failed_notifications"]
        else None,
    }
    return render(request, template, context, status=status)


@require_GET
@clinician_required
def patient_list(request):
    search = request.GET.get("search", "").strip()[:SEARCH_MAX_CHARS]
    status = request.GET.get("status", "active")
    if status not in recovery_selectors.PATIENT_STATUS_FILTERS:
        status = "active"
    rows = selectors.patient_page_rows_for(request.user, search=search, status=status)
    # get_page: a missing, malformed or too large page number shows a valid page, never a 500.
    patients = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for patient in patients:
        patient.days_since_procedure = selectors.days_since_procedure(patient)
    access_record(
        actor=request.user,
        patient_ids=[patient.pk for patient in patients],
        action="dashboard-patients",
        request=request,
    )
    return page(
        request,
        "dashboard/patient_list.html",
        {
            "patients": patients,
            "search": search,
            "status": status,
            "summary": selectors.dashboard_summary_for(request.user),
        },
        nav="patients",
    )


@require_GET
@clinician_required
@audit_patient_access(kwarg="pk", action="dashboard-patient")
def patient_detail(request, pk: int):
    return patient_page(request, pk)


def patient_page(request, pk: int, *, extra: dict | None = None, status: int = 200):
    """The patient page; `extra` and `status` for a form of it sent back with its errors
    (the bone-health form, dashboard/bone_health.py)."""
    try:
        record = selectors.patient_record_get(request.user, pk=pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None
    now = timezone.now()
    tz = record.patient.tz
    return page(
        request,
        "dashboard/patient_detail.html",
        {
            "record": record,
            "patient": record.patient,
            "pain_chart": charts.pain_chart(
                checkins=record.checkins, procedures=record.procedures, tz=tz, now=now
            ),
            "temperature_chart": charts.temperature_chart(
                checkins=record.checkins,
                procedures=record.procedures,
                tz=tz,
                now=now,
                fever_threshold_c=record.fever_threshold_c,
            ),
            "checkins_newest_first": list(reversed(record.checkins)),
            **_patient_cards(record),
            "discharge_form": DischargeForm(),
            **(extra or {}),
        },
        nav="patients",
        status=status,
    )


def _patient_cards(record) -> dict:
    """The patient page's alert cards, one per check-in: unresolved first, then resolved."""
    patient = record.patient
    silences = cards.silences_by_patient([patient])[patient.pk]
    caregivers = cards.caregivers_by_patient([patient.pk])[patient.pk]
    every = cards.cards_of(record.alerts)
    for card in every:
        card.silences, card.caregivers = silences, caregivers
    return {
        "open_cards": [card for card in every if card.unresolved],
        "resolved_cards": [card for card in every if not card.unresolved],
        "silences": silences,
        "caregivers": caregivers,
    }


@require_GET
@clinician_required
def alert_inbox(request):
    # Unresolved alerts are the team's working set: grouped into one card per check-in
    # first, then paged by card.
    alerts = list(cards.with_card_relations(selectors.alert_inbox_for(request.user)))
    page_of_cards = Paginator(cards.cards_of(alerts), PAGE_SIZE).get_page(request.GET.get("page"))
    cards.cards_complete(page_of_cards.object_list)
    access_record(
        actor=request.user,
        patient_ids=[card.patient.pk for card in page_of_cards],
        action="dashboard-alerts",
        request=request,
    )
    return page(request, "dashboard/alert_inbox.html", {"cards": page_of_cards}, nav="alerts")


def _back(request):
    """Where the form came from (only a path on this site), else the inbox."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("dashboard:alerts"))


def _alert_changed(request, alert, *, verb: str, done: str) -> None:
    """Audit a change to the patient's record and tell the clinician it took."""
    access_record(
        actor=request.user,
        patient_ids=[alert.patient_id],
        action=f"dashboard-alert-{verb}",
        request=request,
    )
    messages.success(request, f"Alert for {alert.patient.initials} {done}.")


def _card_of(request, pk: int):
    alert = get_object_or_404(
        recovery_selectors.alerts_for(request.user).select_related("patient"), pk=pk
    )
    return alert, cards.card_group(alert)


@require_POST
@clinician_required
def alert_acknowledge(request, pk: int):
    """Acknowledge a card: every unresolved alert of its check-in."""
    alert, group = _card_of(request, pk)
    try:
        for member in group:
            services.alert_acknowledge(alert=member, by=request.user)
    except services.AlreadyResolved as exc:
        messages.error(request, exc.detail)
    else:
        _alert_changed(request, alert, verb="acknowledge", done="acknowledged")
    return _back(request)


@require_POST
@clinician_required
def alert_resolve(request, pk: int):
    """Resolve a card: every unresolved alert of its check-in, with one note."""
    alert, group = _card_of(request, pk)
    form = AlertResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "To resolve an alert, write a note (at most 2000 characters).")
        return _back(request)
    try:
        for member in group:
            services.alert_resolve(alert=member, by=request.user, **form.cleaned_data)
    except services.AlreadyResolved as exc:
        messages.error(request, exc.detail)
    else:
        _alert_changed(request, alert, verb="resolve", done="resolved")
    return _back(request)


@require_POST
@clinician_required
def alert_contact(request, pk: int):
    """Record a call on a card. Reached or sent to emergency care acknowledges the card's
    every open alert; the call itself is recorded once, on the alert given."""
    alert, group = _card_of(request, pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, "To record a call, choose how it went (the note is optional).")
        return _back(request)
    try:
        contact = callbacks.contact_record(alert=alert, by=request.user, **form.cleaned_data)
        if contact.outcome in CONTACT_ACKNOWLEDGES:
            for member in group:
                services.alert_acknowledge(alert=member, by=request.user)
    except services.AlreadyResolved as exc:
        messages.error(request, exc.detail)
    else:
        _alert_changed(
            request, alert, verb="contact", done=f"call recorded ({contact.get_outcome_display()})"
        )
    return _back(request)


@require_POST
@clinician_required
def patient_silence(request, pk: int):
    """Mark a sign as expected for this patient until a date (never an emergency sign)."""
    patient = get_object_or_404(recovery_selectors.patients_for(request.user), pk=pk)
    form = SilenceForm(request.POST)
    errors: dict = {}
    if form.is_valid():
        errors = callbacks.silence_errors(
            patient=patient, rule=form.cleaned_data["rule"], until=form.cleaned_data["until"]
        )
    else:
        errors = form.errors
    if errors:
        problems = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in errors.items())
        messages.error(request, f"The sign was not marked as expected. {problems}")
        return _back(request)
    callbacks.silence_create(patient=patient, by=request.user, **form.cleaned_data)
    access_record(
        actor=request.user, patient_ids=[patient.pk], action="dashboard-silence", request=request
    )
    messages.success(request, f"Marked as expected for {patient.initials}.")
    return _back(request)


@require_POST
@clinician_required
def patient_silence_end(request, pk: int, sid: int):
    patient = get_object_or_404(recovery_selectors.patients_for(request.user), pk=pk)
    silence = get_object_or_404(RuleSilence, pk=sid, patient=patient)
    callbacks.silence_end(silence=silence, by=request.user)
    access_record(
        actor=request.user, patient_ids=[patient.pk], action="dashboard-silence", request=request
    )
    messages.success(request, f"The sign alerts again for {patient.initials}.")
    return _back(request)
