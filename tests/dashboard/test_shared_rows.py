"""The dashboard and GET /api/v1/patients/ read patients through one selector."""

import re

import pytest

from tests.dashboard.conftest import make_alert
from tests.factories import CheckInFactory, PatientFactory, ProcedureFactory


@pytest.fixture
def ward(team):
    patients = []
    for i, (severity, pain) in enumerate(
        [(None, 9), ("warning", 2), ("emergency", 0), (None, None), ("urgent", 5), ("urgent", 8)]
    ):
        patient = PatientFactory(team=team, first_name=f"P{i}", last_name=f"Shared{i}")
        if pain is not None:
            CheckInFactory(patient=patient, pain_score=pain)
        if severity:
            make_alert(patient, rule="fever", severity=severity)
        patients.append(patient)
    return patients


def test_the_page_and_the_api_list_patients_in_the_same_risk_order(
    api, browser_client, clinician, ward
):
    from_api = [row["id"] for row in api(clinician).get("/api/v1/patients/").json()["results"]]
    page = browser_client(clinician).get("/dashboard/").content.decode()
    from_page = [int(pk) for pk in re.findall(r'<tr data-patient="(\d+)">', page)]
    assert from_page == from_api
    assert from_api[:3] == [ward[2].pk, ward[5].pk, ward[4].pk]


def test_the_api_search_and_orderings_still_work(api, clinician, ward):
    client = api(clinician)
    found = client.get("/api/v1/patients/", {"search": "shared3"}).json()["results"]
    assert [row["id"] for row in found] == [ward[3].pk]
    by_name = client.get("/api/v1/patients/", {"ordering": "last_name"}).json()["results"]
    assert [row["id"] for row in by_name] == [p.pk for p in ward]
    assert client.get("/api/v1/patients/", {"ordering": "nonsense"}).status_code == 400


@pytest.mark.parametrize("checkins", [1, 20])
def test_the_patient_page_runs_a_constant_number_of_queries(
    browser_client, clinician, patient, django_assert_num_queries, checkins
):
    ProcedureFactory(patient=patient)
    ProcedureFactory(patient=patient)
    for _ in range(checkins):
        CheckInFactory(patient=patient, temperature_c=37.0, symptoms=["chills"])
        make_alert(patient, rule="fever", severity="urgent", status="resolved")
    client = browser_client(clinician)
    # 1 session, 2 user, 3 the patient with every annotation and team, 4 alerts with their
    # clinicians and check-ins, 5 their calls, 6 procedures, 7 check-ins, 8 reminders, 9 the
    # silences in force, 10 the caregivers, 11-13 pipeline banner from the one outbox (both
    # heartbeats, oldest urgent message by channel, failed messages by channel and category),
    # 14 the bone-health section's patient with its record and latest procedure (bonehealth;
    # its change history is one more query once a record exists), 15 the audit INSERT.
    with django_assert_num_queries(15):
        response = client.get(f"/dashboard/patients/{patient.pk}/")
    assert response.status_code == 200
