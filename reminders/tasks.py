from celery import shared_task

from outbox.services import heartbeat_record

from . import dispatch


@shared_task(ignore_result=True)
def reminders_dispatch_task() -> None:
    heartbeat_record(name="reminders-dispatch")
    dispatch.reminders_dispatch()
