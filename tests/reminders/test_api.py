"""API.md "Plan and reminders", the calendar feed and the unsubscribe link."""

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from reminders import optouts
from reminders.models import ReminderOptOut
from tests.factories import PatientFactory

from .conftest import NY

NOW = dt.datetime(2026, 2, 22, 12, 0, tzinfo=NY)


@pytest.fixture
def planned(ny_patient, record):
    return record(ny_patient, cause="osteoporosis")


def test_plan_shows_the_latest_procedure_and_its_reminders(api, ny_patient, planned):
    with time_machine.travel(NOW, tick=False):
        response = api(ny_patient.user).get("/api/v1/plan/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"procedure", "lifting_restriction_until", "calendar_url", "reminders"}
    assert body["procedure"]["id"] == planned.pk
    assert body["lifting_restriction_until"] == "2026-02-27"
    assert body["calendar_url"].startswith("http://testserver/calendar/")
    assert len(body["reminders"]) == 51
    first = body["reminders"][0]
    assert set(first) == {"id", "kind", "due_at", "status", "title"}
    assert first["due_at"] == "2026-02-21T14:00:00Z"
    assert first["status"] == "scheduled"
    kinds = {r["kind"] for r in body["reminders"]}
    assert "osteoporosis_followup" in kinds
    assert {r["title"] for r in body["reminders"] if r["kind"] == "followup_imaging"} == {
        "Follow-up X-ray or MRI"
    }


def test_plan_without_a_procedure_has_the_empty_shape(api, ny_patient):
    response = api(ny_patient.user).get("/api/v1/plan/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["procedure"] is None
    assert body["lifting_restriction_until"] is None
    assert body["reminders"] == []
    assert body["calendar_url"].startswith("http://testserver/calendar/")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/plan/"), ("post", "/api/v1/plan/calendar-url/")],
)
def test_plan_endpoints_are_for_patients_only(api, clinician, method, path):
    assert getattr(api(clinician), method)(path).status_code == 403
    assert getattr(api(None), method)(path).status_code == 401


def test_rotating_the_calendar_url_kills_the_old_one(api, client, ny_patient, planned):
    patient_api = api(ny_patient.user)
    old = patient_api.get("/api/v1/plan/").json()["calendar_url"]
    assert patient_api.get("/api/v1/plan/").json()["calendar_url"] == old  # stable until rotated
    assert client.get(old.removeprefix("http://testserver")).status_code == 200
    response = patient_api.post("/api/v1/plan/calendar-url/")
    assert response.status_code == 200, response.content
    new = response.json()["calendar_url"]
    assert new != old
    assert patient_api.get("/api/v1/plan/").json()["calendar_url"] == new
    assert client.get(old.removeprefix("http://testserver")).status_code == 404
    assert client.get(new.removeprefix("http://testserver")).status_code == 200


def test_calendar_feed_has_the_restriction_end_and_the_follow_ups(api, client, ny_patient, planned):
    url = api(ny_patient.user).get("/api/v1/plan/").json()["calendar_url"]
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert events["Lifting restriction ends"].decoded("DTSTART") == dt.date(2026, 2, 27)
    assert events["No heavy lifting"].decoded("DTEND") == dt.date(2026, 2, 27)
    imaging = events["Follow-up X-ray or MRI"].decoded("DTSTART")
    assert imaging == dt.datetime(2026, 3, 20, 13, 0, tzinfo=dt.UTC)  # 09:00 EDT
    assert "Book your bone-health follow-up" in events
    assert "Time for your check-in" not in events  # daily nudges stay out of the calendar


def test_unknown_calendar_token_is_404(client, db):
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_clinician_lists_a_patients_reminders(api, clinician, ny_patient, planned):
    response = api(clinician).get(f"/api/v1/patients/{ny_patient.pk}/reminders/?page_size=10")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 51
    assert len(body["results"]) == 10
    assert body["next"]
    row = body["results"][0]
    assert {"id", "kind", "due_at", "status", "title", "reason", "attempts"} <= set(row)
    sent = api(clinician).get(f"/api/v1/patients/{ny_patient.pk}/reminders/?status=sent")
    assert sent.json()["count"] == 0
    bad = api(clinician).get(f"/api/v1/patients/{ny_patient.pk}/reminders/?status=nope")
    assert bad.status_code == 400


def test_reminders_of_another_teams_patient_are_404_and_patients_get_403(
    api, other_clinician, ny_patient, planned
):
    path = f"/api/v1/patients/{ny_patient.pk}/reminders/"
    assert api(other_clinician).get(path).status_code == 404
    assert api(ny_patient.user).get(path).status_code == 403
    assert api(None).get(path).status_code == 401


@pytest.mark.parametrize("patients", [1, 20])
def test_reminders_list_query_count_does_not_grow(
    api, clinician, team, record, django_assert_num_queries, patients
):
    rows = [PatientFactory(team=team, timezone="America/New_York") for _ in range(patients)]
    for patient in rows:
        record(patient)
    client = api(clinician)
    # 1 the user (JWT), 2 the patient in the caller's scope, 3 the count, 4 the page, 5 the
    # audit INSERT.
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/patients/{rows[-1].pk}/reminders/?page_size=200")
    assert response.status_code == 200
    assert response.json()["count"] == 35


def test_plan_query_count_does_not_grow_with_reminders(
    api, ny_patient, planned, django_assert_num_queries
):
    client = api(ny_patient.user)
    client.get("/api/v1/plan/")  # creates the calendar secret once
    # 1 the latest procedure, 2 its reminders, 3 the calendar feed; the user with the patient
    # is in the shared cache since the first request (accounts/user_cache.py).
    with django_assert_num_queries(3):
        assert client.get("/api/v1/plan/").status_code == 200


def test_unsubscribe_get_asks_and_post_stops_that_kind(client, ny_patient):
    token = optouts.unsubscribe_token(patient_id=ny_patient.pk, kind="checkin")
    page = client.get(f"/unsubscribe/{token}/")
    assert page.status_code == 200
    assert b"Stop reminder emails?" in page.content
    assert not ReminderOptOut.objects.exists()  # a link preview must not unsubscribe
    done = client.post(f"/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert b"no more check-in reminder emails" in done.content
    again = client.post(f"/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert list(ReminderOptOut.objects.values_list("patient", "kind")) == [
        (ny_patient.pk, "checkin")
    ]


def test_unsubscribe_from_all(client, ny_patient):
    token = optouts.unsubscribe_token(patient_id=ny_patient.pk, kind="all")
    assert client.post(f"/unsubscribe/{token}/").status_code == 200
    assert ReminderOptOut.objects.get(patient=ny_patient).kind == "all"


def test_a_tampered_unsubscribe_link_changes_nothing(client, ny_patient):
    token = optouts.unsubscribe_token(patient_id=ny_patient.pk, kind="checkin")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert client.post(f"/unsubscribe/{forged}/").status_code == 404
    assert client.get("/unsubscribe/garbage/").status_code == 404
    assert not ReminderOptOut.objects.exists()
