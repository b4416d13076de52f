from celery import shared_task

from outbox.services import heartbeat_record

from . import dispatch


@shared_task(ignore_result=True)
def reminders_dispatch_task() -> None:
    heartbeat_record(name="reminders-dispatch")
    dispatch.reminders_dispatch()


@shared_task(acks_late=True, ignore_result=True)
def reminder_send_task(reminder_id: int) -> None:
    dispatch.reminder_send(reminder_id=reminder_id)


@shared_task(acks_late=True, ignore_result=True)
def reminders_send_task(reminder_ids: list[int]) -> None:
    dispatch.reminders_send(reminder_ids=reminder_ids)
