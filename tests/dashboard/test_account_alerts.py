"""The clinician's "Your alerts" page: a mobile number (E.164) and SMS for urgent alerts."""

import pytest

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/account/alerts/"


def test_the_page_shows_the_current_choice(browser_client, clinician):
    clinician.phone, clinician.alert_sms = "+12025550143", True
    clinician.save()
    body = browser_client(clinician).get(PAGE).content.decode()
    assert 'value="+12025550143"' in body
    assert 'name="alert_sms"' in body and "checked" in body
    assert 'aria-current="page">Your alerts<' in body


def test_a_number_is_stored_in_e164_with_the_choice(browser_client, clinician, settings):
    settings.PHONE_REGION = "US"
    response = browser_client(clinician).post(PAGE, {"phone": "(202) 555-0143", "alert_sms": "on"})
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert (clinician.phone, clinician.alert_sms) == ("+12025550143", True)


def test_a_bad_number_or_sms_without_a_number_is_refused(browser_client, clinician):
    client = browser_client(clinician)
    bad = client.post(PAGE, {"phone": "12", "alert_sms": "on"})
    assert bad.status_code == 400
    assert "Not a valid phone number" in bad.content.decode()
    missing = client.post(PAGE, {"phone": "", "alert_sms": "on"})
    assert missing.status_code == 400
    assert "Add a mobile number" in missing.content.decode()
    clinician.refresh_from_db()
    assert (clinician.phone, clinician.alert_sms) == ("", False)


def test_only_clinicians_see_it(browser_client, patient):
    assert browser_client(patient.user).get(PAGE).status_code == 403
