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
