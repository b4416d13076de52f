import pytest

from tests.support.sms_provider import ACCOUNT_SID, AUTH_TOKEN, SENDER, SmsProvider


@pytest.fixture
def sms_provider():
    """The fake SMS provider on a free loopback port; .sent() holds what it received."""
    provider = SmsProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def sms_settings(settings, sms_provider):
    settings.SMS_API_BASE_URL = sms_provider.base_url
    settings.SMS_ACCOUNT_SID = ACCOUNT_SID
    settings.SMS_AUTH_TOKEN = AUTH_TOKEN
    settings.SMS_FROM = SENDER
    settings.SMS_TIMEOUT_SECONDS = 5
    return sms_provider
