"""The dashboard's side of calling back: one card per check-in, its phones and note, the call
form, acknowledge and resolve for the whole card, signs marked as expected."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from recovery.models import Alert, AlertContact, RuleSilence
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def emergency(api, patient, link):
    """Bob's check-in with chest pain, a fever and leg numbness, and a note; Ann (his
    daughter) has a phone."""
    ProcedureFactory(patient=patient, pre_procedure_pain=8)
    patient.phone = "+12025550142"
    patient.language = "es"
    patient.save()
    link.phone = "+12025550143"
    link.save()
    response = api(patient.user).post(
        "/api/v1/checkins/",
        {
            "pain_score": 6,
            "temperature_c": 38.6,
            "symptoms": ["chest_pain", "leg_numbness"],
            "notes": "Hurts when I breathe",
        },
        format="json",
    )
    assert response.status_code == 201
    return Alert.objects.get(rule="embolism_signs")


def cards_in(body: str) -> list[str]:
    return re.findall(r'data-card="(\d+)"', body)


@pytest.mark.parametrize("path", ["/dashboard/alerts/", "patient"])
def test_three_signs_are_one_card_with_phones_language_and_note(
    browser_client, clinician, patient, emergency, path
):
    url = f"/dashboard/patients/{patient.pk}/" if path == "patient" else path
    body = browser_client(clinician).get(url).content.decode()
    assert cards_in(body) == [str(emergency.pk)]
    assert "Embolism signs, Fever or chills, Leg numbness or weakness" in body
    assert 'href="tel:+12025550142"' in body
    assert 'href="tel:+12025550143"' in body and "Ann Hill (daughter)" in body
    assert "Español" in body
    assert "Hurts when I breathe" in body
    assert "pain 6/10" in body and "101.5 °F (38.6 °C)" in body


def test_no_answer_then_try_again_then_reached_acknowledges_the_card(
    browser_client, clinician, patient, emergency
):
    client = browser_client(clinician)
    back = f"/dashboard/patients/{patient.pk}/"
    response = client.post(
        f"/dashboard/alerts/{emergency.pk}/contacts/",
        {"outcome": "no_answer", "person": "patient", "note": "Rang twice", "next": back},
    )
    assert response.status_code == 302
    body = client.get(back).content.decode()
    assert "Try again." in body and "no answer" in body and "Rang twice" in body
    assert set(Alert.objects.values_list("status", flat=True)) == {"open"}
    client.post(
        f"/dashboard/alerts/{emergency.pk}/contacts/", {"outcome": "reached", "person": "caregiver"}
    )
    assert set(Alert.objects.values_list("status", flat=True)) == {"acknowledged"}
    assert AlertContact.objects.count() == 2
    assert "Try again." not in client.get(back).content.decode()


def test_a_call_without_an_outcome_changes_nothing(browser_client, clinician, emergency):
    response = browser_client(clinician).post(
        f"/dashboard/alerts/{emergency.pk}/contacts/", {"outcome": "perhaps"}
    )
    assert response.status_code == 302
    assert not AlertContact.objects.exists()


def test_resolving_the_card_resolves_every_sign_with_confirmed(
    browser_client, clinician, emergency
):
    browser_client(clinician).post(
        f"/dashboard/alerts/{emergency.pk}/resolve/", {"note": "Seen in ED", "confirmed": "no"}
    )
    assert set(Alert.objects.values_list("status", "confirmed")) == {("resolved", False)}


def test_another_teams_clinician_gets_404_on_every_card_action(
    browser_client, other_clinician, patient, emergency
):
    client = browser_client(other_clinician)
    for path, data in [
        (f"/dashboard/alerts/{emergency.pk}/contacts/", {"outcome": "reached"}),
        (f"/dashboard/alerts/{emergency.pk}/acknowledge/", {}),
        (f"/dashboard/alerts/{emergency.pk}/resolve/", {"note": "x"}),
        (
            f"/dashboard/patients/{patient.pk}/silences/",
            {"rule": "fever", "until": "2030-01-01", "reason": "x"},
        ),
    ]:
        assert client.post(path, data).status_code == 404
    assert not AlertContact.objects.exists() and not RuleSilence.objects.exists()
    assert set(Alert.objects.values_list("status", flat=True)) == {"open"}


def test_a_sign_marked_as_expected_shows_and_can_end(browser_client, clinician, patient, emergency):
    client = browser_client(clinician)
    until = timezone.now().date() + dt.timedelta(days=7)
    client.post(
        f"/dashboard/patients/{patient.pk}/silences/",
        {"rule": "leg_neuro", "until": until.isoformat(), "reason": "Numb since 2019"},
    )
    silence = RuleSilence.objects.get()
    body = client.get(f"/dashboard/patients/{patient.pk}/").content.decode()
    assert "Signs marked as expected" in body and "Numb since 2019" in body
    assert "Leg numbness or weakness: silenced by" in body
    # An emergency sign cannot be: refused, nothing stored.
    client.post(
        f"/dashboard/patients/{patient.pk}/silences/",
        {"rule": "embolism_signs", "until": until.isoformat(), "reason": "x"},
    )
    assert RuleSilence.objects.count() == 1
    # A check-in with the sign while it is silenced: on the timeline, no alert.
    from recovery import services

    services.checkin_record(patient=patient, data={"pain_score": 2, "symptoms": ["leg_weakness"]})
    body = client.get(f"/dashboard/patients/{patient.pk}/").content.decode()
    assert "Leg numbness or weakness: expected (silenced, no alert)" in body
    client.post(f"/dashboard/patients/{patient.pk}/silences/{silence.pk}/end/")
    silence.refresh_from_db()
    assert silence.ended_by == clinician


def test_the_patient_list_row_has_the_phone_and_a_language_other_than_english(
    browser_client, clinician, patient
):
    patient.phone, patient.language = "+12025550142", "es"
    patient.save()
    body = browser_client(clinician).get("/dashboard/").content.decode()
    row = body.split(f'data-patient="{patient.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'href="tel:+12025550142"' in row
    assert "Español" in row


def test_a_patient_who_never_checked_in_is_not_on_track(browser_client, clinician, patient):
    body = browser_client(clinician).get("/dashboard/").content.decode()
    row = body.split(f'data-patient="{patient.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "No check-in yet" in row and "On track" not in row
