"""Caregivers in the patient app (issue 13): they sign in like a patient, choose whom they
check in for when they help several, see whose record it is on every page, check in through
the same service (entered_by = the caregiver), and never see the access log or the patient's
own settings. Revoking a link ends it on the next request."""

import datetime as dt
import json
import uuid

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from caregivers.models import CareLink
from caregivers.services import carelink_revoke
from patientapp.models import SignInLink
from patientapp.services import signin_link_issue, signin_links_prune
from recovery.models import CheckIn
from tests.factories import (
    PASSWORD,
    CareLinkFactory,
    CheckInFactory,
    PatientFactory,
    ProcedureFactory,
)
from tests.patientapp.support import walk_checkin


@pytest.fixture
def second_patient(team, caregiver):
    """Ann also helps her mother, Margaret Hill."""
    margaret = PatientFactory(
        team=team, first_name="Margaret", last_name="Hill", user__email="margaret@patient.test"
    )
    CareLinkFactory(patient=margaret, caregiver=caregiver, relationship="daughter")
    return margaret


def choose(client, patient):
    response = client.post("/app/for/", {"patient": str(patient.pk), "next": "/app/"})
    assert (response.status_code, response["Location"]) == (302, "/app/")


def test_a_caregiver_signs_in_at_the_app_login_and_sees_whose_record_it_is(caregiver, patient):
    browser = Client()
    response = browser.post("/app/login/", {"username": "ann@care.test", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/app/")
    home = browser.get("/app/")
    text = home.content.decode()
    assert home.status_code == 200
    assert "Checking in for Bob Stone" in text
    # One patient: no question, nothing to switch to; never the access log.
    assert "/app/for/" not in text
    assert "/app/access-log/" not in text
    assert browser.get("/app/for/")["Location"] == "/app/"


def test_a_caregiver_of_several_is_asked_who_for_and_may_switch(
    app_client, caregiver, patient, second_patient
):
    client = app_client(caregiver)
    asked = client.get("/app/history/")
    assert (asked.status_code, asked["Location"]) == (302, "/app/for/?next=/app/history/")
    question = client.get("/app/for/").content.decode()
    assert "Who are you checking in for?" in question
    assert "Bob Stone" in question and "Margaret Hill" in question
    assert client.post("/app/for/", {"patient": "999999"}).status_code == 400
    choose(client, second_patient)
    text = client.get("/app/").content.decode()
    assert "Checking in for Margaret Hill" in text
    assert "Switch to someone else" in text
    choose(client, patient)
    assert "Checking in for Bob Stone" in client.get("/app/plan/").content.decode()


def test_the_caregivers_checkin_goes_through_the_service_with_entered_by(
    app_client, caregiver, patient, second_patient, procedure
):
    client = app_client(caregiver)
    choose(client, patient)
    fields = walk_checkin(client, pain=4, temperature="38.6")
    response = client.post("/app/checkin/review/", fields)
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert (checkin.patient, checkin.entered_by) == (patient, caregiver)
    # The guidance is shown to whoever entered it.
    done = client.get(response["Location"]).content.decode()
    assert "call your care team today" in done.lower()
    # Margaret's history does not show Bob's check-in.
    choose(client, second_patient)
    assert "38.6" not in client.get("/app/history/").content.decode()
    assert client.get(response["Location"]).status_code == 404


def test_a_patients_own_app_checkin_names_the_patient(app_client, patient, procedure):
    client = app_client(patient.user)
    client.post("/app/checkin/review/", walk_checkin(client, pain=2))
    assert CheckIn.objects.get().entered_by == patient.user


def test_the_access_log_is_a_403_page_for_a_caregiver(app_client, caregiver, patient):
    response = app_client(caregiver).get("/app/access-log/")
    assert response.status_code == 403
    assert "Only the patient can see this page" in response.content.decode()


def test_a_caregivers_settings_are_their_own_password_only(app_client, caregiver, patient):
    client = app_client(caregiver)
    page = client.get("/app/settings/").content.decode()
    assert "Change your password" in page
    assert 'name="reminder_hour"' not in page and 'name="reminders"' not in page
    before = (patient.reminder_hour, patient.timezone, patient.language)
    refused = client.post(
        "/app/settings/", {"form": "settings", "reminder_hour": "6", "language": "es"}
    )
    assert refused.status_code == 400
    patient.refresh_from_db()
    assert (patient.reminder_hour, patient.timezone, patient.language) == before
    changed = client.post(
        "/app/settings/",
        {"form": "password", "current_password": PASSWORD, "new_password": "a-new-long-password"},
    )
    assert changed.status_code == 302
    caregiver.refresh_from_db()
    assert caregiver.check_password("a-new-long-password")
    patient.user.refresh_from_db()
    assert patient.user.check_password(PASSWORD)


def test_revoking_ends_the_caregivers_session_for_that_patient_on_the_next_request(
    app_client, caregiver, patient, second_patient
):
    client = app_client(caregiver)
    choose(client, patient)
    CheckInFactory(patient=patient, pain_score=7, notes="Bob own note")
    assert "Bob own note" in client.get("/app/history/").content.decode()
    carelink_revoke(link=patient.care_links.get(caregiver=caregiver), by=patient.user)
    # The one patient left: acting for her now, Bob's record gone.
    history = client.get("/app/history/").content.decode()
    assert "Bob own note" not in history and "Bob Stone" not in history
    assert "Checking in for Margaret Hill" in history
    carelink_revoke(link=second_patient.care_links.get(caregiver=caregiver), by=patient.user)
    nobody = client.get("/app/")
    assert nobody.status_code == 403
    assert "not helping anyone" in nobody.content.decode()


def test_the_offline_queue_carries_the_patient_for_a_caregiver(
    app_client, caregiver, patient, second_patient, other_patient
):
    client = app_client(caregiver)
    choose(client, second_patient)
    page = client.get("/app/").content.decode()
    assert f'data-acting-patient="{second_patient.pk}"' in page

    def send(patient_id):
        body = {
            "id": str(uuid.uuid4()),
            "pain_score": 2,
            "patient": patient_id,
            "account": caregiver.pk,
        }
        return client.post("/app/api/checkins/", json.dumps(body), content_type="application/json")

    # Queued for Bob before switching to Margaret: it is still Bob's.
    assert send(patient.pk).status_code == 201
    checkin = CheckIn.objects.get()
    assert (checkin.patient, checkin.entered_by) == (patient, caregiver)
    refused = send(other_patient.pk)
    assert refused.status_code == 400 and "patient" in refused.json()
    assert CheckIn.objects.count() == 1


def test_a_patients_page_names_no_acting_patient(app_client, patient):
    assert "data-acting-patient" not in app_client(patient.user).get("/app/").content.decode()


# --- Sign-in links from a caregiver's copy of a reminder -----------------------------------


def test_a_caregivers_link_signs_in_the_caregiver_for_the_patient(
    caregiver, patient, second_patient
):
    token = signin_link_issue(patient=patient, user=caregiver)
    browser = Client()
    shown = browser.get(f"/app/l/{token}/").content.decode()
    assert "Continue as A. H. (for B. S.)" in shown
    assert "_auth_user_id" not in browser.session
    response = browser.post(f"/app/l/{token}/")
    assert (response.status_code, response["Location"]) == (302, "/app/checkin/")
    assert browser.session["_auth_user_id"] == str(caregiver.pk)
    assert "Checking in for Bob Stone" in browser.get("/app/").content.decode()


def test_a_revoked_caregivers_link_signs_nobody_in(caregiver, patient, link):
    token = signin_link_issue(patient=patient, user=caregiver)
    carelink_revoke(link=link, by=patient.user)
    browser = Client()
    response = browser.post(f"/app/l/{token}/")
    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session
    assert SignInLink.objects.get().used_at is None


def test_spent_signin_links_are_pruned_in_bulk(patient, django_assert_num_queries):
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=5)):
        signin_link_issue(patient=patient)  # expired 4 days ago
        used = signin_link_issue(patient=patient)
    from patientapp.services import signin_link_use

    with time_machine.travel(now - dt.timedelta(days=4, hours=23)):
        assert signin_link_use(token=used) is not None
    with time_machine.travel(now - dt.timedelta(hours=1)):
        fresh_used = signin_link_issue(patient=patient)
        assert signin_link_use(token=fresh_used) is not None
    kept = signin_link_issue(patient=patient)
    with django_assert_num_queries(1):
        assert signin_links_prune(now=now) == 2
    assert SignInLink.objects.count() == 2
    assert signin_link_use(token=kept) is not None


def test_the_prune_is_in_beats_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["signin-links-prune"]
    assert entry["task"] == "patientapp.tasks.signin_links_prune_task"
    from patientapp.tasks import signin_links_prune_task

    assert signin_links_prune_task.name == entry["task"]


def test_a_patients_own_link_still_signs_in_the_patient(patient):
    token = signin_link_issue(patient=patient)
    browser = Client()
    browser.post(f"/app/l/{token}/")
    assert browser.session["_auth_user_id"] == str(patient.user.pk)
    assert CareLink.objects.count() == 0


def test_a_caregivers_home_speaks_of_the_patient_and_the_dashboard_is_403(
    app_client, caregiver, patient, procedure
):
    client = app_client(caregiver)
    home = client.get("/app/").content.decode()
    assert "No check-in for Bob today yet" in home
    assert "Hello Bob" not in home
    assert client.get("/dashboard/").status_code == 403


def test_a_caregivers_home_names_the_patient_when_the_lifting_restriction_is_over(
    app_client, caregiver, patient
):
    ProcedureFactory(patient=patient, performed_on=timezone.now().date() - dt.timedelta(days=60))
    home = app_client(caregiver).get("/app/").content.decode()
    assert "Bob's lifting restriction is over." in home
    assert "Your lifting restriction" not in home


def test_the_accept_page_follows_the_patients_language(api, team):
    from caregivers.services import carelink_invite
    from outbox.models import Message
    from tests.caregivers.test_invitation import token_of

    maria = PatientFactory(team=team, first_name="María", last_name="Ruiz", language="es")
    carelink_invite(
        patient=maria,
        email="hija@care.test",
        name="Lucía Ruiz",
        relationship="hija",
        invited_by=maria.user,
    )
    # The stored body holds the outbox's placeholder: the token is in the message that left.
    path = token_of(Message.objects.get(category="caregiver-invitation"))
    page = Client().get(f"/app/caregiver/accept/{path}/")
    assert page.status_code == 200 and page["Content-Language"] == "es"
    assert "Ayude a MR en su recuperación" in page.content.decode()
