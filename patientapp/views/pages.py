"""The patient's pages that only read: home, history (the pain chart), plan, access log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.api import describe
from audit.selectors import access_log_for
from recovery import charts, rules
from reminders import selectors as reminder_selectors
from reminders import services as reminder_services
from reminders.plan import ITEMS, format_day, text_for

from .. import selectors
from ..wording import REMINDER_STATUS, SYMPTOM_NAMES
from .base import page, patient_only, patient_required

HISTORY_PAGE_SIZE = 30


@require_GET
@patient_required
def home(request):
    home = selectors.home_get(request.patient)
    # A caregiver sees the patient's open warning signs first, with what to do and whom to call.
    alert_severity = (
        selectors.open_alert_severity(request.patient) if request.is_caregiver else None
    )
    return page(
        request,
        "patientapp/home.html",
        {
            "home": home,
            "alert_severity": alert_severity,
            "alert_guidance": _(rules.guidance_for(alert_severity)["message"])
            if alert_severity
            else "",
            "team": request.patient.team,
            "today": format_day(home.today),
            "restriction_until": format_day(home.restriction_until)
            if home.restriction_until
            else None,
            "next_reminders": [
                {
                    "title": _(ITEMS[r.kind].title),
                    "day": format_day(r.due_at.astimezone(request.patient.tz).date()),
                }
                for r in home.next_reminders
            ],
        },
        nav="home",
    )


def _symptom_names(codes) -> list[str]:
    return [str(SYMPTOM_NAMES.get(code, code)) for code in codes]


@require_GET
@patient_required
def history(request):
    patient = request.patient
    checkins = list(
        selectors.own_checkins(request.user, patient)
        .select_related("entered_by")
        .order_by("recorded_at")
    )
    procedures = list(selectors.own_procedures(request.user, patient))
    chart = charts.pain_chart(
        checkins=checkins, procedures=procedures, tz=patient.tz, now=timezone.now()
    )
    chart.title = _("Your pain scores and the usual course of recovery")
    # The markers in the patient's words (the chart draws them in procedure order).
    ordered = sorted(procedures, key=lambda p: (p.performed_on, p.pk))
    chart.markers = [
        charts.Marker(
            marker.x, _("Procedure %(day)s") % {"day": date_format(p.performed_on, "j M")}
        )
        for marker, p in zip(chart.markers, ordered, strict=True)
    ]
    chart.description = (
        _(
            "%(count)s pain scores. The dashed line shows the usual course: pain eases within two "
            "days, then stays low. Every score is also in the list below."
        )
        % {"count": len(checkins)}
        if checkins
        else _("No check-ins yet.")
    )
    rows = Paginator(list(reversed(checkins)), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {
            "when": checkin.recorded_at.astimezone(patient.tz),
            "pain": checkin.pain_score,
            "temperature_c": checkin.temperature_c,
            "symptoms": _symptom_names(checkin.symptoms),
            "notes": checkin.notes,
            # A caregiver's entry says so ("entered by Ann"); the patient's own says nothing.
            "entered_by": checkin.entered_by.first_name or checkin.entered_by.get_full_name()
            if checkin.entered_by_id and checkin.entered_by_id != patient.user_id
            else "",
        }
        for checkin in rows
    ]
    return page(
        request,
        "patientapp/history.html",
        {"chart": chart, "entries": entries, "rows": rows},
        nav="history",
    )


@require_GET
@patient_required
def plan(request):
    patient = request.patient
    procedure, reminders = reminder_selectors.plan_get(patient)
    feed = reminder_services.calendar_feed_get_or_create(patient=patient)
    items = []
    for reminder in reminders:
        if reminder.status == "cancelled":
            continue
        day = reminder.due_at.astimezone(patient.tz).date()
        items.append(
            {
                "day": format_day(day),
                "title": _(ITEMS[reminder.kind].title),
                "text": text_for(reminder.kind, until=procedure.lifting_restriction_until, due=day),
                "status": REMINDER_STATUS.get(reminder.status, reminder.status),
                "past": reminder.status != "scheduled",
            }
        )
    return page(
        request,
        "patientapp/plan.html",
        {
            "procedure": procedure,
            "performed_on": format_day(procedure.performed_on) if procedure else None,
            "restriction_until": format_day(procedure.lifting_restriction_until)
            if procedure
            else None,
            # What comes next first, in due order; what is done after, newest first.
            "upcoming": [item for item in items if not item["past"]],
            "earlier": [item for item in reversed(items) if item["past"]],
            "calendar_url": reminder_services.calendar_url(feed=feed),
        },
        nav="plan",
    )


@require_GET
@patient_required
@patient_only
def access_log(request):
    records = Paginator(access_log_for(request.user), 50).get_page(request.GET.get("page"))
    entries = [
        {
            "who": record.actor.get_full_name() or _("A member of your care team"),
            "what": _(describe(action=record.action, kind=record.kind)),
            "at": record.at.astimezone(request.patient.tz),
        }
        for record in records
    ]
    return page(
        request, "patientapp/access_log.html", {"entries": entries, "records": records}, nav="more"
    )
