"""The patient's pages cost the same number of queries for 1 check-in as for 20."""

import datetime as dt

import pytest
from django.utils import timezone

from recovery.services import procedure_record
from tests.factories import CheckInFactory


@pytest.fixture
def history_of(patient):
    def build(n):
        procedure_record(
            patient=patient,
            data={
                "procedure_type": "kyphoplasty",
                "performed_on": timezone.now().date() - dt.timedelta(days=n),
                "vertebral_levels": ["L1"],
                "cause": "osteoporosis",
                "pre_procedure_pain": 8,
            },
        )
        for day in range(n):
            CheckInFactory(patient=patient, recorded_at=timezone.now() - dt.timedelta(days=day))

    return build


@pytest.mark.parametrize("n", [1, 20])
def test_history_queries_do_not_grow(app_client, patient, history_of, n, django_assert_num_queries):
    history_of(n)
    client = app_client(patient.user)
    # session, user, the acting patient (with team), check-ins, procedures
    with django_assert_num_queries(5):
        assert client.get("/app/history/").status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_plan_queries_do_not_grow(app_client, patient, history_of, n, django_assert_num_queries):
    history_of(n)
    client = app_client(patient.user)
    client.get("/app/plan/")  # the first visit makes the calendar feed's secret
    # session, user, the acting patient (with team), latest procedure, its reminders,
    # the calendar feed
    with django_assert_num_queries(6):
        assert client.get("/app/plan/").status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_home_queries_do_not_grow(app_client, patient, history_of, n, django_assert_num_queries):
    history_of(n)
    client = app_client(patient.user)
    # session, user, the acting patient, checked in today?, latest procedure, next reminders
    with django_assert_num_queries(6):
        assert client.get("/app/").status_code == 200
