"""The text-message settings: one question a screen (patientapp/sms_views.py)."""

import pytest

from recovery.models import Patient
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(app_client, patient):
    ProcedureFactory(patient=patient)
    return app_client(patient.user)


def state(patient):
    row = Patient.objects.get(pk=patient.pk)
    return row.phone, row.sms_consent_at is not None, row.reminder_channel


def test_phone_then_consent_then_channel(client_of, patient):
    overview = client_of.get("/app/settings/texts/")
    assert overview.status_code == 200 and b"Add a number" in overview.content
    response = client_of.post("/app/settings/texts/phone/", {"phone": "202 555 0142"})
    assert response.status_code == 302 and response.url == "/app/settings/texts/consent/"
    response = client_of.post("/app/settings/texts/consent/", {"consent": "yes"})
    assert response.status_code == 302 and response.url == "/app/settings/texts/channel/"
    response = client_of.post("/app/settings/texts/channel/", {"channel": "both"})
    assert response.status_code == 302
    assert state(patient) == ("+12025550142", True, "both")
    page = client_of.get(response.url).content.decode()
    assert "+12025550142" in page and "Email and text message" not in page
    assert "By email and by text message" in page and "Your settings are saved." in page


def test_withdrawing_consent_goes_back_to_email(client_of, patient):
    client_of.post("/app/settings/texts/phone/", {"phone": "+12025550142"})
    client_of.post("/app/settings/texts/consent/", {"consent": "yes"})
    client_of.post("/app/settings/texts/channel/", {"channel": "sms"})
    client_of.post("/app/settings/texts/consent/", {"consent": "no"})
    assert state(patient) == ("+12025550142", False, "email")


@pytest.mark.parametrize(
    ("path", "data", "says"),
    [
        ("phone/", {"phone": "12345"}, "not a phone number we can send texts to"),
        ("consent/", {"consent": "maybe"}, "Select a valid choice"),
        ("consent/", {}, "Choose yes or no."),
        ("channel/", {"channel": "sms"}, "need a phone number and your yes to texts"),
    ],
)
def test_a_bad_answer_is_a_400_that_says_what_is_wrong(client_of, patient, path, data, says):
    response = client_of.post(f"/app/settings/texts/{path}", data)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert state(patient) == ("", False, "email")


def test_in_spanish(client_of, patient):
    Patient.objects.filter(pk=patient.pk).update(language="es")
    page = client_of.get("/app/settings/texts/consent/").content.decode()
    assert "¿Podemos enviarle mensajes de texto?" in page


def test_a_caregiver_cannot_answer_for_the_patient(app_client, caregiver, patient):
    ProcedureFactory(patient=patient)
    client = app_client(caregiver)
    assert client.get("/app/settings/texts/").status_code == 403
    assert client.post("/app/settings/texts/consent/", {"consent": "yes"}).status_code == 403
    assert state(patient) == ("", False, "email")
