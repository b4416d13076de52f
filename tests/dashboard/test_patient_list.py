"""The patient list page: risk order, badges, search, pagination, constant queries."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from recovery.models import Patient
from tests.dashboard.conftest import make_alert
from tests.factories import CheckInFactory, PatientFactory, ProcedureFactory, UserFactory


def listed_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-patient="(\d+)">', response.content.decode())]


def patient_named(team, first, last, *, pain=None):
    patient = PatientFactory(team=team, first_name=first, last_name=last)
    if pain is not None:
        CheckInFactory(patient=patient, pain_score=pain)
    return patient


def test_patients_are_listed_highest_open_alert_first_then_latest_pain(
    browser_client, clinician, team
):
    calm = patient_named(team, "Cara", "Calm", pain=2)
    sore = patient_named(team, "Sam", "Sore", pain=9)
    warned = patient_named(team, "Wes", "Warned", pain=1)
    make_alert(warned, rule="no_relief", severity="warning")
    urgent = patient_named(team, "Una", "Urgent", pain=3)
    make_alert(urgent, rule="fever", severity="urgent")
    make_alert(urgent, rule="site_infection", severity="warning")
    emergency = patient_named(team, "Eve", "Emergency", pain=0)
    make_alert(emergency, rule="embolism_signs", severity="emergency")
    # Acknowledged still counts as unresolved; a resolved alert no longer raises the risk.
    acked = patient_named(team, "Ack", "Acked", pain=0)
    make_alert(acked, rule="leg_neuro", severity="urgent", status="acknowledged")
    resolved = patient_named(team, "Res", "Olved", pain=0)
    make_alert(resolved, rule="embolism_signs", severity="emergency", status="resolved")
    silent = patient_named(team, "Nia", "Nocheckin")

    response = browser_client(clinician).get("/dashboard/")

    assert response.status_code == 200
    assert listed_ids(response) == [
        emergency.pk,
        urgent.pk,  # urgent with pain 3 before urgent with pain 0
        acked.pk,
        warned.pk,
        sore.pk,
        calm.pk,
        resolved.pk,
        silent.pk,  # no pain score at all goes last
    ]


def test_a_row_shows_badges_pain_procedure_and_missed_flag(browser_client, clinician, team):
    patient = patient_named(team, "Ada", "Row", pain=6)
    ProcedureFactory(
        patient=patient,
        procedure_type="vertebroplasty",
        vertebral_levels=["T12", "L1"],
        performed_on=timezone.now().date() - timedelta(days=5),
    )
    make_alert(patient, rule="fever", severity="urgent")
    make_alert(patient, rule="missed_checkins", severity="info")
    body = browser_client(clinician).get("/dashboard/").content.decode()
    row = body[body.index(f'data-patient="{patient.pk}"') :].split("</tr>")[0]
    assert "1 urgent" in row
    assert "1 info" in row
    assert "emergency" not in row
    assert ">6</span>" in row
    assert '<td class="num">5</td>' in row
    assert "Vertebroplasty" in row and "T12, L1" in row
    assert "Missed check-ins" in row


def test_without_an_open_missed_checkins_alert_the_patient_is_on_track(
    browser_client, clinician, team
):
    patient = patient_named(team, "Ona", "Track", pain=2)
    make_alert(patient, rule="missed_checkins", severity="info", status="resolved")
    body = browser_client(clinician).get("/dashboard/").content.decode()
    row = body[body.index(f'data-patient="{patient.pk}"') :].split("</tr>")[0]
    assert "On track" in row
    assert "Missed check-ins" not in row


def test_search_finds_patients_by_name(browser_client, clinician, team):
    hill = patient_named(team, "Margaret", "Hill")
    patient_named(team, "Walter", "Brooks")
    hilton = patient_named(team, "Paris", "Hilton")
    client = browser_client(clinician)
    assert set(listed_ids(client.get("/dashboard/", {"search": "hil"}))) == {hill.pk, hilton.pk}
    assert listed_ids(client.get("/dashboard/", {"search": "margaret hill"})) == [hill.pk]
    response = client.get("/dashboard/", {"search": "nobody"})
    assert listed_ids(response) == []
    assert "No patient matches" in response.content.decode()


def test_search_never_reaches_another_team(browser_client, clinician, team, other_patient):
    response = browser_client(clinician).get("/dashboard/", {"search": "Far"})
    assert listed_ids(response) == []


@pytest.mark.parametrize("page", ["abc", "-1", "0", "9999", "1.5", "%00"])
def test_a_malformed_page_number_shows_a_page_not_an_error(
    browser_client, clinician, patient, page
):
    response = browser_client(clinician).get("/dashboard/", {"page": page})
    assert response.status_code == 200
    assert listed_ids(response) == [patient.pk]


def test_the_list_is_paginated_by_fifty(browser_client, clinician, team):
    user = UserFactory.build()
    users = UserFactory._meta.model.objects.bulk_create(
        [UserFactory.build(email=f"p{i}@example.test", password=user.password) for i in range(55)]
    )
    Patient.objects.bulk_create(
        [
            Patient(
                user=u,
                team=team,
                first_name="Many",
                last_name=f"Patient{i:02d}",
                date_of_birth="1950-01-01",
            )
            for i, u in enumerate(users)
        ]
    )
    client = browser_client(clinician)
    first = client.get("/dashboard/")
    second = client.get("/dashboard/", {"page": 2})
    assert len(listed_ids(first)) == 50
    assert len(listed_ids(second)) == 5
    assert not set(listed_ids(first)) & set(listed_ids(second))
    assert "Page 1 of 2" in first.content.decode()
    assert 'rel="next" href="?page=2"' in first.content.decode()


def _populate(team, count):
    for i in range(count):
        patient = PatientFactory(
            team=team, timezone=["UTC", "Asia/Tokyo", "America/Chicago"][i % 3]
        )
        ProcedureFactory(patient=patient)
        CheckInFactory(patient=patient, pain_score=i % 11)
        make_alert(patient, rule="fever", severity="urgent")
        make_alert(patient, rule="missed_checkins", severity="info")


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_page_runs_a_constant_number_of_queries(
    browser_client, clinician, team, django_assert_num_queries, count
):
    _populate(team, count)
    client = browser_client(clinician)
    # 1 session, 2 user; 3-5 pipeline banner from the one outbox (both heartbeats, oldest
    # urgent message by channel, failed messages by channel and category); 6 the summary (one
    # statement); 7 paginator count; 8 the page of rows with every annotation; 9 the audit
    # INSERT (one for the whole page).
    with django_assert_num_queries(9):
        response = client.get("/dashboard/")
    assert len(listed_ids(response)) == count
