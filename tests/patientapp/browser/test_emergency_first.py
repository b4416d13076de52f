"""Issue 23 in a real browser: "yes" to chest pain at the very first question, and the very
next page's first control is the call button; the alert is in the API and the team's email
reaches the SMTP sink through a real worker."""

import re

import pytest
from playwright.sync_api import expect

from recovery.models import CheckIn
from tests.conftest import client_for
from tests.factories import ClinicianFactory

from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

FIRST_FOCUSABLE = """() => {
  const all = document.querySelectorAll("a[href], button, input, select, textarea");
  const first = [...all].find(e => e.offsetParent !== null);
  const box = first.getBoundingClientRect();
  return {tag: first.tagName, href: first.getAttribute("href"), text: first.innerText,
          width: box.width, height: box.height};
}"""


def test_chest_pain_at_the_first_question_calls_at_once(
    phone, live_server, worker, smtp_server, recovering
):
    team = recovering.team
    team.emergency_number = "999"
    team.save()
    nurse = ClinicianFactory(email="nurse@clinic.test", teams=[team])
    page = phone()
    sign_in(page, live_server, "margaret@patient.test")
    page.goto(f"{live_server.url}/app/checkin/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("chest")
    page.locator("#answer-yes").check()
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/app/checkin/done/"))
    stored = CheckIn.objects.filter(patient=recovering, pain_score=None).get()
    assert stored.symptoms == ["chest_pain"]
    first = page.evaluate(FIRST_FOCUSABLE)
    assert (first["tag"], first["href"]) == ("A", "tel:999"), first
    assert "Call 999 now" in first["text"]
    assert first["width"] >= 44 and first["height"] >= 44, first

    alerts = client_for(nurse).get("/api/v1/alerts/").json()
    rows = alerts["results"] if isinstance(alerts, dict) else alerts
    assert [(a["rule"], a["severity"], a["patient"]) for a in rows] == [
        ("embolism_signs", "emergency", recovering.pk)
    ]
    [email] = smtp_server.inbox.wait_for(1, timeout=30, predicate=lambda m: "nurse@" in m["To"])
    assert "EMERGENCY" in email["Subject"].upper()

    # The rest may follow and adds to the same check-in.
    page.get_by_role("link", name="Finish my check-in").click()
    expect(page).to_have_url(f"{live_server.url}/app/checkin/shortness_of_breath/")
    assert CheckIn.objects.filter(patient=recovering).count() == 10  # 9 earlier ones


TEL_BUTTONS = """() => [...document.querySelectorAll('a[href^="tel:"]')]
  .filter(e => e.offsetParent !== null)
  .map(e => { const b = e.getBoundingClientRect();
              return {href: e.getAttribute("href"), width: b.width, height: b.height}; })"""


def test_every_error_page_shows_the_teams_number_as_a_full_size_button(
    phone, live_server, recovering, monkeypatch
):
    from patientapp import selectors

    team = recovering.team
    team.emergency_number = "999"
    team.save()
    page = phone()
    sign_in(page, live_server, "margaret@patient.test")
    seen = {}

    def tel_buttons(name):
        links = page.evaluate(TEL_BUTTONS)
        seen[name] = links
        assert links, name
        for link in links:
            assert link["width"] >= 44 and link["height"] >= 44, (name, link)
        assert "tel:999" in [link["href"] for link in links], (name, links)

    tel_buttons("home")
    assert page.goto(f"{live_server.url}/app/no-such-page/").status == 404
    tel_buttons("404")
    # A hand-edited form: a pain of 11 is a 400 page.
    page.goto(f"{live_server.url}/app/checkin/pain/")
    page.evaluate("document.querySelector('#pain-10').value = '11'")
    page.locator("#pain-10").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    tel_buttons("400")
    # A stale form: its security token no longer matches.
    page.goto(f"{live_server.url}/app/checkin/pain/")
    page.evaluate(
        "document.querySelector('main input[name=csrfmiddlewaretoken]').value = 'x'.repeat(64)"
    )
    page.locator("#pain-3").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="This form was too old to send")).to_be_visible()
    tel_buttons("403")
    # A fault on our side.
    monkeypatch.setattr(selectors, "home_get", _boom)
    assert page.goto(f"{live_server.url}/app/").status == 500
    tel_buttons("500")
    monkeypatch.undo()
    page.goto(f"{live_server.url}/app/offline/")
    tel_buttons("offline")
    # Signed out, a used or altered sign-in link: the service's default (911 in tests).
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/app/l/altered-token/")
    links = page.evaluate(TEL_BUTTONS)
    assert links and all(link["width"] >= 44 and link["height"] >= 44 for link in links)
    # app.js keeps the number of the last signed-in page on the phone, for signed-out pages.
    assert {link["href"] for link in links} <= {"tel:999", "tel:911"}


def _boom(*args, **kwargs):
    raise RuntimeError("the database went away")
