"""The check-in, one question per screen, through the API's own service."""

import pytest
from django.test import Client

from recovery.models import Alert, CheckIn
from tests.patientapp.support import review_fields, walk_checkin


@pytest.fixture
def signed_in(app_client, patient, procedure):
    return app_client(patient.user)


def submit(client, fields):
    return client.post("/app/checkin/review/", fields)


def test_a_quiet_checkin_is_stored_once_with_its_answers(signed_in, patient):
    fields = walk_checkin(signed_in, pain=2, temperature="36.8", notes="Walked to the shop.")
    response = submit(signed_in, fields)
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert response["Location"] == f"/app/checkin/done/{checkin.pk}/"
    assert (checkin.patient, checkin.pain_score, checkin.temperature_c) == (patient, 2, 36.8)
    assert checkin.symptoms == [] and checkin.notes == "Walked to the shop."
    done = signed_in.get(response["Location"])
    assert b"Thank you, your check-in is sent" in done.content


def test_a_double_submit_makes_one_checkin(signed_in):
    fields = walk_checkin(signed_in, pain=4)
    first = submit(signed_in, fields)
    second = submit(signed_in, fields)  # the same form again: a double tap, or "resend"
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert CheckIn.objects.count() == 1


def test_fahrenheit_is_stored_in_celsius(signed_in):
    submit(signed_in, walk_checkin(signed_in, pain=3, temperature="101.3", unit="f"))
    assert CheckIn.objects.get().temperature_c == 38.5
    assert Alert.objects.get().rule == "fever"


def test_98_6_on_the_celsius_screen_is_asked_about_then_read_as_fahrenheit(signed_in):
    # Issue 24: not refused; the patient confirms it is °F.
    walk_checkin(signed_in, pain=3)  # to the review, so the draft exists
    asked = signed_in.post("/app/checkin/temperature/", {"temperature": "98.6", "unit": "c"})
    assert asked.status_code == 400
    body = asked.content.decode()
    assert "98.6 is not a temperature in °C. Did you mean 98.6 °F?" in body
    assert "98.6 °F is 37.0 °C." in body and 'id="confirm-fahrenheit"' in body
    # The confirm button sends unit=f after the radio's c: Django reads the last value.
    confirmed = signed_in.post(
        "/app/checkin/temperature/?back=review",
        {"temperature": "98.6", "unit": ["c", "f"]},
    )
    assert confirmed.status_code == 302
    review = signed_in.get("/app/checkin/review/").content.decode()
    submit(signed_in, review_fields(review))
    assert CheckIn.objects.get().temperature_c == 37.0


def test_a_team_in_fahrenheit_asks_in_fahrenheit(signed_in, patient):
    patient.team.temperature_unit = "F"
    patient.team.save()
    body = signed_in.get("/app/checkin/temperature/").content.decode()
    assert 'value="f" checked' in body


def test_a_comma_decimal_is_understood(signed_in):
    submit(signed_in, walk_checkin(signed_in, pain=3, temperature="37,2"))
    assert CheckIn.objects.get().temperature_c == 37.2


def test_chest_pain_leads_to_the_emergency_screen_with_a_tel_link(signed_in, patient):
    patient.team.emergency_number = "112"
    patient.team.save()
    response = submit(signed_in, walk_checkin(signed_in, pain=3, yes=["chest_pain"]))
    done = signed_in.get(response["Location"]).content.decode()
    assert "Call 112 now" in done
    assert 'href="tel:112"' in done
    assert "Shortness of breath or chest pain can be serious" in done
    assert Alert.objects.get().severity == "emergency"


def test_fever_leads_to_call_the_team_today_with_the_team_phone(signed_in, patient):
    patient.team.phone = "+1 555 0100"
    patient.team.save()
    response = submit(signed_in, walk_checkin(signed_in, pain=3, yes=["fever"]))
    done = signed_in.get(response["Location"]).content.decode()
    assert "Call your care team today" in done
    assert 'href="tel:+1 555 0100"' in done


def test_a_warning_says_the_team_will_look(signed_in):
    response = submit(signed_in, walk_checkin(signed_in, pain=3, yes=["site_redness"]))
    done = signed_in.get(response["Location"]).content.decode()
    assert "Your care team will look at this" in done


def test_pain_11_typed_into_the_question_is_a_400_and_nothing_kept(signed_in):
    signed_in.get("/app/checkin/")
    response = signed_in.post("/app/checkin/pain/", {"pain_score": "11"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Choose a number from 0 (no pain) to 10" in body
    assert 'href="#pain_score"' in body and 'id="pain-error"' in body
    assert signed_in.session["checkin_draft"]["pain_score"] is None
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("pain_score", "11", "Choose a number from 0 (no pain) to 10"),
        ("pain_score", "-1", "Choose a number from 0 (no pain) to 10"),
        ("pain_score", "seven", "Choose a number from 0 (no pain) to 10"),
        ("temperature_c", "50", "Enter a temperature between 34 and 43"),
        ("symptoms", "headache", "Answer yes or no"),
        ("notes", "x" * 2001, "at most 2000 characters"),
        ("id", "not-a-uuid", "Please start it again"),
    ],
)
def test_a_hand_edited_review_form_is_a_400_that_says_what_is_wrong(
    signed_in, field, value, message
):
    fields = walk_checkin(signed_in, pain=3)
    fields[field] = [value]
    response = submit(signed_in, fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_a_post_without_its_csrf_token_is_a_clear_403_and_nothing_stored(patient, procedure):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    page = client.get("/app/checkin/")
    assert page.status_code == 200
    response = client.post("/app/checkin/review/", {"id": "", "pain_score": "3"})
    assert response.status_code == 403
    assert b"This form was too old to send" in response.content
    assert b"Nothing was saved" in response.content
    assert CheckIn.objects.count() == 0
    no_token = client.post("/app/checkin/", {"pain_score": "3"})
    assert no_token.status_code == 403
    assert client.session["checkin_draft"]["pain_score"] is None


def test_a_missing_answer_is_asked_again(signed_in):
    response = signed_in.post("/app/checkin/chest_pain/", {})
    assert response.status_code == 400
    assert b"Answer yes or no" in response.content


def test_the_review_links_back_and_returns_to_the_review(signed_in):
    walk_checkin(signed_in, pain=3)
    review = signed_in.get("/app/checkin/review/").content.decode()
    assert 'href="/app/checkin/pain/?back=review"' in review  # the pain's own question
    response = signed_in.post("/app/checkin/pain/?back=review", {"pain_score": "5"})
    assert response["Location"] == "/app/checkin/review/"
    fields = review_fields(signed_in.get("/app/checkin/review/").content.decode())
    assert fields["pain_score"] == ["5"]


def test_an_unknown_question_is_a_404(signed_in):
    assert signed_in.get("/app/checkin/headache/").status_code == 404


def test_the_review_without_a_pain_answer_goes_back_to_the_start(signed_in):
    response = signed_in.get("/app/checkin/review/")
    assert response.status_code == 302 and response["Location"] == "/app/checkin/"


def test_the_dashboard_keeps_djangos_csrf_page(clinician):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    response = client.post("/dashboard/alerts/1/acknowledge/")
    assert response.status_code == 403
    assert b"This form was too old to send" not in response.content
