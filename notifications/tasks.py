from celery import shared_task

from outbox.services import heartbeat_record

from . import services


@shared_task(ignore_result=True)
def alert_escalations_task() -> None:
    heartbeat_record(name="alert-escalations")
    services.escalations_send()
    # The "try again" reminders after a call that did not get through, on the same sweep.
    services.callbacks_remind()


@shared_task(ignore_result=True)
def warning_digests_task() -> None:
    heartbeat_record(name="warning-digests")
    services.digests_send()
