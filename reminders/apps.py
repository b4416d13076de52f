from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class RemindersConfig(AppConfig):
    name = "reminders"

    def ready(self) -> None:
        checks.register(lease_outlasts_a_send, checks.Tags.compatibility)
        from . import receivers

        receivers.connect()


def lease_outlasts_a_send(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A lease shorter than a send task may run hands a live send to a second worker, and the
    patient gets the email twice."""
    limit = settings.CELERY_TASK_TIME_LIMIT or 0
    if limit >= settings.REMINDER_LEASE_SECONDS:
        return [
            checks.Warning(
                f"REMINDER_LEASE_SECONDS ({settings.REMINDER_LEASE_SECONDS:g}) should be longer "
                f"than CELERY_TASK_TIME_LIMIT ({limit}).",
                hint="A send still running after the lease may be repeated by another worker.",
                id="reminders.W001",
            )
        ]
    return []
