"""The clinician's "Your alerts" page costs the same queries for 1 patient as for 20, each
with an open alert (the page's navigation counts them)."""

import pytest

from recovery.models import Alert
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/account/alerts/"
# session, user, then the pipeline banner: heartbeats, oldest undelivered urgent message by
# channel, failed messages by kind
QUERIES = 5


@pytest.fixture
def open_alerts(team):
    def build(n):
        for patient in PatientFactory.create_batch(n, team=team):
            Alert.objects.create(
                patient=patient, rule="fever", severity="urgent", message="Fever 38.6 °C"
            )

    return build


@pytest.mark.parametrize("n", [1, 20])
def test_account_alerts_page_queries_do_not_grow(
    browser_client, clinician, open_alerts, n, django_assert_num_queries
):
    open_alerts(n)
    client = browser_client(clinician)
    with django_assert_num_queries(QUERIES):
        assert client.get(PAGE).status_code == 200
