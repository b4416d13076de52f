from django.apps import AppConfig


class CaregiversConfig(AppConfig):
    name = "caregivers"

    def ready(self) -> None:
        from recovery.lifecycle import messages_finder_register

        from .copies import messages_about

        # "deceased" stops the caregivers' emails about the patient too (recovery/lifecycle.py).
        messages_finder_register(messages_about)

        from recovery import signals

        from .alerts import alerts_raised

        signals.alerts_raised.connect(alerts_raised, dispatch_uid="caregivers.alerts")
