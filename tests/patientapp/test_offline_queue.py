"""The offline queue's endpoint and pages (issue 23 item 6): each queued check-in names the
account that queued it; the endpoint refuses, storing nothing, one named for another account
(the phone keeps it for that account), and the offline form asks in the online order."""

import json
import uuid

import pytest
from django.utils import timezone

from patientapp.views.checkin import checkin_steps, emergency_questions
from recovery.models import Alert, CheckIn

pytestmark = pytest.mark.django_db


def queued(account, **answers):
    return {
        "id": str(uuid.uuid4()),
        "recorded_at": timezone.now().isoformat(),
        "pain_score": 3,
        "symptoms": ["chest_pain"],
        "account": account,
        **answers,
    }


def send(client, body):
    return client.post("/app/api/checkins/", json.dumps(body), content_type="application/json")


def test_an_item_queued_by_another_account_is_refused_and_nothing_is_stored(
    app_client, patient, other_patient, procedure
):
    # Queued by Bob (an emergency), sent while someone else is signed in on the phone.
    response = send(app_client(other_patient.user), queued(patient.user.pk))
    assert response.status_code == 403
    assert "another account" in response.json()["detail"]
    assert CheckIn.objects.count() == 0 and Alert.objects.count() == 0


def test_an_item_queued_by_a_patient_is_refused_under_their_caregiver(
    app_client, caregiver, patient, procedure
):
    response = send(app_client(caregiver), queued(patient.user.pk, patient=patient.pk))
    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_an_item_naming_no_account_or_a_bad_one_is_a_400(app_client, patient, procedure):
    client = app_client(patient.user)
    body = queued(None)
    del body["account"]
    assert send(client, body).json() == {"account": ["This field is required."]}
    for bad in (str(patient.user.pk), True, 1.0, [patient.user.pk]):
        response = send(client, queued(bad))
        assert response.status_code == 400 and "account" in response.json(), bad
    assert CheckIn.objects.count() == 0


def test_the_owners_item_is_stored_once_even_sent_twice(app_client, patient, procedure):
    client = app_client(patient.user)
    body = queued(patient.user.pk)
    assert send(client, body).status_code == 201
    assert send(client, body).status_code == 200
    checkin = CheckIn.objects.get()
    assert (checkin.patient, checkin.entered_by) == (patient, patient.user)
    assert checkin.alerts.count() == 1


def test_a_caregivers_item_is_stored_for_the_patient_it_names(
    app_client, caregiver, patient, procedure
):
    response = send(app_client(caregiver), queued(caregiver.pk, patient=patient.pk))
    assert response.status_code == 201, response.content
    checkin = CheckIn.objects.get()
    assert (checkin.patient, checkin.entered_by) == (patient, caregiver)


def test_every_page_names_its_account_and_the_cached_shell_names_nobody(app_client, patient):
    client = app_client(patient.user)
    assert f'data-account="{patient.user.pk}"' in client.get("/app/").content.decode()
    assert 'data-account=""' in app_client().get("/app/login/").content.decode()
    assert "data-account" not in client.get("/app/offline/").content.decode()


def test_the_offline_form_asks_in_the_online_order_emergency_signs_first(app_client, patient):
    page = app_client(patient.user).get("/app/offline/").content.decode()
    online = [step for step in checkin_steps() if step not in ("bone_medicine", "review")]
    positions = [page.index(f'data-step="{step}"') for step in online]
    assert positions == sorted(positions)
    for code in emergency_questions():
        assert f'data-step="{code}" data-emergency="1"' in page
    assert page.index(f'data-step="{emergency_questions()[0]}"') < page.index('data-step="pain"')
    # The call button shown at an emergency "yes" comes before everything else on the page.
    assert page.index('id="offline-call-first"') < page.index('class="skip-link"')


def test_the_offline_pages_new_words_are_in_spanish(app_client, patient):
    patient.language = "es"
    patient.save()
    page = app_client(patient.user).get("/app/offline/").content.decode()
    for words in (
        "Sin señal no se puede contactar con su equipo de atención. Llame ahora.",
        "Las respuestas que ya dio están rellenadas abajo.",
        "No hay nadie con la sesión iniciada en este teléfono.",
        'data-sent="Su registro se ha enviado"',
        "Su equipo de atención ya puede verlo.",
    ):
        assert words in page, words
