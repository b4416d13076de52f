"""Discharge: the end of follow-up (API.md "Accounts and the patient's life cycle")."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from outbox.models import Message
from outbox.services import email_queue
from recovery import lifecycle, services
from recovery.alerts import missed_checkins_evaluate
from recovery.models import Alert, Patient
from reminders.models import Reminder
from tests.api.support import field_errors, nothing_created
from tests.factories import CheckInFactory, PatientFactory


def procedure_data(days_ago=2, **extra):
    return {
        "procedure_type": "kyphoplasty",
        "performed_on": timezone.now().date() - dt.timedelta(days=days_ago),
        "vertebral_levels": ["L1"],
        "cause": "osteoporosis",
        "pre_procedure_pain": 8,
        **extra,
    }


@pytest.fixture
def planned(patient):
    """The patient with a procedure and its reminder plan."""
    services.procedure_record(patient=patient, data=procedure_data())
    assert Reminder.objects.filter(patient=patient, status="scheduled").exists()
    return patient


def discharge(api, clinician, patient, **body):
    return api(clinician).post(
        f"/api/v1/patients/{patient.pk}/discharge/",
        {"reason": "recovered", **body},
        format="json",
    )


def test_discharge_answers_the_patient_now_discharged(api, clinician, planned):
    response = discharge(api, clinician, planned, note="Pain free at 6 weeks.")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == planned.pk
    assert body["status"] == "discharged"
    assert body["discharge_reason"] == "recovered"
    assert body["discharge_note"] == "Pain free at 6 weeks."
    assert dt.datetime.fromisoformat(body["discharged_at"]) <= timezone.now()
    planned.refresh_from_db()
    assert planned.status == "discharged"


def test_an_active_patient_says_so(api, clinician, patient):
    body = api(clinician).get(f"/api/v1/patients/{patient.pk}/").json()
    assert (body["status"], body["discharged_at"]) == ("active", None)


def test_a_second_discharge_is_a_409_and_changes_nothing(api, clinician, planned):
    assert discharge(api, clinician, planned).status_code == 200
    first = Patient.objects.get(pk=planned.pk)
    response = discharge(api, clinician, planned, reason="deceased")
    assert response.status_code == 409
    again = Patient.objects.get(pk=planned.pk)
    assert (again.discharge_reason, again.discharged_at) == ("recovered", first.discharged_at)


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": "bored"}, {"reason": 1}, {"reason": "other", "note": 5}, {"reason": None}],
)
def test_a_bad_reason_is_a_400_and_writes_nothing(api, clinician, planned, body):
    with nothing_created():
        response = api(clinician).post(
            f"/api/v1/patients/{planned.pk}/discharge/", body, format="json"
        )
    field_errors(response)
    planned.refresh_from_db()
    assert planned.status == "active"
    assert not Reminder.objects.filter(patient=planned, status="cancelled").exists()


def test_unsent_reminders_are_cancelled_with_the_reason(api, clinician, planned):
    sent = Reminder.objects.filter(patient=planned, status="scheduled").first()
    Reminder.objects.filter(pk=sent.pk).update(status="sent", sent_at=timezone.now())
    discharge(api, clinician, planned, reason="transferred")
    assert not Reminder.objects.filter(patient=planned, status="scheduled").exists()
    cancelled = Reminder.objects.filter(patient=planned, status="cancelled")
    assert cancelled.exists()
    assert {r.reason for r in cancelled} == {"The patient was discharged (transferred)."}
    assert Reminder.objects.get(pk=sent.pk).status == "sent"  # history stays


def test_no_replan_brings_reminders_back_while_discharged(api, clinician, planned):
    discharge(api, clinician, planned)
    procedure = planned.procedures.get()
    # Every re-plan path: the procedure's date and restriction, the patient's plan inputs.
    response = api(clinician).patch(
        f"/api/v1/procedures/{procedure.pk}/",
        {
            "performed_on": (timezone.now().date() - dt.timedelta(days=1)).isoformat(),
            "lifting_restriction_days": 10,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    response = api(clinician).patch(
        f"/api/v1/patients/{planned.pk}/",
        {"timezone": "America/Chicago", "reminder_hour": 7, "has_osteoporosis": True},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert not Reminder.objects.filter(patient=planned, status="scheduled").exists()


def test_a_new_procedure_makes_the_patient_active_and_planned_again(api, clinician, planned):
    discharge(api, clinician, planned)
    response = api(clinician).post(
        f"/api/v1/patients/{planned.pk}/procedures/",
        {
            "procedure_type": "vertebroplasty",
            "performed_on": timezone.now().date().isoformat(),
            "vertebral_levels": ["T12"],
            "cause": "osteoporosis",
            "pre_procedure_pain": 7,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    planned.refresh_from_db()
    assert (planned.status, planned.discharged_at, planned.discharge_reason) == ("active", None, "")
    newest = planned.procedures.order_by("-performed_on", "-id").first()
    assert Reminder.objects.filter(procedure=newest, status="scheduled").exists()
    # And discharging again is allowed: a new episode.
    assert discharge(api, clinician, planned).status_code == 200


def test_the_list_and_dashboard_leave_discharged_patients_out(api, clinician, planned, team):
    stays = PatientFactory(team=team, last_name="Active")
    Alert.objects.create(patient=planned, rule="fever", severity="urgent", message="Fever")
    discharge(api, clinician, planned)

    def ids(**query):
        response = api(clinician).get("/api/v1/patients/", query)
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    assert ids() == [stays.pk]
    assert ids(status="active") == [stays.pk]
    assert ids(status="discharged") == [planned.pk]
    assert ids(status="all") == sorted([stays.pk, planned.pk])
    assert "status" in field_errors(api(clinician).get("/api/v1/patients/", {"status": "x"}))

    figures = api(clinician).get("/api/v1/dashboard/").json()
    assert figures["patients_total"] == 1
    assert figures["open_alerts"]["urgent"] == 0
    # Their alerts stay in the inbox.
    alerts = api(clinician).get("/api/v1/alerts/").json()["results"]
    assert [a["patient"] for a in alerts] == [planned.pk]


def test_missed_checkins_stops_for_a_discharged_patient(planned, clinician):
    lifecycle.patient_discharge(patient=planned, by=clinician, reason="withdrew")
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        missed_checkins_evaluate()
    assert not Alert.objects.filter(patient=planned, rule="missed_checkins").exists()


def test_missed_checkins_still_runs_for_an_active_patient(planned):
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        missed_checkins_evaluate()
    assert Alert.objects.filter(patient=planned, rule="missed_checkins").exists()


def test_a_discharged_patient_still_signs_in_checks_in_and_is_alerted_on(api, clinician, planned):
    from rest_framework.test import APIClient

    discharge(api, clinician, planned)
    login = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "bob@patient.test", "password": "correct-horse-battery-staple"},
        format="json",
    )
    assert login.status_code == 200, login.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    response = client.post(
        "/api/v1/checkins/", {"pain_score": 3, "temperature_c": 38.9}, format="json"
    )
    assert response.status_code == 201, response.content
    assert [alert["rule"] for alert in response.json()["alerts"]] == ["fever"]
    assert response.json()["guidance"]["severity"] == "urgent"
    inbox = api(clinician).get("/api/v1/alerts/", {"patient": planned.pk}).json()["results"]
    assert [a["rule"] for a in inbox] == ["fever"]


def test_deceased_stops_every_queued_message_to_the_patient(
    api, clinician, planned, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        to_patient = email_queue(
            to=planned.user.email,
            template="recovery/email/enrollment",
            context={"first_name": "Bob", "code": "X", "days": 14},
            category="enrollment",
        )
        to_clinician = email_queue(
            to=clinician.email,
            template="recovery/email/enrollment",
            context={"first_name": "A", "code": "Y", "days": 14},
            category="enrollment",
        )
    response = discharge(api, clinician, planned, reason="deceased")
    assert response.status_code == 200
    assert Message.objects.get(pk=to_patient.pk).status == "cancelled"
    assert Message.objects.get(pk=to_clinician.pk).status == "queued"
    assert not Reminder.objects.filter(patient=planned, status="scheduled").exists()


def test_other_reasons_leave_other_queued_emails_alone(api, clinician, planned):
    queued = email_queue(
        to=planned.user.email,
        template="recovery/email/enrollment",
        context={"first_name": "Bob", "code": "X", "days": 14},
        category="enrollment",
        wake=False,
    )
    discharge(api, clinician, planned, reason="recovered")
    assert Message.objects.get(pk=queued.pk).status == "queued"


def test_discharge_is_one_transaction(monkeypatch, clinician, planned):
    # The reminders half runs as a receiver of recovery's patient_discharged signal, in the
    # discharge's transaction: its failure undoes the discharge.
    from reminders import services as reminder_services

    def broken(**kwargs):
        raise RuntimeError("the reminders half failed")

    monkeypatch.setattr(reminder_services, "reminders_cancel_for_discharge", broken)
    with pytest.raises(RuntimeError):
        lifecycle.patient_discharge(patient=planned, by=clinician, reason="recovered")
    assert Patient.objects.get(pk=planned.pk).status == "active"


def test_discharge_cancels_the_queued_messages_of_queued_reminders(clinician, planned):
    from outbox.models import Message
    from reminders.dispatch import reminders_dispatch

    with time_machine.travel(timezone.now() + dt.timedelta(days=1, hours=12)):
        assert reminders_dispatch() > 0  # queued, not yet sent
    queued = Message.objects.filter(ref_type="reminder")
    assert queued.exists() and set(queued.values_list("status", flat=True)) == {"queued"}
    lifecycle.patient_discharge(patient=planned, by=clinician, reason="recovered")
    assert set(queued.values_list("status", flat=True)) == {"cancelled"}
    assert set(queued.values_list("secret", flat=True)) == {""}
    assert not Reminder.objects.filter(patient=planned, status="scheduled").exists()


def test_the_dispatcher_sends_nothing_to_a_discharged_patient(clinician, planned):
    from reminders.dispatch import reminders_dispatch

    lifecycle.patient_discharge(patient=planned, by=clinician, reason="recovered")
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        assert reminders_dispatch() == 0
    CheckInFactory(patient=planned)  # and a check-in still goes in


@pytest.mark.parametrize("n", [1, 20])
def test_the_discharged_and_all_lists_run_a_constant_number_of_queries(
    api, clinician, team, django_assert_num_queries, n
):
    for _ in range(n):
        gone = PatientFactory(team=team)
        lifecycle.patient_discharge(patient=gone, by=clinician, reason="recovered")
        PatientFactory(team=team)
    client = api(clinician)
    # 1 the user behind the token (the first request: then it is in the shared cache), 2 the
    # page of patients (their summary rows joined, the status a condition) with the pager's
    # count, 3 the audit INSERT.
    for i, (status, expected) in enumerate((("discharged", n), ("all", 2 * n), ("active", n))):
        with django_assert_num_queries(3 if i == 0 else 2):
            response = client.get("/api/v1/patients/", {"status": status})
        assert response.json()["count"] == expected
        assert {row["status"] for row in response.json()["results"]} <= {"active", "discharged"}


def test_a_discharge_is_audited_as_a_change(api, clinician, planned):
    from audit.models import AccessRecord

    discharge(api, clinician, planned)
    assert AccessRecord.objects.filter(
        patient=planned, actor=clinician, action="patient-discharge", kind="change"
    ).exists()
