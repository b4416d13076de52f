from celery import shared_task

from . import sending, services


@shared_task(acks_late=True, ignore_result=True)
def messages_send_task(ids: list[int]) -> None:
    sending.messages_send(ids=ids)


@shared_task(ignore_result=True)
def outbox_sweep_task() -> None:
    services.heartbeat_record(name="outbox-sweep")
    services.messages_wake(sending.outbox_sweep())
