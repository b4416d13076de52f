"""Every list endpoint answers in a constant number of queries: the same for 1 and 20 patients.

The counts name their queries; the dashboard's own test lives with the dashboard. An N+1
coming back shows here as a count that grows with the patients.
"""

import datetime as dt

import pytest
from django.utils import timezone

from recovery.models import Alert
from tests.factories import CheckInFactory, PatientFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def populate(team, n: int) -> list:
    patients = []
    for i in range(n):
        patient = PatientFactory(team=team)
        ProcedureFactory(patient=patient, performed_on=timezone.now().date() - dt.timedelta(i))
        for days in (1, 2):
            CheckInFactory(patient=patient, recorded_at=timezone.now() - dt.timedelta(days=days))
        Alert.objects.create(patient=patient, rule="fever", severity="urgent", message="m")
        patients.append(patient)
    return patients


@pytest.mark.parametrize("n", [1, 20])
def test_patient_list_queries_do_not_grow_with_patients(
    n, team, clinician, api, django_assert_num_queries
):
    populate(team, n)
    client = api(clinician)
    # 1 user (with patient and team joined), 2 the page with every column and the count
    # (count(*) OVER ()), 3 the access audit's records of the patients shown (one INSERT).
    with django_assert_num_queries(3):
        response = client.get("/api/v1/patients/?page_size=50")
    assert response.status_code == 200
    assert response.json()["count"] == n


@pytest.mark.parametrize("ordering", ["risk", "last_name", "-last_checkin_at"])
@pytest.mark.parametrize("n", [1, 20])
def test_patient_list_orderings_and_search_keep_the_count(
    n, ordering, team, clinician, api, django_assert_num_queries
):
    populate(team, n)
    client = api(clinician)
    with django_assert_num_queries(3):  # user, page with its count, access audit
        response = client.get(f"/api/v1/patients/?ordering={ordering}&search=Ient")
    assert response.status_code == 200
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 20])
def test_procedure_list_queries_do_not_grow(n, team, clinician, api, django_assert_num_queries):
    populate(team, n)
    client = api(clinician)
    # 1 user, 2 count, 3 the page, 4 the access audit.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/procedures/")
    assert response.status_code == 200
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 20])
def test_patient_own_checkin_list_queries_do_not_grow(n, team, api, django_assert_num_queries):
    patient = populate(team, 1)[0]
    for days in range(3, 3 + n):
        CheckInFactory(patient=patient, recorded_at=timezone.now() - dt.timedelta(days=days))
    client = api(patient.user)
    # 1 user (with patient), 2 count, 3 the page.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/checkins/")
    assert response.status_code == 200
    assert response.json()["count"] == n + 2


@pytest.mark.parametrize("path", ["checkins", "procedures"])
@pytest.mark.parametrize("n", [1, 20])
def test_one_patients_lists_queries_do_not_grow(
    n, path, team, clinician, api, django_assert_num_queries
):
    patient = populate(team, n)[0]
    for days in range(3, 3 + n):
        CheckInFactory(patient=patient, recorded_at=timezone.now() - dt.timedelta(days=days))
        ProcedureFactory(patient=patient, performed_on=timezone.now().date() - dt.timedelta(days))
    client = api(clinician)
    # 1 user, 2 the patient in the clinician's scope, 3 count, 4 the page, 5 the access audit.
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/patients/{patient.pk}/{path}/")
    assert response.status_code == 200
    assert response.json()["count"] >= n
