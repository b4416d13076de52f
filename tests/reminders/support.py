"""Running the reminder pipeline by hand (no worker): the dispatcher queues, the outbox sends."""

from unittest.mock import patch

from outbox import sending
from outbox.models import Message
from outbox.tasks import messages_send_task
from reminders.tasks import reminders_dispatch_task


def dispatch(capture) -> list[int]:
    """Run the dispatcher task and return the outbox message ids it woke (after commit);
    `capture` is pytest-django's django_capture_on_commit_callbacks."""
    with patch.object(messages_send_task, "delay") as wake, capture(execute=True):
        reminders_dispatch_task()
    return [pk for call in wake.call_args_list for pk in call.args[0]]


def send(ids) -> int:
    """What the worker's send task does with the ids."""
    return sending.messages_send(ids=list(ids))


def run(capture) -> int:
    """Dispatch, then send what was queued. Returns how many messages were sent."""
    return send(dispatch(capture))


def messages_of(reminder, **filters):
    return Message.objects.filter(ref_type="reminder", ref_id=reminder.pk, **filters)
