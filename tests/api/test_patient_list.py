"""GET /api/v1/patients/: search, ordering, and what each row says."""

import datetime as dt

import pytest
import time_machine

from recovery.models import Alert
from tests.factories import CheckInFactory, ClinicianFactory, PatientFactory, ProcedureFactory


def alert(patient, rule, severity, status="open"):
    return Alert.objects.create(
        patient=patient, rule=rule, severity=severity, status=status, message="..."
    )


def rows(api, clinician, **query):
    response = api(clinician).get("/api/v1/patients/", query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def names(api, clinician, **query):
    return [r["last_name"] for r in rows(api, clinician, **query)]


def test_a_row_has_the_fields_the_contract_names(api, clinician, patient):
    row = rows(api, clinician)[0]
    assert set(row) >= {
        "id",
        "first_name",
        "last_name",
        "days_since_procedure",
        "latest_pain_score",
        "last_checkin_at",
        "open_alerts",
    }
    assert row["days_since_procedure"] is None
    assert row["latest_pain_score"] is None and row["last_checkin_at"] is None
    assert row["open_alerts"] == {"emergency": 0, "urgent": 0, "warning": 0, "info": 0}


def test_search_matches_names_and_email(api, clinician, team):
    PatientFactory(team=team, first_name="Ada", last_name="Lovelace", user__email="ada@x.test")
    PatientFactory(team=team, first_name="Alan", last_name="Turing", user__email="at@bletch.test")
    PatientFactory(team=team, first_name="Grace", last_name="Hopper", user__email="gh@navy.test")
    assert names(api, clinician, search="ada") == ["Lovelace"]
    assert names(api, clinician, search="TURING") == ["Turing"]
    assert names(api, clinician, search="navy.test") == ["Hopper"]
    assert names(api, clinician, search="alan turing") == ["Turing"]
    assert names(api, clinician, search="alan hopper") == []
    assert sorted(names(api, clinician, search="  ")) == ["Hopper", "Lovelace", "Turing"]


def test_risk_orders_by_highest_unresolved_severity_then_latest_pain(api, clinician, team):
    calm = PatientFactory(team=team, last_name="Calm")
    CheckInFactory(patient=calm, pain_score=9)
    warned = PatientFactory(team=team, last_name="Warned")
    alert(warned, "site_infection", "warning")
    CheckInFactory(patient=warned, pain_score=2)
    urgent_low = PatientFactory(team=team, last_name="UrgentLow")
    alert(urgent_low, "fever", "urgent", status="acknowledged")
    CheckInFactory(patient=urgent_low, pain_score=3)
    urgent_high = PatientFactory(team=team, last_name="UrgentHigh")
    alert(urgent_high, "fever", "urgent")
    alert(urgent_high, "site_infection", "warning")
    # An older check-in with more pain does not count: the latest one does.
    CheckInFactory(patient=urgent_high, pain_score=10, recorded_at="2026-11-01T08:00:00Z")
    CheckInFactory(patient=urgent_high, pain_score=6, recorded_at="2026-11-02T08:00:00Z")
    resolved = PatientFactory(team=team, last_name="Resolved")
    alert(resolved, "embolism_signs", "emergency", status="resolved")
    CheckInFactory(patient=resolved, pain_score=1)
    emergency = PatientFactory(team=team, last_name="Emergency")
    alert(emergency, "embolism_signs", "emergency")
    info_only = PatientFactory(team=team, last_name="Info")
    alert(info_only, "missed_checkins", "info")
    silent = PatientFactory(team=team, last_name="Silent")  # no check-in: after pain 1

    expected = ["Emergency", "UrgentHigh", "UrgentLow", "Warned", "Info", "Calm", "Resolved"]
    assert names(api, clinician) == [*expected, "Silent"]
    assert names(api, clinician, ordering="risk") == [*expected, "Silent"]
    by_name = {r["last_name"]: r for r in rows(api, clinician)}
    assert by_name["UrgentHigh"]["latest_pain_score"] == 6
    assert by_name["UrgentHigh"]["open_alerts"] == {
        "emergency": 0,
        "urgent": 1,
        "warning": 1,
        "info": 0,
    }
    assert by_name["UrgentLow"]["open_alerts"]["urgent"] == 1  # acknowledged still counts
    assert by_name["Resolved"]["open_alerts"]["emergency"] == 0
    assert by_name["Silent"]["latest_pain_score"] is None
    assert silent.pk == by_name["Silent"]["id"]


def test_ordering_by_last_name_and_by_last_checkin(api, clinician, team):
    never = PatientFactory(team=team, last_name="Adams")
    early = PatientFactory(team=team, last_name="Baker")
    CheckInFactory(patient=early, recorded_at="2026-11-01T08:00:00Z")
    late = PatientFactory(team=team, last_name="Carter")
    CheckInFactory(patient=late, recorded_at="2026-11-01T07:00:00Z")
    CheckInFactory(patient=late, recorded_at="2026-11-05T07:00:00Z")
    assert names(api, clinician, ordering="last_name") == ["Adams", "Baker", "Carter"]
    assert names(api, clinician, ordering="-last_checkin_at") == ["Carter", "Baker", "Adams"]
    assert never.pk
    row = rows(api, clinician, ordering="-last_checkin_at")[0]
    assert row["last_checkin_at"] == "2026-11-05T07:00:00Z"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Pacific/Auckland", 3), ("UTC", 2), ("Pacific/Honolulu", 2), ("America/Los_Angeles", 2)],
)
def test_days_since_procedure_counts_in_the_patients_zone(api, clinician, team, zone, expected):
    # 12:30 UTC on 12 March is already 13 March in Auckland (UTC+13), still 12 March elsewhere.
    patient = PatientFactory(team=team, timezone=zone)
    ProcedureFactory(patient=patient, performed_on=dt.date(2026, 3, 1))
    ProcedureFactory(patient=patient, performed_on=dt.date(2026, 3, 10))  # the latest counts
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 30, tzinfo=dt.UTC), tick=False):
        row = rows(api, clinician)[0]
    assert row["days_since_procedure"] == expected


def test_the_list_is_paginated(api, clinician, team):
    PatientFactory.create_batch(3, team=team)
    body = api(clinician).get("/api/v1/patients/", {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2 and body["previous"] is None
    second = api(clinician).get(body["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None


def test_open_alerts_count_each_alert_once_however_many_clinicians(api, clinician, team):
    # The scope joins the team's clinicians; a second clinician must not double the counts.
    ClinicianFactory(teams=[team])
    patient = PatientFactory(team=team)
    alert(patient, "fever", "urgent")
    alert(patient, "leg_neuro", "urgent", status="acknowledged")
    alert(patient, "no_relief", "warning", status="resolved")
    row = rows(api, clinician)[0]
    assert row["open_alerts"] == {"emergency": 0, "urgent": 2, "warning": 0, "info": 0}
    assert api(clinician).get("/api/v1/patients/").json()["count"] == 1


def test_the_hand_written_row_equals_drfs_own_rendering(clinician, team):
    """PatientSerializer reads its fields straight off the row for speed; DRF's generic
    rendering of the same declared fields must give the same JSON, for every kind of row."""
    from rest_framework import serializers

    from recovery.api.patient_serializers import PatientCreatedSerializer, PatientSerializer
    from recovery.selectors import patient_list_for

    bare = PatientFactory(team=team, timezone="Asia/Tokyo")
    full = PatientFactory(team=team, has_osteoporosis=True, reminder_hour=20)
    ProcedureFactory(patient=full, performed_on=dt.date(2026, 1, 5))
    CheckInFactory(patient=full, pain_score=4)
    alert(full, "fever", "urgent")
    alert(full, "no_relief", "warning", status="acknowledged")
    alert(full, "site_infection", "warning", status="resolved")
    for patient in (bare, full):
        row = patient_list_for(clinician).get(pk=patient.pk)
        fast = PatientSerializer(row).data
        generic = serializers.ModelSerializer.to_representation(PatientSerializer(row), row)
        assert fast == generic
        assert list(fast) == list(generic)  # the same key order too
        row.enrollment_code = "ABCD-EFGH"
        created = PatientCreatedSerializer(row)
        assert created.data == serializers.ModelSerializer.to_representation(created, row)
