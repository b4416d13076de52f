"""The text-message settings pages cost the same queries for a patient with 1 check-in,
reminder and sent SMS as for one with 20 of each."""

import datetime as dt

import pytest
from django.utils import timezone

from outbox.models import Message
from recovery.services import procedure_record
from tests.factories import CheckInFactory

pytestmark = pytest.mark.django_db

# session, user, the acting patient (with team): the settings live on the patient row
QUERIES = {
    "/app/settings/texts/": 3,
    "/app/settings/texts/phone/": 3,
    "/app/settings/texts/consent/": 3,
    "/app/settings/texts/channel/": 3,
}


@pytest.fixture
def texting_patient(patient):
    def build(n):
        # The procedure plans its reminders; n check-ins and n SMS sent to the patient's phone.
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
        patient.phone, patient.sms_consent_at, patient.reminder_channel = (
            "+12025550142",
            timezone.now(),
            "both",
        )
        patient.save()
        for day in range(n):
            CheckInFactory(patient=patient, recorded_at=timezone.now() - dt.timedelta(days=day))
        Message.objects.bulk_create(
            Message(
                channel="sms",
                to=patient.phone,
                body_text="Reminder",
                category="reminder",
                status="sent",
            )
            for _ in range(n)
        )
        return patient

    return build


@pytest.mark.parametrize("path", list(QUERIES))
@pytest.mark.parametrize("n", [1, 20])
def test_texts_pages_queries_do_not_grow(
    app_client, texting_patient, path, n, django_assert_num_queries
):
    client = app_client(texting_patient(n).user)
    with django_assert_num_queries(QUERIES[path]):
        assert client.get(path).status_code == 200
