from django.conf import settings
from django.core import checks


def site_url_is_https(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """SITE_URL is the base of every emailed link (enrollment, password reset, unsubscribe)
    and of FHIR URLs: over plain HTTP those secrets would cross the network readable."""
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL!r}: links in emails would be plain HTTP.",
            hint="Set SITE_URL to the https:// address the service is reached at.",
            id="outbox.W001",
        )
    ]


def sms_is_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Without a provider account every SMS (an alert a clinician chose to get by text, a
    reminder) fails at once: say so at start-up rather than on the first urgent alert."""
    missing = [
        name
        for name in ("SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM")
        if not getattr(settings, name)
    ]
    if not missing:
        return []
    return [
        checks.Warning(
            f"SMS is off: {', '.join(missing)} not set. Every SMS will fail with that reason.",
            hint="Set SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM (and SMS_API_BASE_URL).",
            id="outbox.W002",
        )
    ]
