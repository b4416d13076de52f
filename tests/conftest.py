"""The cast: a patient, a clinician of their team, and a clinician of another team; the
patient's caregiver and the other patient's."""

import os

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import (
    CaregiverFactory,
    CareLinkFactory,
    CareTeamFactory,
    ClinicianFactory,
    PatientFactory,
    ProcedureFactory,
)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def team(db):
    return CareTeamFactory(name="North Spine Team")


@pytest.fixture
def other_team(db):
    return CareTeamFactory(name="South Spine Team")


@pytest.fixture
def clinician(team):
    return ClinicianFactory(email="alice@clinic.test", teams=[team])


@pytest.fixture
def other_clinician(other_team):
    return ClinicianFactory(email="charlie@clinic.test", teams=[other_team])


@pytest.fixture
def patient(team):
    return PatientFactory(
        team=team, first_name="Bob", last_name="Stone", user__email="bob@patient.test"
    )


@pytest.fixture
def other_patient(other_team):
    return PatientFactory(
        team=other_team, first_name="Dave", last_name="Far", user__email="dave@patient.test"
    )


@pytest.fixture
def caregiver(patient):
    """Ann Hill, the patient's daughter, who accepted the patient's invitation."""
    user = CaregiverFactory(email="ann@care.test", first_name="Ann", last_name="Hill")
    CareLinkFactory(patient=patient, caregiver=user)
    return user


@pytest.fixture
def link(caregiver, patient):
    return patient.care_links.get(caregiver=caregiver)


@pytest.fixture
def other_caregiver(other_patient):
    """The other team's patient's son."""
    user = CaregiverFactory(email="carl@care.test", first_name="Carl", last_name="Far")
    CareLinkFactory(patient=other_patient, caregiver=user, name="Carl Far", relationship="son")
    return user


@pytest.fixture
def procedure(patient):
    return ProcedureFactory(patient=patient)


@pytest.fixture
def api():
    """api(user) -> an APIClient authenticated with a JWT for that user (None: anonymous)."""
    return client_for


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; .inbox holds what it received."""
    from tests.support.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sms_provider():
    """The fake SMS provider (tests/support/sms_provider.py) on a free loopback port."""
    from tests.support.sms_provider import SmsProvider

    provider = SmsProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def sms_settings(settings, sms_provider):
    """This process's SMS transport pointed at the fake provider; returns the provider."""
    from tests.support import sms_provider as fake

    settings.SMS_API_BASE_URL = sms_provider.base_url
    settings.SMS_ACCOUNT_SID = fake.ACCOUNT_SID
    settings.SMS_AUTH_TOKEN = fake.AUTH_TOKEN
    settings.SMS_FROM = fake.SENDER
    settings.SMS_TIMEOUT_SECONDS = 5
    return sms_provider


@pytest.fixture
def celery_worker(transactional_db, smtp_server):
    """A real Celery worker with beat, on the test database, Redis and the SMTP server."""
    import os

    from tests.support.worker import Worker, purge_broker, require_services

    require_services()
    broker = os.environ["CELERY_BROKER_URL"]
    purge_broker(broker)
    worker = Worker(smtp_port=smtp_server.port, broker_url=broker).start()
    yield worker
    worker.stop()
    purge_broker(broker)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and failed-login counters live in the cache (Redis under scripts/test):
    start every test from zero so one test's requests never throttle another's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def sms_app_server(transactional_db):
    """The app under gunicorn, with the fake provider's auth token: where the provider posts
    its delivery reports and the STOPs it receives (signed for this server's URL)."""
    from django.conf import settings

    from tests.support import worker as worker_support
    from tests.support.appserver import AppServer
    from tests.support.sms_provider import AUTH_TOKEN

    worker_support.require_services()
    env = {
        **os.environ,
        "DATABASE_URL": worker_support.test_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SMS_AUTH_TOKEN": AUTH_TOKEN,
        "LOG_LEVEL": "WARNING",
    }
    server = AppServer(env, workers=1, threads=2)
    env["SITE_URL"] = server.base  # the URL the provider signs its callbacks for
    server.start()
    yield server
    server.stop()
