from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class RecoveryConfig(AppConfig):
    name = "recovery"

    def ready(self) -> None:
        from . import checks  # registers recovery.E010

        post_migrate.connect(checks.after_migrate, sender=self)

        from . import receivers
        from .models import CareTeam, Patient

        for signal in (post_save, post_delete):
            signal.connect(receivers.forget_patient, sender=Patient)
            signal.connect(receivers.forget_team, sender=CareTeam)
