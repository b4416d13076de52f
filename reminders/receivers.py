"""The plan follows recovery's changes (recovery/signals.py), inside the transaction that
made them: connected in RemindersConfig.ready. Through `services` so that the names other
apps and the tests know stay the one entry point."""

from recovery import signals

from . import services

# The plan's inputs (PROTOCOL.md section 5): a change to one of these re-plans the patient.
PLAN_FIELDS_OF_PATIENT = {"timezone", "reminder_hour", "has_osteoporosis"}
PLAN_FIELDS_OF_PROCEDURE = {"performed_on", "cause", "lifting_restriction_days"}


def procedure_changed(*, procedure, created: bool, changed, **kwargs) -> None:
    if created:
        services.plan_build(procedure=procedure)
    else:
        services.plan_changed(
            patient=procedure.patient, changed=changed, fields=PLAN_FIELDS_OF_PROCEDURE
        )


def patient_changed(*, patient, changed, **kwargs) -> None:
    services.plan_changed(patient=patient, changed=changed, fields=PLAN_FIELDS_OF_PATIENT)


def patient_discharged(*, patient, reason: str, **kwargs) -> None:
    services.reminders_cancel_for_discharge(patient=patient, reason=reason)


def connect() -> None:
    signals.procedure_changed.connect(procedure_changed, dispatch_uid="reminders.plan")
    signals.patient_changed.connect(patient_changed, dispatch_uid="reminders.plan")
    signals.patient_discharged.connect(patient_discharged, dispatch_uid="reminders.discharge")
