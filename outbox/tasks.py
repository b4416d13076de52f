from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def outgoing_email_send_task(email_id: int) -> None:
    services.outgoing_email_send(email_id=email_id)


@shared_task(acks_late=True, ignore_result=True)
def outgoing_emails_send_task(email_ids: list[int]) -> None:
    services.outgoing_emails_send(email_ids=email_ids)


@shared_task(ignore_result=True)
def outbox_sweep_task() -> None:
    services.heartbeat_record(name="outbox-sweep")
    services.outgoing_emails_wake(services.outbox_sweep())
