from django.apps import AppConfig
from django.core import checks


class OutboxConfig(AppConfig):
    name = "outbox"

    def ready(self):
        from .checks import site_url_is_https, sms_is_configured

        checks.register(site_url_is_https, checks.Tags.security, deploy=True)
        checks.register(sms_is_configured, deploy=True)
        # Messages are found by their headers (a care link, a reminder) on SQLite as well.
        from lib.json_lookups import PortableDataContains

        from .models import Message

        Message._meta.get_field("headers").register_lookup(PortableDataContains)
