from django.apps import AppConfig
from django.core import checks


class OutboxConfig(AppConfig):
    name = "outbox"

    def ready(self):
        from .checks import site_url_is_https, sms_is_configured

        checks.register(site_url_is_https, checks.Tags.security, deploy=True)
        checks.register(sms_is_configured, deploy=True)
