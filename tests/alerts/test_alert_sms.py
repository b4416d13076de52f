"""Alerts by SMS for clinicians who chose it: beside the email, initials, severity and a link
only, on the first alert and on every re-send; nobody else gets a text."""

import datetime as dt

import pytest
import time_machine

from notifications import services as notify
from outbox.models import Message
from tests.factories import ClinicianFactory, PatientFactory, ProcedureFactory

from .conftest import record, utc

T0 = utc(2026, 3, 10, 12)
PHONE = "+12025550143"


@pytest.fixture
def operated(patient):
    ProcedureFactory(patient=patient, performed_on=dt.date(2026, 3, 2), pre_procedure_pain=8)
    return patient


@pytest.fixture
def texting(team, clinician):
    """Alice wants alerts by text; Erin has a phone but did not ask; Finn asked with no phone."""
    clinician.phone, clinician.alert_sms = PHONE, True
    clinician.save()
    ClinicianFactory(email="erin@clinic.test", phone="+12025550199", teams=[team])
    ClinicianFactory(email="finn@clinic.test", alert_sms=True, teams=[team])
    return clinician


def texts():
    return Message.objects.filter(channel="sms").order_by("pk")


def open_alert(patient, *, symptoms):
    with time_machine.travel(T0, tick=False):
        return record(patient, at=T0, pain=2, symptoms=symptoms).alerts[0]


def test_an_urgent_alert_texts_only_the_clinicians_who_chose_it(operated, texting):
    with time_machine.travel(T0, tick=False):
        alert = record(operated, at=T0, pain=2, temp=38.6).alerts[0]
    [text] = texts()
    assert (text.to, text.category, text.urgent) == (PHONE, "alert-urgent", True)
    assert (text.ref_type, text.ref_id, text.subject, text.body_html) == ("alert", alert.pk, "", "")
    assert text.body_text == (
        "Recovery tracker: URGENT alert for BS: Fever or chills "
        f"http://testserver/dashboard/patients/{operated.pk}/"
    )
    # The sign's short name is the one clinical word a text carries (issue 24).
    for detail in ("bob", "stone", "38.6", "temperature", "pain"):
        assert detail not in text.body_text.lower()
    # Every clinician still gets the email.
    assert Message.objects.filter(channel="email", category="alert-urgent").count() == 3


def test_warnings_send_no_text(operated, texting):
    record(operated, at=T0, pain=2, symptoms=["site_redness"])
    assert not texts().exists()


def test_each_resend_texts_again_with_its_round(operated, texting):
    open_alert(operated, symptoms=["chest_pain"])
    with time_machine.travel(T0 + dt.timedelta(minutes=15), tick=False):
        assert notify.escalations_send() == 3  # the emails; the text goes beside them
    first, resend = texts()
    assert "EMERGENCY alert for BS" in first.body_text
    assert resend.body_text.startswith(
        "Recovery tracker: reminder 1, still not acknowledged: "
        "EMERGENCY alert for BS: Embolism signs "
    )
    assert resend.category == "alert-emergency" and resend.status == "queued"


def test_texts_add_no_query_to_the_resend_sweep(team, texting, django_assert_num_queries):
    for _ in range(5):
        open_alert(PatientFactory(team=team), symptoms=["chest_pain"])
    # The texts go in the emails' insert: the same 7 queries as without them.
    with (
        time_machine.travel(T0 + dt.timedelta(minutes=15), tick=False),
        django_assert_num_queries(7),
    ):
        notify.escalations_send()
    assert texts().filter(body_text__contains="reminder 1").count() == 5
