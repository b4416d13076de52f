from celery import shared_task

from outbox.services import heartbeat_record

from . import alerts


@shared_task(ignore_result=True)
def missed_checkins_task() -> None:
    heartbeat_record(name="missed-checkins")
    alerts.missed_checkins_evaluate()
