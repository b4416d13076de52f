from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
        # A reminder follows its messages: connect the outbox's settled hook.
        from . import delivery  # noqa: F401
