"""A check-in's new urgent and emergency alerts email the care team, in the check-in's
transaction (recovery/signals.py): connected in NotificationsConfig.ready."""

from recovery import signals

from . import services


def alerts_raised(*, alerts, **kwargs) -> None:
    services.alerts_notify(alerts=alerts)


def connect() -> None:
    signals.alerts_raised.connect(alerts_raised, dispatch_uid="notifications.alerts")
