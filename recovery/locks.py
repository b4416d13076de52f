"""The one lock order for writes to a patient's check-ins, alerts and procedures.

Each of those writes updates the patient's summary row (models.PatientSummary) through a
trigger (migration 0010_summary_triggers_frozen), and so locks that row in the middle of the
statement. A transaction that also locks an alert (select_for_update, or the UPDATE itself)
would hold the two locks in whichever order its statements ran; two such transactions in
opposite orders deadlock. So every writer calls summary_lock() first, before any other row of
that patient: the services, the admin (recovery/admin.py), the periodic jobs and the commands.
Several patients are locked in ascending id order, the same for every writer.

Two writers need no call. A check-in that fires nothing is one autocommitted INSERT: its
trigger takes the summary lock and it holds no other lock anyone waits for (the new row is its
own). And a write to columns no trigger reads (an alert's notification bookkeeping:
notified_at, escalations_sent, next_escalation_at) never takes the summary lock, so it cannot
close a cycle with it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import PatientSummary


def summary_lock(patient_ids: int | Iterable[int]) -> None:
    """Lock these patients' summary rows, in id order, until the transaction ends.

    Call it inside the writer's transaction, before it reads for update or writes any of the
    patients' check-ins, alerts or procedures. On SQLite (one writer at a time) it is a read.
    """
    ids = sorted({patient_ids} if isinstance(patient_ids, int) else set(patient_ids))
    if not ids:
        return
    list(
        PatientSummary.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
