"""recovery imports neither reminders nor notifications: it sends signals inside its
transaction (recovery/signals.py) and their receivers re-plan and queue the team's emails
there and then. So their rows exist before the transaction ends, go with it when it rolls
back, and a receiver's failure undoes the change that caused it."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import services as notification_services
from notifications.models import AlertNotification
from recovery import services
from recovery.models import CheckIn, Procedure
from reminders.models import Reminder


class Rollback(Exception):
    pass


def procedure_data(**overrides) -> dict:
    return {
        "procedure_type": "kyphoplasty",
        "performed_on": timezone.now().date() - dt.timedelta(days=1),
        "vertebral_levels": ["L1"],
        "cause": "osteoporosis",
        "pre_procedure_pain": 8,
        **overrides,
    }


def emergency(patient) -> services.CheckinResult:
    return services.checkin_record(
        patient=patient,
        entered_by=patient.user,
        data={"pain_score": 4, "symptoms": ["chest_pain"]},
    )


def test_a_recorded_procedure_is_planned_in_its_transaction_and_rolls_back_with_it(patient):
    with pytest.raises(Rollback), transaction.atomic():
        procedure = services.procedure_record(patient=patient, data=procedure_data())
        assert Reminder.objects.filter(procedure=procedure).exists()
        raise Rollback
    assert not Procedure.objects.filter(patient=patient).exists()
    assert not Reminder.objects.filter(patient=patient).exists()


def last_due(procedure):
    # The plan's last reminder is months away: still scheduled whatever is changed here.
    reminders = Reminder.objects.filter(procedure=procedure, status="scheduled")
    return reminders.order_by("-due_at").values_list("due_at", flat=True).first()


def test_a_changed_procedure_and_patient_are_re_planned_at_once(patient):
    procedure = services.procedure_record(patient=patient, data=procedure_data())
    due = last_due(procedure)
    later = procedure.performed_on + dt.timedelta(days=2)
    services.procedure_update(procedure=procedure, data={"performed_on": later})
    assert last_due(procedure) == due + dt.timedelta(days=2)
    services.patient_update(patient=patient, data={"reminder_hour": patient.reminder_hour + 1})
    assert last_due(procedure) == due + dt.timedelta(days=2, hours=1)


def test_a_field_outside_the_plan_re_plans_nothing(patient):
    services.procedure_record(patient=patient, data=procedure_data())
    before = list(Reminder.objects.filter(patient=patient).values_list("pk", "updated_at"))
    services.patient_update(patient=patient, data={"first_name": "Robert"})
    assert list(Reminder.objects.filter(patient=patient).values_list("pk", "updated_at")) == before


def test_an_emergency_check_in_queues_the_team_s_emails_in_its_transaction(patient, clinician):
    with pytest.raises(Rollback), transaction.atomic():
        result = emergency(patient)
        assert [a.severity for a in result.alerts] == ["emergency"]
        assert AlertNotification.objects.filter(clinician=clinician).count() == 1
        raise Rollback
    assert not CheckIn.objects.filter(patient=patient).exists()
    assert not AlertNotification.objects.exists()


def test_a_failing_receiver_undoes_the_check_in(patient, clinician, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the notifications half failed")

    monkeypatch.setattr(notification_services, "alerts_notify", broken)
    with pytest.raises(RuntimeError):
        emergency(patient)
    assert not CheckIn.objects.filter(patient=patient).exists()
