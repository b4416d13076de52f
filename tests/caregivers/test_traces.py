"""Every trace names who did it: the audit and the patient's access log, the dashboard's
patient page, the FHIR export; and lists that cost the same for 1 or 20 rows."""

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from audit.models import AccessRecord
from tests.factories import CaregiverFactory, CareLinkFactory, CheckInFactory, PatientFactory


def test_caregiver_reads_and_checkins_are_audited_and_in_the_patients_access_log(
    api, caregiver, patient, procedure
):
    client = api(caregiver)
    assert client.get("/api/v1/checkins/").status_code == 200
    assert client.get("/api/v1/plan/").status_code == 200
    assert client.post("/api/v1/checkins/", {"pain_score": 2}, format="json").status_code == 201

    rows = AccessRecord.objects.filter(actor=caregiver).order_by("id")
    # The empty check-in list showed nothing of the patient: not a read of their record.
    assert [(r.patient_id, r.action, r.kind) for r in rows] == [
        (patient.pk, "plan", "read"),
        (patient.pk, "checkin-list", "change"),
    ]
    log = api(patient.user).get("/api/v1/me/access-log/").json()["results"]
    caregiver_lines = [line for line in log if line["role"] == "caregiver"]
    assert {line["who"] for line in caregiver_lines} == {"Ann Hill"}
    assert "checked in for you" in {line["description"] for line in caregiver_lines}
    assert "looked at your recovery plan" in {line["description"] for line in caregiver_lines}


def test_a_caregivers_list_read_is_audited_for_each_patient_shown(api, caregiver, patient):
    second = PatientFactory(team=patient.team)
    CareLinkFactory(patient=second, caregiver=caregiver)
    CheckInFactory(patient=patient)
    CheckInFactory(patient=second)
    assert api(caregiver).get("/api/v1/checkins/").status_code == 200
    assert set(AccessRecord.objects.values_list("patient_id", "action")) == {
        (patient.pk, "checkin-list"),
        (second.pk, "checkin-list"),
    }


def test_a_patients_own_reads_are_not_audited(api, patient, procedure):
    api(patient.user).get("/api/v1/checkins/")
    api(patient.user).get("/api/v1/plan/")
    assert not AccessRecord.objects.exists()


def test_the_dashboard_patient_page_says_who_entered_a_checkin(api, caregiver, patient, clinician):
    api(caregiver).post("/api/v1/checkins/", {"pain_score": 4}, format="json")
    api(patient.user).post("/api/v1/checkins/", {"pain_score": 3}, format="json")
    browser = Client()
    browser.force_login(clinician)
    page = browser.get(f"/dashboard/patients/{patient.pk}/").content.decode()
    assert page.count("entered by Ann Hill (daughter)") == 1


def test_the_fhir_export_names_the_caregiver_as_performer(api, caregiver, link, patient, clinician):
    api(caregiver).post("/api/v1/checkins/", {"pain_score": 4}, format="json")
    api(patient.user).post("/api/v1/checkins/", {"pain_score": 3}, format="json")
    response = api(clinician).get(f"/fhir/Patient/{patient.pk}/$everything")
    assert response.status_code == 200
    body = response.json()
    Bundle.model_validate(body)
    entries = [entry["resource"] for entry in body["entry"]]
    [person] = [r for r in entries if r["resourceType"] == "RelatedPerson"]
    assert person["id"] == str(link.pk)
    assert person["patient"] == {"reference": f"Patient/{patient.pk}"}
    assert person["relationship"] == [{"text": "daughter"}]
    assert person["name"] == [{"text": "Ann Hill"}]
    performers = sorted(
        r["performer"][0]["reference"]
        for r in entries
        if r["resourceType"] == "Observation" and r["id"].endswith("-pain")
    )
    assert performers == [f"Patient/{patient.pk}", f"RelatedPerson/{link.pk}"]


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 20])
def test_a_caregivers_checkin_list_costs_the_same_for_1_or_20_patients(
    api, team, n, django_assert_num_queries
):
    ann = CaregiverFactory()
    for _ in range(n):
        patient = PatientFactory(team=team)
        CareLinkFactory(patient=patient, caregiver=ann)
        CheckInFactory(patient=patient, entered_by=ann)
    client = api(ann)
    # 1 the user behind the token, 2 the count, 3 the page with entered_by joined (the scope
    # is a subquery on the active links), 4 the audit INSERT (one for the whole page).
    with django_assert_num_queries(4):
        response = client.get("/api/v1/checkins/")
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_a_caregivers_me_costs_the_same_for_1_or_20_patients(
    api, team, n, django_assert_num_queries
):
    ann = CaregiverFactory()
    for _ in range(n):
        CareLinkFactory(patient=PatientFactory(team=team), caregiver=ann)
    client = api(ann)
    # 1 the user behind the token, 2 the patients of the active links.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/me/")
    assert len(response.json()["patients"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_caregiver_lists_of_a_patient_cost_the_same_for_1_or_20_links(
    api, patient, clinician, n, django_assert_num_queries
):
    for _ in range(n):
        CareLinkFactory(patient=patient)
    own = api(patient.user)
    # 1 the user (with the patient, joined by the JWT authentication), 2 the count, 3 the page.
    with django_assert_num_queries(3):
        mine = own.get("/api/v1/me/caregivers/")
    assert mine.json()["count"] == n
    team = api(clinician)
    # 1 the user, 2 the patient in the clinician's scope, 3 the count, 4 the page, 5 the
    # audit INSERT.
    with django_assert_num_queries(5):
        theirs = team.get(f"/api/v1/patients/{patient.pk}/caregivers/")
    assert theirs.json()["count"] == n
