"""Plan and history for people (issue 24): what comes next first, a caregiver's entries say
so, and the chart works in Spanish (plain-number coordinates, Spanish month names)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from recovery import services
from reminders.models import Reminder


@pytest.fixture
def operated(patient):
    # Through the service, so the plan's reminders exist.
    return services.procedure_record(
        patient=patient,
        data={
            "procedure_type": "kyphoplasty",
            "performed_on": timezone.now().date() - dt.timedelta(days=10),
            "vertebral_levels": ["L1"],
            "cause": "osteoporosis",
            "pre_procedure_pain": 8,
        },
    )


def test_the_plan_shows_what_comes_next_first(app_client, patient, operated):
    reminders = list(Reminder.objects.filter(patient=patient).order_by("due_at"))
    assert reminders, "recording a procedure plans reminders"
    # Ten days after the procedure, the first days' reminders were skipped when planned.
    past = [r for r in reminders if r.status != "scheduled"]
    assert past and len(past) < len(reminders)
    body = app_client(patient.user).get("/app/plan/").content.decode()
    upcoming = body.index('id="upcoming-title"')
    assert upcoming < body.index('id="calendar-title"')
    assert body.index('id="calendar-title"') < body.index('id="earlier-title"')
    assert 'class="past"' not in body[upcoming : body.index('id="calendar-title"')]
    assert 'class="past"' in body[body.index('id="earlier-title"') :]


def test_a_caregivers_entry_says_who_entered_it(app_client, patient, caregiver, operated):
    services.checkin_record(patient=patient, data={"pain_score": 2}, entered_by=caregiver)
    services.checkin_record(patient=patient, data={"pain_score": 1}, entered_by=patient.user)
    body = app_client(patient.user).get("/app/history/").content.decode()
    assert body.count("(entered by Ann)") == 1


def test_the_chart_in_spanish_has_plain_coordinates_and_spanish_months(
    app_client, patient, operated
):
    patient.language = "es"
    patient.save()
    services.checkin_record(patient=patient, data={"pain_score": 3})
    body = app_client(patient.user).get("/app/history/").content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    for _name, value in re.findall(r'\b(x1|x2|y1|y2|cx|cy|x|y)="([^"]*)"', svg):
        float(value)  # a "12,5" would raise
    for points in re.findall(r'points="([^"]*)"', svg):
        for pair in points.split():
            x, y = pair.split(",")
            float(x), float(y)
    months = {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"}
    labels = re.findall(r'class="x-label"[^>]*>([^<]+)<', svg)
    assert labels and all(label.split()[-1].lower() in months for label in labels), labels
