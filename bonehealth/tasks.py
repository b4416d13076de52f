from celery import shared_task

from outbox.services import heartbeat_record

from . import alerts


@shared_task(ignore_result=True)
def denosumab_overdue_task() -> None:
    heartbeat_record(name="denosumab-overdue")
    alerts.denosumab_overdue_evaluate()
