"""A patient's phone, consent to texts and reminder channel (recovery/sms_settings.py)."""

import pytest

from recovery.models import Patient

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_a_patient_gives_consent_enters_a_phone_and_chooses_sms(api, patient):
    response = api(patient.user).patch(
        ME,
        {"phone": "(202) 555-0142", "sms_consent": True, "reminder_channel": "sms"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["phone"] == "+12025550142"  # read in PHONE_REGION, stored E.164
    assert body["sms_consent"] is True and body["sms_consent_at"]
    assert body["reminder_channel"] == "sms"
    patient.refresh_from_db()
    assert patient.sms_consent_at is not None and patient.reminder_channel == "sms"


def test_consent_keeps_its_first_date_and_withdrawing_clears_it_and_falls_back_to_email(
    api, patient
):
    client = api(patient.user)
    client.patch(
        ME,
        {"phone": "+12025550142", "sms_consent": True, "reminder_channel": "both"},
        format="json",
    )
    first = Patient.objects.get(pk=patient.pk).sms_consent_at
    client.patch(ME, {"sms_consent": True}, format="json")
    assert Patient.objects.get(pk=patient.pk).sms_consent_at == first
    body = client.patch(ME, {"sms_consent": False}, format="json").json()
    assert body["sms_consent"] is False and body["sms_consent_at"] is None
    # Texts no longer allowed: reminders by email, never none at all.
    assert body["reminder_channel"] == "email"
    assert body["phone"] == "+12025550142"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"reminder_channel": "sms"}, {"phone", "sms_consent", "reminder_channel"}),
        (
            {"phone": "+12025550142", "reminder_channel": "both"},
            {"sms_consent", "reminder_channel"},
        ),
        ({"sms_consent": True, "reminder_channel": "sms"}, {"phone", "reminder_channel"}),
        ({"phone": "12", "sms_consent": True}, {"phone"}),
        ({"phone": "+1 202 555 014", "reminder_channel": "email"}, {"phone"}),
        ({"reminder_channel": "fax"}, {"reminder_channel"}),
        ({"sms_consent": "yes"}, {"sms_consent"}),
    ],
)
def test_what_cannot_be_saved_is_a_400_naming_the_fields_and_nothing_changes(
    api, patient, payload, fields
):
    response = api(patient.user).patch(ME, payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= fields
    patient.refresh_from_db()
    assert (patient.phone, patient.sms_consent_at, patient.reminder_channel) == ("", None, "email")


def test_a_blank_phone_is_no_phone(api, patient):
    client = api(patient.user)
    client.patch(
        ME, {"phone": "+12025550142", "sms_consent": True, "reminder_channel": "sms"}, format="json"
    )
    body = client.patch(ME, {"phone": ""}, format="json").json()
    assert body["phone"] == "" and body["reminder_channel"] == "email"


def test_only_a_patient_patches_their_own(api, clinician, caregiver):
    assert api(clinician).patch(ME, {"phone": "+12025550142"}, format="json").status_code == 403
    assert api(caregiver).patch(ME, {"phone": "+12025550142"}, format="json").status_code == 403
    assert api(None).patch(ME, {"phone": "+12025550142"}, format="json").status_code == 401


def test_a_clinician_records_the_phone_but_not_the_consent(api, clinician, patient):
    url = f"/api/v1/patients/{patient.pk}/"
    response = api(clinician).patch(url, {"phone": "202 555 0199"}, format="json")
    assert response.status_code == 200
    assert response.json()["phone"] == "+12025550199"
    assert response.json()["reminder_channel"] == "email"
    assert response.json()["sms_consent_at"] is None
    # Consent and the channel are the patient's: not fields of the clinician's PATCH.
    api(clinician).patch(url, {"reminder_channel": "sms", "sms_consent": True}, format="json")
    patient.refresh_from_db()
    assert patient.reminder_channel == "email" and patient.sms_consent_at is None
    bad = api(clinician).patch(url, {"phone": "not a phone"}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()


def test_the_clinician_clearing_the_phone_stops_texts(api, clinician, patient):
    api(patient.user).patch(
        ME,
        {"phone": "+12025550142", "sms_consent": True, "reminder_channel": "both"},
        format="json",
    )
    url = f"/api/v1/patients/{patient.pk}/"
    body = api(clinician).patch(url, {"phone": ""}, format="json").json()
    assert body["phone"] == "" and body["reminder_channel"] == "email"
