from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecoveryConfig(AppConfig):
    name = "recovery"

    def ready(self) -> None:
        from . import checks  # registers recovery.E010

        post_migrate.connect(checks.after_migrate, sender=self)
