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
