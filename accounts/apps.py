from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from . import user_cache
        from .models import User

        for signal in (post_save, post_delete):
            signal.connect(user_cache.forget_user, sender=User)
