"""The patient app's browser fixtures: one Chromium per module, phone-sized pages, a real
worker delivering to the SMTP sink, and a patient nine days into recovery."""

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from tests.factories import (
    CheckInFactory,
    PatientFactory,
)
from tests.support.worker import Worker, purge_broker, require_services

from .support import CHROMIUM_ARGS, PHONE, record_procedure


@pytest.fixture(scope="module")
def chromium():
    # Playwright's set_offline does not reach a service worker's own fetches
    # (microsoft/playwright#2311); with this flag its requests go through context routes.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
        # Playwright's event loop runs in this thread; Django's ORM calls in the test are
        # plain synchronous code (as in tests/dashboard/test_browser.py).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                args=CHROMIUM_ARGS,
            )
            yield browser
            browser.close()


@pytest.fixture
def phone(chromium):
    """phone(**context_options) -> a new page in a phone-sized context."""
    contexts = []

    def build(**options):
        context = chromium.new_context(viewport=PHONE, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield build
    for context in contexts:
        context.close()


@pytest.fixture
def worker(transactional_db, smtp_server, live_server):
    """A real Celery worker and beat delivering to the SMTP sink, with links to live_server."""
    require_services()
    broker = os.environ["CELERY_BROKER_URL"]
    purge_broker(broker)
    started = Worker(
        smtp_port=smtp_server.port,
        broker_url=broker,
        extra_env={"SITE_URL": live_server.url, "REMINDER_DISPATCH_SECONDS": "1"},
    ).start()
    yield started
    started.stop()
    purge_broker(broker)


@pytest.fixture
def recovering(transactional_db, team):
    team.phone = "+1 555 0100"
    team.save()
    patient = PatientFactory(
        team=team,
        first_name="Margaret",
        last_name="Hill",
        user__email="margaret@patient.test",
        timezone="America/New_York",
    )
    record_procedure(patient, days_ago=9)
    start = timezone.now() - dt.timedelta(days=9)
    for day, pain in enumerate([7, 4, 3, 2, 2, 3, 2, 1, 1]):
        CheckInFactory(
            patient=patient,
            pain_score=pain,
            temperature_c=36.8,
            recorded_at=start + dt.timedelta(days=day, hours=10),
        )
    return patient
