"""Calling the patient back, through the API (API.md "Calling the patient back"): the call
record, `confirmed`, the check-in on every alert, silences, temperature_f, the patient's
caregivers and phones, one message per check-in, caregivers told and "try again" reminders."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from caregivers.models import CaregiverAlertNotice
from notifications import services as notify
from notifications.models import CallbackReminder
from outbox.models import Message
from recovery.models import Alert, AlertContact, CheckIn, RuleSilence
from tests.factories import CaregiverFactory, CareLinkFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operated(patient):
    ProcedureFactory(patient=patient, pre_procedure_pain=8)
    return patient


def checkin(api, patient, **body):
    body.setdefault("pain_score", 3)
    response = api(patient.user).post("/api/v1/checkins/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def emergency_checkin(api, patient):
    """One check-in with three signs: chest pain (emergency), fever and leg numbness."""
    return checkin(
        api,
        patient,
        temperature_c=38.6,
        symptoms=["chest_pain", "leg_numbness"],
        notes="Hurts when I breathe",
    )


# --- the check-in on every alert and one message per check-in ---------------------------------


def test_every_alert_names_the_checkin_that_fed_it(api, operated, clinician):
    body = emergency_checkin(api, operated)
    alerts = api(clinician).get("/api/v1/alerts/").json()["results"]
    assert {a["rule"] for a in alerts} == {"embolism_signs", "fever", "leg_neuro"}
    assert {a["checkin"] for a in alerts} == {body["id"]}
    assert all(a["contacts"] == [] and a["confirmed"] is None for a in alerts)


def test_a_checkin_with_three_signs_is_one_email_per_clinician(api, operated, clinician):
    emergency_checkin(api, operated)
    [email] = Message.objects.filter(category__startswith="alert-")
    assert email.to == clinician.email
    assert email.category == "alert-emergency"
    assert "Embolism signs, Fever or chills, Leg numbness or weakness" in email.subject
    assert "Hurts" not in email.body_text and "38.6" not in email.body_text


def test_the_alert_list_runs_a_constant_number_of_queries(
    api, operated, clinician, django_assert_max_num_queries
):
    emergency_checkin(api, operated)
    client = api(clinician)
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/alerts/")
    for _ in range(3):
        alert = Alert.objects.filter(patient=operated).first()
        AlertContact.objects.create(alert=alert, outcome="no_answer", by=clinician)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/alerts/")


# --- the call record ---------------------------------------------------------------------------


def alert_of(patient, rule):
    return Alert.objects.get(patient=patient, rule=rule)


def test_no_answer_is_recorded_and_keeps_the_alert_open(api, operated, clinician):
    emergency_checkin(api, operated)
    alert = alert_of(operated, "embolism_signs")
    response = api(clinician).post(
        f"/api/v1/alerts/{alert.pk}/contacts/",
        {"outcome": "no_answer", "note": "Rang twice"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["outcome"], body["person"], body["note"], body["by"]) == (
        "no_answer",
        "patient",
        "Rang twice",
        clinician.pk,
    )
    alert.refresh_from_db()
    assert alert.status == "open"
    assert alert.callback_due_at == dt.datetime.fromisoformat(body["at"]) + dt.timedelta(minutes=30)
    listed = api(clinician).get(f"/api/v1/alerts/{alert.pk}/contacts/").json()
    assert [c["id"] for c in listed] == [body["id"]]
    assert (
        api(clinician).get(f"/api/v1/alerts/{alert.pk}/").json()["contacts"][0]["id"]
        == (body["id"])
    )


@pytest.mark.parametrize("outcome", ["reached", "sent_to_emergency"])
def test_reaching_them_acknowledges(api, operated, clinician, outcome):
    emergency_checkin(api, operated)
    alert = alert_of(operated, "embolism_signs")
    response = api(clinician).post(
        f"/api/v1/alerts/{alert.pk}/contacts/",
        {"outcome": outcome, "person": "caregiver"},
        format="json",
    )
    assert response.status_code == 201
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.callback_due_at) == (
        "acknowledged",
        clinician,
        None,
    )


def test_a_call_on_a_resolved_alert_is_a_409(api, operated, clinician):
    emergency_checkin(api, operated)
    alert = alert_of(operated, "fever")
    api(clinician).post(f"/api/v1/alerts/{alert.pk}/resolve/", {"note": "ok"}, format="json")
    response = api(clinician).post(
        f"/api/v1/alerts/{alert.pk}/contacts/", {"outcome": "reached"}, format="json"
    )
    assert response.status_code == 409
    assert not AlertContact.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({}, "outcome"),
        ({"outcome": "reached", "person": "neighbour"}, "person"),
        ({"outcome": "reached", "note": "x" * 2001}, "note"),
        ({"outcome": "reached", "note": 12}, "note"),
    ],
)
def test_bad_calls_are_400_naming_the_field(api, operated, clinician, body, field):
    emergency_checkin(api, operated)
    alert = alert_of(operated, "fever")
    response = api(clinician).post(f"/api/v1/alerts/{alert.pk}/contacts/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not AlertContact.objects.exists()


def test_scope_of_the_call_record(api, operated, clinician, other_clinician, caregiver):
    emergency_checkin(api, operated)
    alert = alert_of(operated, "fever")
    path = f"/api/v1/alerts/{alert.pk}/contacts/"
    body = {"outcome": "reached"}
    assert api(other_clinician).get(path).status_code == 404
    assert api(other_clinician).post(path, body, format="json").status_code == 404
    assert api(operated.user).post(path, body, format="json").status_code == 403
    assert api(caregiver).post(path, body, format="json").status_code == 403
    assert api(None).post(path, body, format="json").status_code == 401
    assert not AlertContact.objects.exists()


def test_resolve_takes_confirmed(api, operated, clinician):
    emergency_checkin(api, operated)
    alert = alert_of(operated, "fever")
    bad = api(clinician).post(
        f"/api/v1/alerts/{alert.pk}/resolve/", {"note": "", "confirmed": "yes"}, format="json"
    )
    assert bad.status_code == 400 and "confirmed" in bad.json()
    good = api(clinician).post(
        f"/api/v1/alerts/{alert.pk}/resolve/", {"note": "Flu", "confirmed": True}, format="json"
    )
    assert good.status_code == 200
    assert (good.json()["status"], good.json()["confirmed"]) == ("resolved", True)


# --- "try again" ---------------------------------------------------------------------------------


def test_the_team_is_reminded_once_after_the_set_time(api, operated, clinician, team):
    team.rule_settings = {"callback_retry_minutes": 20}
    team.save()
    emergency_checkin(api, operated)
    alert = alert_of(operated, "embolism_signs")
    start = timezone.now()
    api(clinician).post(
        f"/api/v1/alerts/{alert.pk}/contacts/", {"outcome": "left_message"}, format="json"
    )
    with time_machine.travel(start + dt.timedelta(minutes=19), tick=False):
        assert notify.callbacks_remind() == 0
    with time_machine.travel(start + dt.timedelta(minutes=21), tick=False):
        assert notify.callbacks_remind() == 1
        assert notify.callbacks_remind() == 0  # once
    [email] = Message.objects.filter(category="callback-reminder")
    assert email.to == clinician.email
    assert email.subject.startswith("Call again: EMERGENCY for BS (left a message at ")
    assert CallbackReminder.objects.count() == 1


def test_reaching_them_cancels_the_reminder(api, operated, clinician):
    emergency_checkin(api, operated)
    alert = alert_of(operated, "embolism_signs")
    client = api(clinician)
    client.post(f"/api/v1/alerts/{alert.pk}/contacts/", {"outcome": "no_answer"}, format="json")
    client.post(f"/api/v1/alerts/{alert.pk}/contacts/", {"outcome": "reached"}, format="json")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        assert notify.callbacks_remind() == 0


def test_a_warning_brings_no_reminder(api, operated, clinician):
    checkin(api, operated, symptoms=["site_redness"])
    alert = alert_of(operated, "site_infection")
    api(clinician).post(
        f"/api/v1/alerts/{alert.pk}/contacts/", {"outcome": "no_answer"}, format="json"
    )
    alert.refresh_from_db()
    assert alert.callback_due_at is None


# --- silences --------------------------------------------------------------------------------


def silence(api, user, patient, **body):
    return api(user).post(f"/api/v1/patients/{patient.pk}/silences/", body, format="json")


def days_ahead(n):
    return (timezone.now().date() + dt.timedelta(days=n)).isoformat()


def test_a_silenced_sign_records_but_opens_nothing_and_tells_no_one(
    api, operated, clinician, caregiver
):
    response = silence(
        api, clinician, operated, rule="leg_neuro", until=days_ahead(10), reason="Since 2019"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["rule"], response.json()["by"]) == ("leg_neuro", clinician.pk)
    body = checkin(api, operated, symptoms=["leg_numbness"])
    assert body["alerts"] == [] and body["guidance"] is None
    assert CheckIn.objects.get(pk=body["id"]).silenced_rules == ["leg_neuro"]
    assert not Alert.objects.exists()
    assert not Message.objects.filter(category__contains="alert").exists()
    # Ended, the sign alerts again.
    sid = response.json()["id"]
    ended = api(clinician).delete(f"/api/v1/patients/{operated.pk}/silences/{sid}/")
    assert ended.status_code == 204
    assert api(clinician).get(f"/api/v1/patients/{operated.pk}/silences/").json() == []
    assert [a["rule"] for a in checkin(api, operated, symptoms=["leg_numbness"])["alerts"]] == [
        "leg_neuro"
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rule": "embolism_signs", "until": 5, "reason": "x"}, "rule"),
        ({"rule": "cauda_equina_signs", "until": 5, "reason": "x"}, "rule"),
        ({"rule": "no_such_rule", "until": 5, "reason": "x"}, "rule"),
        ({"rule": "fever", "until": 31, "reason": "x"}, "until"),
        ({"rule": "fever", "until": 0, "reason": "x"}, "until"),
        ({"rule": "fever", "until": 5}, "reason"),
        ({"rule": "fever", "until": 5, "reason": "x" * 501}, "reason"),
        ({"rule": "fever", "until": "soon", "reason": "x"}, "until"),
    ],
)
def test_bad_silences_are_400_naming_the_field(api, operated, clinician, body, field):
    if isinstance(body["until"], int):
        body = {**body, "until": days_ahead(body["until"])}
    response = silence(api, clinician, operated, **body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not RuleSilence.objects.exists()


def test_scope_of_silences(api, operated, clinician, other_clinician, caregiver):
    body = {"rule": "fever", "until": days_ahead(3), "reason": "x"}
    assert silence(api, other_clinician, operated, **body).status_code == 404
    assert silence(api, operated.user, operated, **body).status_code == 403
    assert silence(api, caregiver, operated, **body).status_code == 403
    sid = silence(api, clinician, operated, **body).json()["id"]
    path = f"/api/v1/patients/{operated.pk}/silences/{sid}/"
    assert api(other_clinician).delete(path).status_code == 404
    assert api(other_clinician).get(f"/api/v1/patients/{operated.pk}/silences/").status_code == 404
    assert RuleSilence.objects.get().ended_at is None


# --- temperature_f -----------------------------------------------------------------------------


def test_temperature_f_is_stored_in_celsius(api, operated):
    body = checkin(api, operated, temperature_f=101.3)
    assert body["temperature_c"] == 38.5
    assert [a["rule"] for a in body["alerts"]] == ["fever"]


@pytest.mark.parametrize(
    "extra",
    [
        {"temperature_f": 98.6, "temperature_c": 37.0},
        {"temperature_f": 110},
        {"temperature_f": 93.1},
        {"temperature_f": "98.6"},
    ],
)
def test_bad_temperature_f_is_a_400(api, operated, extra):
    response = api(operated.user).post(
        "/api/v1/checkins/", {"pain_score": 2, **extra}, format="json"
    )
    assert response.status_code == 400
    assert "temperature_f" in response.json()
    assert not CheckIn.objects.exists()


def test_a_team_in_the_us_asks_in_fahrenheit(team, settings):
    from recovery.models import CareTeam

    assert team.temperature_unit == "F"
    settings.PHONE_REGION = "GB"
    assert CareTeam.objects.create(name="Leeds").temperature_unit == "C"


# --- phones where the nurse looks ---------------------------------------------------------------


def test_the_patient_has_phone_language_and_caregivers_with_phones(api, operated, clinician, link):
    link.phone = "+12025550143"
    link.save()
    CareLinkFactory(
        patient=operated, caregiver=CaregiverFactory(email="x@care.test"), status="revoked"
    )
    api(clinician).patch(
        f"/api/v1/patients/{operated.pk}/", {"phone": "(202) 555-0142"}, format="json"
    )
    body = api(clinician).get(f"/api/v1/patients/{operated.pk}/").json()
    assert (body["phone"], body["language"]) == ("+12025550142", "en")
    assert body["caregivers"] == [
        {
            "id": link.pk,
            "name": "Ann Hill",
            "relationship": "daughter",
            "email": "ann@care.test",
            "phone": "+12025550143",
        }
    ]
    row = api(clinician).get("/api/v1/patients/").json()["results"][0]
    assert row["phone"] == "+12025550142"


# --- caregivers told ---------------------------------------------------------------------------


def test_the_caregiver_gets_one_email_and_text_per_urgent_checkin(api, operated, link):
    link.phone, link.sms_consent_at = "+12025550143", timezone.now()
    link.save()
    emergency_checkin(api, operated)
    [email] = Message.objects.filter(channel="email", category="caregiver-alert-emergency")
    [text] = Message.objects.filter(channel="sms", category="caregiver-alert-emergency")
    assert email.to == "ann@care.test" and text.to == "+12025550143"
    assert "Bob reported an emergency sign" in email.subject
    assert "Call emergency services now" in email.body_text
    assert operated.team.emergency_number in text.body_text
    assert CaregiverAlertNotice.objects.count() == 1
    # A warning tells the caregiver nothing.
    checkin(api, operated, symptoms=["site_redness"])
    assert Message.objects.filter(category__startswith="caregiver-alert").count() == 2


def test_a_caregiver_who_turned_alerts_off_or_was_revoked_is_not_told(api, operated, link):
    link.receives_alerts = False
    link.save()
    other = CareLinkFactory(
        patient=operated, caregiver=CaregiverFactory(email="gone@care.test"), status="revoked"
    )
    assert other.status == "revoked"
    emergency_checkin(api, operated)
    assert not Message.objects.filter(category__startswith="caregiver-alert").exists()


def test_the_caregiver_reads_the_patients_language(api, operated, link):
    operated.language = "es"
    operated.save()
    checkin(api, operated, temperature_c=38.6)
    [email] = Message.objects.filter(category="caregiver-alert-urgent")
    assert email.to == "ann@care.test"
    assert email.subject == (
        "Bob ha indicado un signo de alarma: contacte hoy con el equipo de atención"
    )
    assert "Qué hacer ahora:" in email.body_text


def test_enrolment_by_the_api_takes_the_phone_and_refuses_a_birth_before_1900(api, clinician):
    body = {
        "email": "nina@patient.test",
        "first_name": "Nina",
        "last_name": "New",
        "date_of_birth": "1899-12-31",
        "phone": "(202) 555-0142",
    }
    refused = api(clinician).post("/api/v1/patients/", body, format="json")
    assert refused.status_code == 400 and "date_of_birth" in refused.json()
    created = api(clinician).post(
        "/api/v1/patients/", {**body, "date_of_birth": "1940-01-01"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["phone"] == "+12025550142"
