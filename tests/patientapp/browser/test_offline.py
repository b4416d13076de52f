"""An offline check-in in a real browser: the service worker's shell, the queue, and the
one check-in the server keeps once back online."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from recovery.models import CheckIn
from tests.factories import (
    PatientFactory,
)
from tests.support.worker import wait_until

from .support import (
    PHONE,
    record_procedure,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_an_offline_checkin_waits_and_is_sent_once_back_online(
    chromium, live_server, transactional_db, team
):
    team.emergency_number = "112"
    team.save()
    patient = PatientFactory(
        team=team, first_name="Olga", last_name="Vega", user__email="olga@patient.test"
    )
    record_procedure(patient)
    context = chromium.new_context(viewport=PHONE, service_workers="allow")
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, live_server, "olga@patient.test")
        page.wait_for_function(
            "navigator.serviceWorker.controller !== null"
            " || navigator.serviceWorker.ready.then(() => true)"
        )
        page.wait_for_function("caches.match('/app/offline/').then(Boolean)")
        page.reload()  # now controlled by the service worker
        page.wait_for_function("navigator.serviceWorker.controller !== null")

        context.set_offline(True)
        context.route("**/*", lambda route: route.abort())
        page.goto(f"{live_server.url}/app/checkin/")
        expect(page.get_by_role("heading", name="Check in", exact=True)).to_be_visible()
        page.locator("#off-pain-6").check()
        page.locator("#off-temperature").fill("37.9")
        page.locator("#off-chest_pain-no").check()
        page.get_by_role("button", name="Save my check-in").click()
        waiting = page.locator("#offline-waiting")
        expect(
            waiting.get_by_role("heading", name="Your check-in is waiting to send")
        ).to_be_visible()
        expect(waiting).to_contain_text(re.compile("chest pain", re.IGNORECASE))
        expect(waiting).to_contain_text("Call 112 now")
        expect(waiting.get_by_role("link", name="Call 112")).to_have_attribute("href", "tel:112")
        expect(page.locator("#queue-banner")).to_contain_text("One check-in is waiting to send")
        assert CheckIn.objects.count() == 0
        queued = page.evaluate("window.recoveryQueue.read()")
        assert len(queued) == 1 and queued[0]["answers"]["pain_score"] == 6
        uuid.UUID(queued[0]["uuid"])

        context.unroute("**/*")
        context.set_offline(False)  # the "online" event sends the queue
        assert wait_until(lambda: CheckIn.objects.count() == 1, timeout=20)
        checkin = CheckIn.objects.get()
        assert str(checkin.pk) == queued[0]["uuid"]
        assert (checkin.pain_score, checkin.temperature_c) == (6, 37.9)
        page.wait_for_function("window.recoveryQueue.read().length === 0")

        # Sent again (a lost answer, a second tab): the server's replay rule keeps one.
        page.evaluate(
            "items => { localStorage.setItem('recovery-checkin-queue', JSON.stringify(items));"
            " return window.recoveryQueue.flush(); }",
            queued,
        )
        page.wait_for_function("window.recoveryQueue.read().length === 0")
        assert CheckIn.objects.count() == 1
        # The service worker never cached a page with data.
        cached = page.evaluate(
            "caches.open('recovery-shell-v2').then(c => c.keys())"
            ".then(keys => keys.map(r => new URL(r.url).pathname))"
        )
        assert set(cached) <= {
            "/app/offline/",
            "/static/patientapp/app.css",
            "/static/patientapp/app.js",
            "/static/patientapp/icon.svg",
            "/static/patientapp/icon-192.png",
        }
    finally:
        context.close()
