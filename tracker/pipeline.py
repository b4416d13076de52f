"""The whole notification pipeline's health, for /health/ and the dashboard banner.

outbox.services.pipeline_status covers the alert emails (the `outbox-sweep` heartbeat, the
oldest undelivered urgent email, failed emails). Reminders have their own beat-driven
dispatcher (`reminders-dispatch`) and their own failures; this composes both so the team
and a monitor see one picture from the same figures.
"""

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from outbox import services as outbox_services
from outbox.models import OutgoingEmail, PipelineHeartbeat
from recovery.selectors import patients_for
from reminders.models import Reminder

REMINDERS_HEARTBEAT = "reminders-dispatch"
# The banner's limit (issue 5): beat silent, or an urgent email waiting, for 5 minutes.
STALL_LIMIT_SECONDS = 300


def reminders_stall_limit_seconds(limit_seconds: int = STALL_LIMIT_SECONDS) -> int:
    """The dispatcher ticks every REMINDER_DISPATCH_SECONDS; allow a few missed ticks when
    that interval is longer than the banner's limit, so a slow schedule is not a stall."""
    return max(limit_seconds, round(3 * settings.REMINDER_DISPATCH_SECONDS))


def pipeline_status() -> dict:
    """Outbox figures plus the reminder dispatcher's heartbeat and failed reminders.

    Queries: the outbox's three, the reminder heartbeat, the failed-reminder count.
    """
    now = timezone.now()
    status = outbox_services.pipeline_status()
    beat = PipelineHeartbeat.objects.filter(name=REMINDERS_HEARTBEAT).first()
    failed_reminders = Reminder.objects.filter(status=Reminder.Status.FAILED).count()
    status.update(
        reminders_last_tick=beat.ticked_at.isoformat() if beat else None,
        reminders_age_seconds=round((now - beat.ticked_at).total_seconds()) if beat else None,
        failed_reminders=failed_reminders,
        failed_notifications=status["failed_emails"] + failed_reminders,
    )
    status["stalled"] = pipeline_stalled(status)
    return status


def pipeline_stalled(status: dict, *, limit_seconds: int = STALL_LIMIT_SECONDS) -> bool:
    """Emails or reminders are not going out: outbox's rule, or the reminder dispatcher
    silent. A failed notification is not a stall (it is reported on its own)."""
    reminders_age = status["reminders_age_seconds"]
    return outbox_services.pipeline_stalled(status, limit_seconds=limit_seconds) or (
        reminders_age is None or reminders_age > reminders_stall_limit_seconds(limit_seconds)
    )


def latest_failures_for(user: User, *, limit: int = 3) -> dict:
    """The newest failed emails to the user's care teams and failed reminders of their
    patients, with the reasons, for the dashboard (signed-in clinicians only).

    /health/, which anyone may read, reports counts only: a reason may name an address.
    Two queries, asked only when something has failed.
    """
    colleagues = User.objects.filter(care_teams__clinicians=user).values("email")
    emails = list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED, to__in=colleagues)
        .order_by("-pk")
        .values("category", "urgent", "last_error", "created_at")[:limit]
    )
    reminders = list(
        Reminder.objects.filter(
            status=Reminder.Status.FAILED, patient__in=patients_for(user).values("pk")
        )
        .select_related("patient")
        .order_by("-updated_at", "-pk")[:limit]
    )
    return {"emails": emails, "reminders": reminders}
