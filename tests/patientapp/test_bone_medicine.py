"""The bone-medicine question in the app's check-in (PROTOCOL.md section 6): one more screen,
only when an osteoporosis_medication reminder fell due since the last answer."""

import datetime as dt

import pytest
import time_machine

from recovery.models import Alert, CheckIn
from reminders.planning import plan_build
from tests.factories import ProcedureFactory
from tests.patientapp.support import walk_checkin

NOON = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def due(patient):
    """An osteoporotic fracture treated 3 days ago: its day-3 medicine reminder fell due at
    09:00 today."""
    procedure = ProcedureFactory(
        patient=patient, performed_on=NOON.date() - dt.timedelta(days=3), cause="osteoporosis"
    )
    plan_build(procedure=procedure)
    return procedure


def walk_to_bone_question(client):
    walk_checkin(client, pain=2)  # a fresh draft already asks the question before the note
    response = client.get("/app/checkin/bone_medicine/")
    assert response.status_code == 200
    return response


def test_a_due_reminder_asks_about_bone_medicine_and_stores_the_answer(app_client, patient, due):
    client = app_client(patient.user)
    page = walk_to_bone_question(client)
    assert b"Are you taking your bone medicine?" in page.content
    assert client.post("/app/checkin/bone_medicine/", {"answer": "stopped"}).status_code == 302
    review = client.get("/app/checkin/review/")
    assert b"No, I have stopped taking it" in review.content
    assert b'name="bone_medicine" value="stopped"' in review.content
    fields = {
        name: value
        for name, value in [
            ("id", review.content.decode().split('name="id" value="')[1].split('"')[0]),
            ("pain_score", "2"),
            ("bone_medicine", "stopped"),
        ]
    }
    done = client.post("/app/checkin/review/", fields)
    assert done.status_code == 302
    assert CheckIn.objects.get().bone_medicine == "stopped"
    # Judged by the same rules: stopping the medicine is a warning for the team.
    assert Alert.objects.get().rule == "bone_medicine_stopped"
    # Answered: the next check-in does not ask again.
    walk_checkin(client, pain=1)
    assert client.get("/app/checkin/bone_medicine/").status_code == 404


def test_without_a_due_reminder_there_is_no_bone_question(app_client, patient, procedure):
    client = app_client(patient.user)
    walk_checkin(client, pain=2)
    assert client.get("/app/checkin/bone_medicine/").status_code == 404
    assert b"Bone medicine" not in client.get("/app/checkin/review/").content


def test_a_made_up_answer_is_a_400_and_nothing_kept(app_client, patient, due):
    client = app_client(patient.user)
    walk_to_bone_question(client)
    response = client.post("/app/checkin/bone_medicine/", {"answer": "sometimes"})
    assert response.status_code == 400
    assert b"Choose the answer that fits best." in response.content
    # The review form hand-edited with a bad code: a 400 page, nothing stored.
    review = client.post("/app/checkin/review/", {"pain_score": "2", "bone_medicine": "x"})
    assert review.status_code == 400
    assert CheckIn.objects.count() == 0
