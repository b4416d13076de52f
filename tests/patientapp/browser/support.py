"""What the patient app's browser tests share: Chromium's flags, the phone's size, and the
steps a patient takes (enroll, record a procedure, sign in, answer a check-in)."""

import datetime as dt
import os
import re

from django.utils import timezone
from playwright.sync_api import expect

from patientapp.views.checkin import checkin_steps
from recovery.services import patient_enroll, procedure_record
from tests.factories import (
    PASSWORD,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "a walk in the garden 2026"
SCREENSHOTS = os.environ.get("APP_SCREENSHOTS", "")


def local_link(text: str, live_server) -> str:
    match = re.search(r"https?://\S+?/app/\S+", text)
    assert match, text
    return match.group(0).replace("http://testserver", live_server.url)


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def enroll(team, *, email, first, last, language="en"):
    return patient_enroll(
        team=team,
        data={
            "email": email,
            "first_name": first,
            "last_name": last,
            "date_of_birth": dt.date(1945, 4, 9),
            "timezone": "Europe/Madrid" if language == "es" else "America/New_York",
            "language": language,
        },
    )


def record_procedure(patient, days_ago=2):
    return procedure_record(
        patient=patient,
        data={
            "procedure_type": "kyphoplasty",
            "performed_on": timezone.now().date() - dt.timedelta(days=days_ago),
            "vertebral_levels": ["L1"],
            "cause": "osteoporosis",
            "pre_procedure_pain": 8,
        },
    )


def answer_checkin(
    page,
    *,
    pain,
    yes=(),
    continue_label="Continue",
    finish_label="Finish my check-in",
    on_bone_question=None,
):
    """Answer every screen in the app's order up to the review. An emergency "yes" lands on
    the call page (the check-in is stored then); the walk goes on from its finish link."""
    first = checkin_steps()[0]
    while "/review/" not in page.url:
        if "/checkin/done/" in page.url:
            page.get_by_role("link", name=finish_label).click()
            continue
        step = page.url.rstrip("/").rsplit("/", 1)[1]
        step = first if step == "checkin" else step
        if step == "pain":
            page.locator(f"#pain-{pain}").check()
        elif step == "bone_medicine":  # asked when an osteoporosis medicine reminder fell due
            if on_bone_question:
                on_bone_question(page)
            page.locator("#answer-as_prescribed").check()
        elif step not in ("temperature", "note"):  # those two are left empty
            page.locator("#answer-yes" if step in yes else "#answer-no").check()
        page.get_by_role("button", name=continue_label).click()


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/app/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/app/")


# Things a finger must hit: at least 44 x 44 CSS pixels (WCAG 2.5.8 asks 24; we ask more).
TARGETS_TOO_SMALL = """() => {
  const selector = "main button, main a.button, main .choice label, main .pain-option label,"
    + " main input[type=text],"
    + " main input[type=email], main input[type=password], main select";
  return [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null)
    .map(e => e.getBoundingClientRect())
    .filter(r => r.height < 44 || r.width < 44).length;
}"""


def axe_serious(axe, page) -> list[str]:
    results = axe.run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    return serious and [results.generate_report()]
