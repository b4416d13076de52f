"""Issue 23, low 10: six inputs that were 500s, kept as a corpus; each is a clear 4xx (or the
webhook's empty answer) and changes nothing. (The sixth, `pain_score=²` in the app's form,
is in tests/patientapp/test_emergency_first.py.)"""

import pytest
from django.test import Client

from outbox.models import SmsKeyword, SmsOptOut
from recovery.models import CheckIn, Procedure
from tests.sms.test_hooks import SITE
from tests.sms.test_hooks import post as signed_post
from tests.support.sms_provider import AUTH_TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_provider(settings):
    settings.SITE_URL = SITE
    settings.SMS_AUTH_TOKEN = AUTH_TOKEN
    settings.SMS_ACCOUNT_SID = "ACtest"


@pytest.mark.parametrize("path", ["/app/login/", "/dashboard/login/"])
@pytest.mark.parametrize("body", [{"username": "", "password": "x"}, {"password": "x"}])
def test_an_empty_username_on_a_login_is_not_a_500(path, body):
    response = Client(raise_request_exception=False).post(path, body)
    assert response.status_code in (200, 400)
    assert "_auth_user_id" not in response.client.session


LONE_SURROGATES = [
    ("post", "/api/v1/checkins/", b'{"pain_score": 3, "symptoms": ["\\ud800"]}', "patient"),
    ("patch", "/api/v1/me/", b'{"reminder_channel": "\\udfff"}', "patient"),
    (
        "post",
        "/api/v1/patients/{patient}/procedures/",
        b'{"procedure_type": "\\udc00", "performed_on": "2026-12-01", "vertebral_levels": ["L1"]}',
        "clinician",
    ),
    ("post", "/api/v1/checkins/", b'{"pain_score": 3, "\\ud800": 1}', "patient"),
]


@pytest.mark.parametrize("method, path, body, role", LONE_SURROGATES)
def test_a_lone_surrogate_in_a_json_choice_is_a_400(
    api, patient, clinician, method, path, body, role
):
    client = api(patient.user if role == "patient" else clinician)
    client.raise_request_exception = False
    response = getattr(client, method)(
        path.format(patient=patient.pk), body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    [field] = response.json()  # the field that holds it, DRF's field-error shape
    assert "surrogate" in response.json()[field][0]
    assert not CheckIn.objects.exists() and not Procedure.objects.exists()


def test_an_emoji_pair_is_still_text(api, patient):
    body = b'{"pain_score": 3, "notes": "\\ud83d\\ude00 better"}'
    response = api(patient.user).post("/api/v1/checkins/", body, content_type="application/json")
    assert response.status_code == 201
    assert CheckIn.objects.get().notes == "\N{GRINNING FACE} better"


@pytest.mark.parametrize("page", [str(10**30), str(2**63), "99999999999999999999"])
def test_a_huge_worklist_page_is_a_404(api, clinician, page):
    client = api(clinician)
    client.raise_request_exception = False
    response = client.get("/api/v1/bone-health/worklist/", {"page": page})
    assert response.status_code == 404


@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "utf-16-le", "cp500", "bogus-xyz"])
@pytest.mark.parametrize("path", ["/app/checkin/pain/", "/app/login/", "/app/settings/"])
def test_a_form_in_an_odd_charset_is_not_a_500(patient, charset, path):
    client = Client(raise_request_exception=False)
    client.force_login(patient.user)
    try:
        raw = "pain_score=3&username=a@b.c&password=b".encode(charset)
    except LookupError:
        raw = b"pain_score=3&username=a@b.c&password=b"
    response = client.generic(
        "POST", path, raw, content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    "sender", ["whatsapp:+12025550143", "+1202555\x000143", "\x00", "+" + "9" * 40, "sip:x@y"]
)
def test_an_inbound_text_from_an_odd_sender_is_acknowledged_and_stores_nothing(
    sms_provider,
    sender,
):
    response = signed_post(
        "/hooks/sms/inbound/", {"From": sender, "Body": "STOP", "MessageSid": "SM1"}
    )
    assert response.status_code == 200
    assert not SmsKeyword.objects.exists() and not SmsOptOut.objects.exists()


def test_a_replayed_stop_does_nothing_the_second_time(sms_provider):
    """Issue 23, low 13: each MessageSid is remembered."""
    fields = {"From": "+12025550143", "Body": "STOP", "MessageSid": "SMreplay01"}
    assert signed_post("/hooks/sms/inbound/", fields).status_code == 200
    assert SmsOptOut.objects.count() == 1
    signed_post("/hooks/sms/inbound/", {**fields, "Body": "START", "MessageSid": "SMstart01"})
    assert not SmsOptOut.objects.exists()
    replay = signed_post("/hooks/sms/inbound/", fields)
    assert replay.status_code == 200
    assert not SmsOptOut.objects.exists()  # the old STOP did not stop texts again
    assert SmsKeyword.objects.count() == 2
