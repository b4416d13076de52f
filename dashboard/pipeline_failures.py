"""What could not be delivered, with the reasons, for the dashboard banner of a signed-in
clinician: the failed messages to their care teams and the failed reminders of their patients.
(/health/, which anyone may read, reports the counts only: outbox/pipeline.py.)"""

from accounts.models import User
from outbox.pipeline import failed_messages_to
from recovery.selectors import patients_for
from reminders.models import Reminder


def latest_failures_for(user: User, *, limit: int = 3) -> dict:
    """Three queries, asked only when something has failed."""
    colleagues = User.objects.filter(care_teams__clinicians=user)
    addresses = [
        address
        for email, phone in colleagues.values_list("email", "phone")
        for address in (email, phone)
        if address
    ]
    reminders = list(
        Reminder.objects.filter(
            status=Reminder.Status.FAILED, patient__in=patients_for(user).values("pk")
        )
        .select_related("patient")
        .order_by("-updated_at", "-pk")[:limit]
    )
    return {"emails": failed_messages_to(addresses, limit=limit), "reminders": reminders}
