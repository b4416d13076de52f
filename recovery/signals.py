"""What recovery tells the apps above it (reminders re-plan, notifications email the team),
so that recovery imports none of them.

Each signal is sent inside the transaction that made the change, and Django runs its
receivers there and then, one after the other: what they write commits or rolls back with
the change, and a receiver's error propagates (send, never send_robust), so nothing is lost
and nothing is half done. The higher apps connect in their AppConfig.ready.
"""

from django.dispatch import Signal

# A procedure was recorded (`created`) or changed. Arguments: procedure, created, changed
# (the names of the fields set).
procedure_changed = Signal()
# Fields of the patient changed (an update by the clinician or the patient). Arguments:
# patient, changed (the names of the fields set).
patient_changed = Signal()
# The patient's follow-up ended. Arguments: patient (the locked row), reason.
patient_discharged = Signal()
# A check-in's rules opened alerts or added to open ones. Arguments: alerts (each with
# `newly_opened`).
alerts_raised = Signal()
# Someone read patients' rows in the Django admin (audit connects: the patients' access logs).
# Arguments: actor, patient_ids, action, request.
admin_patients_read = Signal()
