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


def unsubscribe_view(*, parse, invalid, opt_out, template: str, extra=None):
    """The page of a signed unsubscribe link, the patient's (below) and a caregiver's copy
    alike (caregivers.views.unsubscribe): GET says what it stops, POST stops it.

    `parse(token=)` gives (whose, kind) or raises `invalid`; `opt_out(whose, kind)` stops it;
    `extra(whose)` adds to the page's context."""

    # Mail clients send RFC 8058 one-click POSTs without cookies or CSRF tokens; the signed
    # token in the URL is what authorises the request.
    @csrf_exempt
    @never_cache
    @require_http_methods(["GET", "POST"])
    def unsubscribe(request, token: str):
        try:
            whose, kind = parse(token=token)
        except invalid:
            return render(request, "reminders/pages/unsubscribe-invalid.html", status=404)
        context = {
            "all": kind == ReminderOptOut.ALL,
            "kind_label": "" if kind == ReminderOptOut.ALL else plan.Kind(kind).label,
            "done": False,
            **(extra(whose) if extra else {}),
        }
        if request.method == "POST":
            opt_out(whose, kind)
            context["done"] = True
        return render(request, template, context)

    return unsubscribe


unsubscribe = unsubscribe_view(
    parse=optouts.unsubscribe_parse,
    invalid=optouts.BadUnsubscribeLink,
    opt_out=lambda patient, kind: optouts.reminder_opt_out(patient=patient, kind=kind),
    template="reminders/pages/unsubscribe.html",
)
