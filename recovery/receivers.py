"""The cached rows of bearer-token authentication (accounts/user_cache.py) that a patient or
care team is part of, forgotten when it changes."""

from accounts import user_cache

from .models import Patient


def forget_patient(sender, instance, **kwargs) -> None:
    user_cache.forget([instance.user_id])


def forget_team(sender, instance, **kwargs) -> None:
    # Rare (an administrator's edit) and one indexed read, whatever the team's size.
    user_cache.forget(Patient.objects.filter(team_id=instance.pk).values_list("user_id", flat=True))
