"""Issue 23, the emergency path: the app asks the emergency signs first, a "yes" stores the
check-in at once and the next page's first control is the call button; finishing the check-in
adds to that one (no second check-in, no second alert, no second email)."""

import re

import pytest

from outbox.models import Message
from patientapp.views.checkin import checkin_steps, emergency_questions
from recovery.models import Alert, CheckIn
from tests.patientapp.support import review_fields


@pytest.fixture
def signed_in(app_client, patient, procedure, clinician):
    patient.team.emergency_number = "999"
    patient.team.save()
    return app_client(patient.user)


def alert_messages():
    return Message.objects.filter(category__startswith="alert-")


def first_control(html: str) -> str:
    """The first link or button in the page's body, as its opening tag."""
    body = html.split("<body", 1)[1]
    return re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)


def test_the_emergency_signs_come_before_anything_else():
    steps = checkin_steps()
    emergency = emergency_questions()
    assert set(emergency) == {"chest_pain", "shortness_of_breath", "bowel_bladder_change"}
    assert steps[: len(emergency)] == emergency
    assert steps[len(emergency)] == "pain"


def test_the_first_screen_asks_the_first_emergency_sign(signed_in):
    page = signed_in.get("/app/checkin/").content.decode()
    assert 'name="answer"' in page and 'name="pain_score"' not in page


def test_a_yes_stores_the_checkin_and_raises_the_alert_before_any_further_screen(
    signed_in, patient
):
    first = emergency_questions()[0]
    response = signed_in.post("/app/checkin/", {"answer": "yes"})
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert response["Location"] == f"/app/checkin/done/{checkin.pk}/"
    assert (checkin.patient, checkin.symptoms, checkin.pain_score) == (patient, [first], None)
    alert = Alert.objects.get()
    assert alert.severity == "emergency" and list(alert.checkins.all()) == [checkin]
    assert alert_messages().count() >= 1  # the team is told now, not at the end

    done = signed_in.get(response["Location"]).content.decode()
    assert first_control(done).startswith('<a class="button button-call button-call-first"')
    assert 'href="tel:999"' in first_control(done)
    assert "Finish my check-in" in done


def test_finishing_adds_to_the_same_checkin_without_a_second_alert(signed_in, patient):
    signed_in.post("/app/checkin/", {"answer": "yes"})
    emails = alert_messages().count()
    for step in checkin_steps()[1:-1]:
        body = {
            "pain": {"pain_score": "4"},
            "temperature": {"temperature": "", "unit": "c"},
            "note": {"notes": "Hurts when I breathe in."},
        }.get(step, {"answer": "no"})
        assert signed_in.post(f"/app/checkin/{step}/", body).status_code == 302
    fields = review_fields(signed_in.get("/app/checkin/review/").content.decode())
    response = signed_in.post("/app/checkin/review/", fields)
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert checkin.pain_score == 4 and checkin.notes == "Hurts when I breathe in."
    assert checkin.symptoms == [emergency_questions()[0]]
    assert Alert.objects.count() == 1 and Alert.objects.get().occurrences == 1
    assert alert_messages().count() == emails
    # The same review sent again (a double tap after the draft is gone) changes nothing.
    again = signed_in.post("/app/checkin/review/", fields)
    assert again["Location"] == response["Location"]
    assert CheckIn.objects.count() == 1 and Alert.objects.count() == 1


def test_a_sign_first_given_while_finishing_raises_its_own_alert(signed_in):
    signed_in.post("/app/checkin/", {"answer": "yes"})
    for step in checkin_steps()[1:-1]:
        body = {
            "pain": {"pain_score": "3"},
            "temperature": {"temperature": "39.2", "unit": "c"},
            "note": {"notes": ""},
        }.get(step, {"answer": "no"})
        signed_in.post(f"/app/checkin/{step}/", body)
    fields = review_fields(signed_in.get("/app/checkin/review/").content.decode())
    signed_in.post("/app/checkin/review/", fields)
    assert sorted(Alert.objects.values_list("rule", flat=True)) == ["embolism_signs", "fever"]
    assert CheckIn.objects.count() == 1


def test_a_second_emergency_yes_adds_to_the_stored_checkin(signed_in):
    first, second = emergency_questions()[:2]
    signed_in.post("/app/checkin/", {"answer": "yes"})
    response = signed_in.post(f"/app/checkin/{second}/", {"answer": "yes"})
    checkin = CheckIn.objects.get()
    assert response["Location"] == f"/app/checkin/done/{checkin.pk}/"
    assert checkin.symptoms == sorted([first, second])
    # Tapping the button twice stores nothing more.
    signed_in.post(f"/app/checkin/{second}/", {"answer": "yes"})
    assert CheckIn.objects.count() == 1


def test_a_checkin_without_pain_reads_everywhere(signed_in, api, clinician, patient):
    signed_in.post("/app/checkin/", {"answer": "yes"})
    listed = api(clinician).get(f"/api/v1/patients/{patient.pk}/checkins/")
    assert listed.status_code == 200
    body = listed.json()
    [row] = body["results"] if isinstance(body, dict) else body
    assert row["pain_score"] is None
    own = api(patient.user).get("/api/v1/checkins/").json()
    assert (own["results"] if isinstance(own, dict) else own)[0]["pain_score"] is None
    assert api(clinician).get(f"/api/v1/patients/{patient.pk}/").status_code == 200
    assert api(clinician).get("/api/v1/patients/").status_code == 200
    bundle = api(clinician).get(f"/fhir/Patient/{patient.pk}/$everything")
    assert bundle.status_code == 200
    [pain] = [
        e["resource"]
        for e in bundle.json()["entry"]
        if e["resource"]["id"] == f"{CheckIn.objects.get().pk}-pain"
    ]
    assert "valueInteger" not in pain and pain["dataAbsentReason"]["coding"][0]["code"]
    assert signed_in.get("/dashboard/").status_code == 403  # (a patient; the chart below)
    assert signed_in.get("/app/history/").status_code == 200
    assert b"Pain not given" in signed_in.get("/app/history/").content


SAID_YES = ("shortness_of_breath", "new_sudden_pain")


def test_the_guidance_shows_only_the_most_severe_signs_lines(signed_in):
    """A patient told to call about their breathing reads nothing about fractures."""
    signed_in.post("/app/checkin/", {"answer": "no"})
    steps = checkin_steps()
    for step in steps[1:-1]:
        body = {
            "pain": {"pain_score": "3"},
            "temperature": {"temperature": "", "unit": "c"},
            "note": {"notes": ""},
        }.get(step, {"answer": "yes" if step in SAID_YES else "no"})
        response = signed_in.post(f"/app/checkin/{step}/", body)
        if step == "shortness_of_breath":
            assert "/done/" in response["Location"]
    done = signed_in.get(f"/app/checkin/done/{CheckIn.objects.get().pk}/")
    assert {a.rule for a in Alert.objects.all()} >= {"embolism_signs"}
    fields = review_fields(signed_in.get("/app/checkin/review/").content.decode())
    response = signed_in.post("/app/checkin/review/", fields)
    assert "new_fracture_suspected" in {a.rule for a in Alert.objects.all()}
    done = signed_in.get(response["Location"]).content.decode()
    assert "Call 999 now" in done
    assert "fracture" not in done.lower()


@pytest.mark.parametrize("value", ["²", "٣", "１"])
def test_a_digit_that_is_not_ascii_is_a_400_for_the_pain(signed_in, value):
    response = signed_in.post("/app/checkin/pain/", {"pain_score": value})
    assert response.status_code == 400
    review = signed_in.post("/app/checkin/review/", {"pain_score": value, "id": ""})
    assert review.status_code == 400
    assert CheckIn.objects.count() == 0


def test_the_rest_sent_later_under_the_same_id_adds_to_the_stored_checkin(signed_in, api, patient):
    """The offline queue (or any client) finishing a check-in stored at an emergency "yes"
    sends it under the draft's id: it completes that check-in, no clash, no second one."""
    signed_in.post("/app/checkin/", {"answer": "yes"})
    stored = CheckIn.objects.get()
    body = {"id": str(stored.pk), "pain_score": 2, "symptoms": ["fever"], "notes": "later"}
    response = api(patient.user).post("/api/v1/checkins/", body, format="json")
    assert response.status_code in (200, 201), response.content
    stored.refresh_from_db()
    assert stored.pain_score == 2 and sorted(stored.symptoms) == ["chest_pain", "fever"]
    assert CheckIn.objects.count() == 1
    assert sorted(Alert.objects.values_list("rule", flat=True)) == ["embolism_signs", "fever"]
