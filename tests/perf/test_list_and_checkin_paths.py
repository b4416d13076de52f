"""The faster list selector and check-in path still say the same things (bench/RESULTS.md)."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recovery.models import Alert, CheckIn
from tests.factories import CheckInFactory, PatientFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def test_risk_order_counts_only_unresolved_alerts_by_severity(team, clinician, api):
    calm, warned, urgent = (PatientFactory(team=team, last_name=n) for n in "ABC")
    CheckInFactory(patient=calm, pain_score=9)
    CheckInFactory(patient=warned, pain_score=2)
    Alert.objects.create(patient=warned, rule="no_relief", severity="warning", message="m")
    Alert.objects.create(
        patient=warned,
        rule="site_infection",
        severity="warning",
        status="acknowledged",
        message="m",
    )
    Alert.objects.create(patient=urgent, rule="fever", severity="urgent", message="m")
    Alert.objects.create(
        patient=urgent,
        rule="embolism_signs",
        severity="emergency",
        status="resolved",
        message="m",
    )
    rows = api(clinician).get("/api/v1/patients/").json()["results"]
    assert [r["last_name"] for r in rows] == ["C", "B", "A"]
    by_name = {r["last_name"]: r["open_alerts"] for r in rows}
    assert by_name["C"] == {"emergency": 0, "urgent": 1, "warning": 0, "info": 0}
    assert by_name["B"] == {"emergency": 0, "urgent": 0, "warning": 2, "info": 0}
    assert by_name["A"] == {"emergency": 0, "urgent": 0, "warning": 0, "info": 0}
    assert rows[2]["latest_pain_score"] == 9


def test_other_teams_patients_are_not_counted_or_listed(team, clinician, other_patient, api):
    PatientFactory(team=team)
    body = api(clinician).get("/api/v1/patients/").json()
    assert body["count"] == 1
    assert other_patient.pk not in [r["id"] for r in body["results"]]


def checkin(api, patient, **body):
    return api(patient.user).post(
        "/api/v1/checkins/", {"id": str(uuid.uuid4()), **body}, format="json"
    )


@pytest.mark.django_db(transaction=True)
def test_calm_checkin_is_one_insert_without_a_transaction(patient, procedure, api):
    client = api(patient.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/checkins/", {"id": str(uuid.uuid4()), "pain_score": 2}, format="json"
        )
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in queries.captured_queries]
    # user+patient+team, the rules' reads (history and procedure), the insert: no
    # BEGIN/COMMIT for one row.
    assert len(sql) == 3, sql
    assert sql[-1].startswith("INSERT INTO")
    assert response.json()["alerts"] == []
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/checkins/", {"id": str(uuid.uuid4()), "pain_score": 2}, format="json"
        )
    assert response.status_code == 201, response.content
    # The user's row from the shared cache now (accounts/user_cache.py).
    assert len(queries.captured_queries) == 2, queries.captured_queries


def test_checkin_that_fires_stores_checkin_and_alert_together(patient, procedure, api):
    response = checkin(api, patient, pain_score=2, symptoms=["chest_pain"])
    assert response.status_code == 201, response.content
    assert [a["rule"] for a in response.json()["alerts"]] == ["embolism_signs"]
    alert = Alert.objects.get(patient=patient)
    assert list(alert.checkins.values_list("pk", flat=True)) == [uuid.UUID(response.json()["id"])]


def test_rules_see_only_earlier_checkins(patient, api):
    ProcedureFactory(patient=patient, performed_on=timezone.now().date() - dt.timedelta(days=20))
    CheckInFactory(patient=patient, pain_score=1, recorded_at=timezone.now() - dt.timedelta(1))
    response = checkin(api, patient, pain_score=8)
    assert {a["rule"] for a in response.json()["alerts"]} == {
        "worsening_pain",
        "new_fracture_suspected",
    }


def test_replay_of_a_firing_checkin_adds_nothing(patient, procedure, api):
    body = {"id": str(uuid.uuid4()), "pain_score": 3, "symptoms": ["fever"]}
    first = api(patient.user).post("/api/v1/checkins/", body, format="json")
    again = api(patient.user).post("/api/v1/checkins/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["alerts"] == first.json()["alerts"]
    assert Alert.objects.get(patient=patient).occurrences == 1
    assert CheckIn.objects.filter(patient=patient).count() == 1


def test_replay_with_another_body_conflicts(patient, procedure, api):
    body = {"id": str(uuid.uuid4()), "pain_score": 3}
    api(patient.user).post("/api/v1/checkins/", body, format="json")
    clash = api(patient.user).post("/api/v1/checkins/", {**body, "pain_score": 4}, format="json")
    assert clash.status_code == 409
