"""The API list's hand-written page (selectors.patient_page_for, patient_page_data) says what
the annotated queryset and PatientSerializer say, for every ordering, status and search."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessRecord
from recovery import lifecycle
from recovery.api.patient_serializers import PatientSerializer, patient_page_data
from recovery.models import Alert
from recovery.selectors import PAGE_ORDER, PATIENT_ORDERINGS, patient_page_for, patient_rows_for
from tests.factories import CheckInFactory, ClinicianFactory, PatientFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(team, other_team, clinician, other_clinician):
    """Rows of every kind: zones, levels, alerts, a discharge, texts consent, ties in pain,
    names with LIKE's wildcards; and another team's patients, who must never show."""
    ClinicianFactory(teams=[team])  # a second clinician must not double any row
    made = []
    for index, zone in enumerate(["UTC", "Pacific/Auckland", "America/Los_Angeles"] * 3):
        patient = PatientFactory(
            team=team,
            timezone=zone,
            first_name=f"Pat{9 - index}",  # names and ids in opposite orders
            last_name=["Smith", "O_Neil", "100%"][index % 3],
            user__email=f"p{index}@ward.test",
        )
        if index % 2:
            ProcedureFactory(patient=patient, performed_on=dt.date(2026, 1, 1 + index))
        if index % 3:
            CheckInFactory(patient=patient, pain_score=index % 4)
        if index % 4 == 1:
            Alert.objects.create(patient=patient, rule="fever", severity="urgent", message=".")
        made.append(patient)
    made[4].phone, made[4].sms_consent_at = "+15555550100", timezone.now()
    made[4].save()
    lifecycle.patient_discharge(patient=made[5], by=clinician, reason="recovered")
    PatientFactory.create_batch(2, team=other_team, last_name="Smith")
    return made


@pytest.mark.parametrize("ordering", list(PATIENT_ORDERINGS))
@pytest.mark.parametrize("status", ["active", "discharged", "all"])
@pytest.mark.parametrize("search", ["", "smith", "o_n", "100%", "ward.test p1", "nobody"])
def test_the_page_equals_the_querysets_rows(clinician, ward, ordering, status, search):
    expected = PatientSerializer(
        patient_rows_for(clinician, search=search, ordering=ordering, status=status), many=True
    ).data
    for offset, limit in ((0, 50), (0, 4), (4, 4)):
        count, rows = patient_page_for(
            clinician, search=search, ordering=ordering, status=status, offset=offset, limit=limit
        )
        page = patient_page_data(rows)
        assert page == expected[offset : offset + limit]
        assert [list(row) for row in page] == [list(row) for row in expected[offset:][:limit]]
        assert count == (len(expected) if rows else 0)


def test_every_ordering_is_written_in_sql():
    assert set(PAGE_ORDER) == set(PATIENT_ORDERINGS)


def test_only_clinicians_have_a_page(patient):
    assert patient_page_for(patient.user) == (0, [])


def test_the_page_is_audited_patient_by_patient(api, clinician, ward):
    body = api(clinician).get("/api/v1/patients/", {"page_size": 3, "page": 2}).json()
    shown = {row["id"] for row in body["results"]}
    assert len(shown) == 3
    assert set(AccessRecord.objects.values_list("patient_id", flat=True)) == shown


def test_a_page_past_the_last_is_not_found_and_the_last_page_still_works(api, clinician, ward):
    client = api(clinician)
    count = client.get("/api/v1/patients/").json()["count"]
    assert client.get("/api/v1/patients/", {"page_size": 2, "page": 99}).status_code == 404
    last = client.get("/api/v1/patients/", {"page_size": 2, "page": "last"}).json()
    assert last["next"] is None and len(last["results"]) == (count % 2 or 2)
