"""List endpoints answer in a constant number of queries, for 1 patient and for 20."""

import pytest

from recovery.models import Alert
from tests.factories import CheckInFactory, PatientFactory, ProcedureFactory


@pytest.fixture
def populate(team, other_team):
    """n patients in the clinician's team, each with two procedures, three check-ins and an
    open alert; the same again in another team, which must cost nothing either."""

    def make(n):
        patients = []
        for index in range(n):
            for where in (team, other_team):
                patient = PatientFactory(team=where)
                ProcedureFactory.create_batch(2, patient=patient)
                CheckInFactory.create_batch(3, patient=patient, pain_score=index % 11)
                Alert.objects.create(patient=patient, rule="fever", severity="urgent", message=".")
                if where == team:
                    patients.append(patient)
        return patients

    return make


@pytest.mark.parametrize("n", [1, 20])
def test_patient_list_queries_do_not_grow(api, clinician, populate, django_assert_num_queries, n):
    populate(n)
    client = api(clinician)
    # 1 the user behind the token, 2 the page of patients with the latest check-in, latest
    # procedure and unresolved alert counts on each row, and the pager's count read with it
    # (count(*) OVER ()), 3 the audit INSERT (one statement for the whole page).
    with django_assert_num_queries(3):
        response = client.get("/api/v1/patients/")
    assert len(response.json()["results"]) == n
    # The same without the user's: it is in the shared cache now (accounts/user_cache.py).
    with django_assert_num_queries(2):
        response = client.get("/api/v1/patients/", {"ordering": "-last_checkin_at", "search": "e"})
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_procedure_list_queries_do_not_grow(api, clinician, populate, django_assert_num_queries, n):
    patients = populate(n)
    # 1 the user behind the token, 2 the count, 3 the page of procedures (scope is a subquery);
    # for the clinician, 4 the audit INSERT (a patient reading their own record is not audited).
    clinician_client, patient_client = api(clinician), api(patients[-1].user)
    with django_assert_num_queries(4):
        response = clinician_client.get("/api/v1/procedures/")
    assert len(response.json()["results"]) == 2 * n
    with django_assert_num_queries(3):
        response = patient_client.get("/api/v1/procedures/")
    assert len(response.json()["results"]) == 2


@pytest.mark.parametrize("n", [1, 20])
def test_patient_checkins_queries_do_not_grow(
    api, clinician, populate, django_assert_num_queries, n
):
    patients = populate(n)
    patient = patients[-1]
    CheckInFactory.create_batch(n, patient=patient)
    # 1 the user behind the token, 2 the patient within the clinician's scope (404 otherwise),
    # 3 the count, 4 the page of check-ins, 5 the audit INSERT.
    client = api(clinician)
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/patients/{patient.pk}/checkins/")
    assert len(response.json()["results"]) == 3 + n


@pytest.mark.parametrize("n", [1, 20])
def test_own_checkins_queries_do_not_grow(api, populate, django_assert_num_queries, n):
    patients = populate(n)
    patient = patients[-1]
    CheckInFactory.create_batch(n, patient=patient)
    # 1 the user behind the token, 2 the count, 3 the page (scope is a subquery on the user).
    client = api(patient.user)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/checkins/")
    assert len(response.json()["results"]) == 3 + n
