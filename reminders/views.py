"""Pages outside the JSON API: the secret calendar feed and the unsubscribe link.

Neither needs a login: the calendar URL and the signed unsubscribe link are the credentials.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import calendar, optouts, plan, selectors
from .models import ReminderOptOut


@never_cache
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request, token: str):
    patient = selectors.calendar_patient_get(token)
    if patient is None:
        raise Http404("No such calendar.")
    procedure, reminders = selectors.plan_get(patient)
    body = calendar.plan_calendar(patient=patient, procedure=procedure, reminders=reminders)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="recovery-plan.ics"'
    return response


# Mail clients send RFC 8058 one-click POSTs without cookies or CSRF tokens; the signed
# token in the URL is what authorises the request.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        patient, kind = optouts.unsubscribe_parse(token=token)
    except optouts.BadUnsubscribeLink:
        return render(request, "reminders/pages/unsubscribe-invalid.html", status=404)
    context = {
        "all": kind == ReminderOptOut.ALL,
        "kind_label": "" if kind == ReminderOptOut.ALL else plan.Kind(kind).label,
        "done": False,
    }
    if request.method == "POST":
        optouts.reminder_opt_out(patient=patient, kind=kind)
        context["done"] = True
    return render(request, "reminders/pages/unsubscribe.html", context)
