"""The alert inbox: order, acknowledge and resolve through the services' rules."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from recovery.choices import AlertStatus
from tests.dashboard.conftest import make_alert
from tests.factories import PatientFactory


def alert_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-alert="(\d+)"', response.content.decode())]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_unresolved_alerts_most_severe_then_newest_first(browser_client, clinician, team):
    a, b = PatientFactory(team=team), PatientFactory(team=team)
    now = timezone.now()
    old_warning = make_alert(a, rule="no_relief", severity="warning", created_at=now - timedelta(2))
    new_warning = make_alert(b, rule="no_relief", severity="warning", created_at=now)
    info = make_alert(a, rule="missed_checkins", severity="info", created_at=now)
    old_emergency = make_alert(
        a, rule="embolism_signs", severity="emergency", created_at=now - timedelta(days=3)
    )
    acked_urgent = make_alert(b, rule="fever", severity="urgent", status="acknowledged")
    make_alert(b, rule="leg_neuro", severity="urgent", status="resolved")

    response = browser_client(clinician).get("/dashboard/alerts/")

    assert alert_ids(response) == [
        old_emergency.pk,
        acked_urgent.pk,
        new_warning.pk,
        old_warning.pk,
        info.pk,
    ]


def test_acknowledge_records_who_and_when(browser_client, clinician, patient):
    alert = make_alert(patient)
    response = browser_client(clinician).post(
        f"/dashboard/alerts/{alert.pk}/acknowledge/", {"next": "/dashboard/alerts/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/alerts/"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_by == clinician
    assert alert.acknowledged_at is not None
    assert messages_of(response) == ["Alert for BS acknowledged."]


def test_acknowledging_twice_changes_nothing(browser_client, clinician, other_clinician, team):
    other_clinician.care_teams.add(team)
    patient = PatientFactory(team=team)
    alert = make_alert(patient)
    browser_client(clinician).post(f"/dashboard/alerts/{alert.pk}/acknowledge/")
    first = type(alert).objects.get(pk=alert.pk)
    browser_client(other_clinician).post(f"/dashboard/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician
    assert alert.acknowledged_at == first.acknowledged_at


def test_resolve_with_a_note(browser_client, clinician, patient):
    alert = make_alert(patient)
    response = browser_client(clinician).post(
        f"/dashboard/alerts/{alert.pk}/resolve/",
        {"note": "  Phoned Bob, no fever today.  ", "next": f"/dashboard/patients/{patient.pk}/"},
    )
    assert response["Location"] == f"/dashboard/patients/{patient.pk}/"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert alert.resolved_by == clinician
    assert alert.resolution_note == "Phoned Bob, no fever today."
    assert messages_of(response) == ["Alert for BS resolved."]


@pytest.mark.parametrize("note", ["", "   ", "x" * 2001])
def test_resolve_without_a_proper_note_changes_nothing(browser_client, clinician, patient, note):
    alert = make_alert(patient)
    response = browser_client(clinician).post(
        f"/dashboard/alerts/{alert.pk}/resolve/", {"note": note}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert alert.resolved_at is None
    assert "write a note" in messages_of(response)[0]


def test_resolving_a_resolved_alert_is_refused_like_the_apis_409(
    browser_client, clinician, patient
):
    alert = make_alert(patient, status="resolved", resolution_note="done first")
    response = browser_client(clinician).post(
        f"/dashboard/alerts/{alert.pk}/resolve/", {"note": "again"}
    )
    alert.refresh_from_db()
    assert alert.resolution_note == "done first"
    assert messages_of(response) == ["This alert is already resolved."]


def test_acknowledging_a_resolved_alert_is_refused(browser_client, clinician, patient):
    alert = make_alert(patient, status="resolved")
    response = browser_client(clinician).post(f"/dashboard/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert alert.acknowledged_by is None
    assert messages_of(response) == ["A resolved alert cannot be acknowledged."]


def test_the_message_is_shown_on_the_next_page(browser_client, clinician, patient):
    alert = make_alert(patient, status="resolved")
    client = browser_client(clinician)
    response = client.post(f"/dashboard/alerts/{alert.pk}/resolve/", {"note": "x"}, follow=True)
    assert b'role="alert">This alert is already resolved.' in response.content


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_next_never_leaves_the_site(browser_client, clinician, patient, target):
    alert = make_alert(patient)
    response = browser_client(clinician).post(
        f"/dashboard/alerts/{alert.pk}/acknowledge/", {"next": target}
    )
    assert response["Location"] == "/dashboard/alerts/"


def test_resolved_alerts_leave_the_inbox(browser_client, clinician, patient):
    alert = make_alert(patient)
    client = browser_client(clinician)
    assert alert_ids(client.get("/dashboard/alerts/")) == [alert.pk]
    client.post(f"/dashboard/alerts/{alert.pk}/resolve/", {"note": "ok"})
    assert alert_ids(client.get("/dashboard/alerts/")) == []


@pytest.mark.parametrize("count", [1, 20])
def test_the_inbox_runs_a_constant_number_of_queries(
    browser_client, clinician, team, django_assert_num_queries, count
):
    for _ in range(count):
        patient = PatientFactory(team=team)
        make_alert(
            patient,
            rule="fever",
            severity="urgent",
            status="acknowledged",
            acknowledged_by=clinician,
            acknowledged_at=timezone.now(),
        )
        make_alert(patient, rule="no_relief", severity="warning")
    client = browser_client(clinician)
    # 1 session, 2 user, 3 the unresolved alerts with their patients, check-ins and
    # acknowledging clinicians (grouped into cards in Python, then paged), 4 their calls,
    # 5 the page's patients' silences, 6 their caregivers, 7 the audit INSERT (one for the
    # whole page), 8-10 pipeline banner from the one outbox (both heartbeats, oldest urgent
    # message by channel, failed messages by channel and category).
    with django_assert_num_queries(10):
        response = client.get("/dashboard/alerts/")
    assert len(alert_ids(response)) == 2 * count
