"""GET /api/v1/dashboard/ and the figures on top of the list page: the same numbers."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from tests.dashboard.conftest import make_alert
from tests.factories import CheckInFactory, PatientFactory, ProcedureFactory

# 23:30 UTC on 10 March 2026: already 11 March in Tokyo (UTC+9), still the morning of
# 10 March in Chicago (UTC-5 since US summer time began on 8 March).
NOW = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_anonymous_gets_401(api, db):
    assert api(None).get("/api/v1/dashboard/").status_code == 401


def test_a_patient_gets_403(api, patient):
    assert api(patient.user).get("/api/v1/dashboard/").status_code == 403


def test_a_session_login_may_read_it_too(browser_client, clinician, patient):
    response = browser_client(clinician).get("/api/v1/dashboard/")
    assert response.status_code == 200
    assert response.json()["patients_total"] == 1


def test_an_empty_team_has_zeros(api, clinician):
    assert api(clinician).get("/api/v1/dashboard/").json() == {
        "patients_total": 0,
        "patients_in_recovery": 0,
        "open_alerts": {"emergency": 0, "urgent": 0, "warning": 0, "info": 0},
        "checked_in_today": 0,
        "missed_checkins": 0,
    }


@time_machine.travel(NOW, tick=False)
def test_checked_in_today_counts_each_patients_own_local_day(api, clinician, team, other_team):
    def checked_in(tz, *recorded):
        patient = PatientFactory(team=team, timezone=tz)
        for when in recorded:
            CheckInFactory(patient=patient, recorded_at=when)
        return patient

    checked_in("UTC", at(10, 8))  # 10 March in UTC: today
    checked_in("UTC", at(9, 23, 59))  # 9 March: yesterday
    checked_in("Asia/Tokyo", at(10, 20))  # 05:00 on 11 March in Tokyo: today
    checked_in("Asia/Tokyo", at(10, 14))  # 23:00 on 10 March in Tokyo: yesterday there
    checked_in("America/Chicago", at(10, 6))  # 01:00 on 10 March in Chicago: today
    checked_in("America/Chicago", at(10, 4))  # 23:00 on 9 March in Chicago: yesterday
    # 00:15 on 11 March in Berlin (today there), stored before an offline check-in from
    # the day before was replayed: the latest recorded_at decides, not the latest row.
    checked_in("Europe/Berlin", at(10, 23, 15), at(9, 12))
    checked_in("UTC")  # never checked in
    PatientFactory(team=other_team, timezone="UTC")
    CheckInFactory(patient=PatientFactory(team=other_team), recorded_at=at(10, 9))

    body = api(clinician).get("/api/v1/dashboard/").json()

    assert body["patients_total"] == 8
    assert body["checked_in_today"] == 4


@time_machine.travel(NOW, tick=False)
def test_patients_in_recovery_have_a_latest_procedure_at_most_84_days_ago(api, clinician, team):
    tokyo_today = date(2026, 3, 11)
    utc_today = date(2026, 3, 10)

    def operated(tz, *days):
        patient = PatientFactory(team=team, timezone=tz)
        for performed_on in days:
            ProcedureFactory(patient=patient, performed_on=performed_on)

    operated("UTC", utc_today)  # day 0
    operated("UTC", utc_today - timedelta(days=84))  # the last day of recovery
    operated("UTC", utc_today - timedelta(days=85))  # just past it
    # 85 days before today in UTC, but Tokyo is already a day further: 85 there too...
    operated("Asia/Tokyo", tokyo_today - timedelta(days=85))
    # ...and 84 days in Tokyo is 83 in UTC: counted by the patient's own calendar.
    operated("Asia/Tokyo", tokyo_today - timedelta(days=84))
    # A new fracture: only the latest procedure counts.
    operated("UTC", utc_today - timedelta(days=300), utc_today - timedelta(days=10))
    operated("UTC", utc_today - timedelta(days=200))
    operated("UTC")  # no procedure

    body = api(clinician).get("/api/v1/dashboard/").json()

    assert body["patients_total"] == 8
    assert body["patients_in_recovery"] == 4


def test_open_alerts_and_missed_checkins_count_unresolved_alerts_of_the_team(
    api, clinician, team, other_patient
):
    first, second, third = (PatientFactory(team=team) for _ in range(3))
    make_alert(first, rule="embolism_signs", severity="emergency")
    make_alert(first, rule="fever", severity="urgent", status="acknowledged")
    make_alert(second, rule="leg_neuro", severity="urgent")
    make_alert(second, rule="no_relief", severity="warning")
    make_alert(third, rule="site_infection", severity="warning", status="resolved")
    make_alert(first, rule="missed_checkins", severity="info")
    make_alert(second, rule="missed_checkins", severity="info", status="acknowledged")
    make_alert(third, rule="missed_checkins", severity="info", status="resolved")
    make_alert(other_patient, rule="missed_checkins", severity="info")
    make_alert(other_patient, rule="embolism_signs", severity="emergency")

    body = api(clinician).get("/api/v1/dashboard/").json()

    assert body["open_alerts"] == {"emergency": 1, "urgent": 2, "warning": 1, "info": 2}
    assert body["missed_checkins"] == 2


def page_figures(response) -> dict[str, int]:
    found = re.findall(r'data-figure="(\w+)">(\d+)<', response.content.decode())
    return {name: int(value) for name, value in found}


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_the_same_numbers_as_the_api(api, browser_client, clinician, team):
    for index, tz in enumerate(["UTC", "Asia/Tokyo", "America/Chicago", "Pacific/Auckland"]):
        patient = PatientFactory(team=team, timezone=tz)
        ProcedureFactory(
            patient=patient, performed_on=date(2026, 3, 1) - timedelta(days=40 * index)
        )
        CheckInFactory(patient=patient, recorded_at=at(10, 5 * index))
        make_alert(patient, rule="fever", severity=["urgent", "emergency"][index % 2])
        if index % 2:
            make_alert(patient, rule="missed_checkins", severity="info")

    body = api(clinician).get("/api/v1/dashboard/").json()
    figures = page_figures(browser_client(clinician).get("/dashboard/"))

    assert figures == {
        "patients_total": body["patients_total"],
        "patients_in_recovery": body["patients_in_recovery"],
        "checked_in_today": body["checked_in_today"],
        "missed_checkins": body["missed_checkins"],
        **{f"open_{severity}": n for severity, n in body["open_alerts"].items()},
    }
    # Not all zero, so the comparison above means something.
    assert body["patients_in_recovery"] == 2  # days 9 and 49; not 89 and 129
    # UTC, Chicago (05:00 on 10 March) and Auckland (04:00 on 11 March, its today); not
    # Tokyo (14:00 on 10 March, while Tokyo is already on 11 March).
    assert body["checked_in_today"] == 3
    assert body["missed_checkins"] == 2


@pytest.mark.parametrize("count", [1, 20])
def test_the_api_runs_a_constant_number_of_queries(
    api, clinician, team, django_assert_num_queries, count
):
    zones = ["UTC", "Asia/Tokyo", "America/Chicago", "Europe/Berlin"]
    for i in range(count):
        patient = PatientFactory(team=team, timezone=zones[i % len(zones)])
        ProcedureFactory(patient=patient)
        CheckInFactory(patient=patient)
        make_alert(patient, rule="missed_checkins", severity="info")
    client = api(clinician)
    # 1 the user of the access token; 2 every figure in one statement.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/dashboard/")
    assert response.json()["patients_total"] == count
    assert response.json()["checked_in_today"] == count
    assert response.json()["missed_checkins"] == count
