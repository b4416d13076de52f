"""Issue 24's walk-through in a real browser: a nurse calls back after an emergency check-in.

Three signs make one card with the patient's and the caregiver's tel: links and the note; the
clinician got one email and the caregiver one; "no answer" is recorded, the team is reminded
after the set time, "reached" acknowledges. axe finds nothing serious or moderate on the
inbox and the patient page, at 390 px, at desktop width and at 200 % zoom, where nothing
overflows sideways."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from notifications import services as notify
from outbox.models import Message
from recovery import services
from recovery.models import Alert, AlertContact
from tests.factories import PASSWORD, CaregiverFactory, CareLinkFactory, ProcedureFactory

from .test_browser import chromium, sign_in  # noqa: F401 (the module's browser fixture)

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def emergency(transactional_db, team, patient, clinician):
    ProcedureFactory(patient=patient, pre_procedure_pain=8)
    patient.phone = "+12025550142"
    patient.save()
    CareLinkFactory(
        patient=patient,
        caregiver=CaregiverFactory(email="ann@care.test"),
        phone="+12025550143",
    )
    result = services.checkin_record(
        patient=patient,
        data={
            "pain_score": 3,
            "temperature_c": 38.6,
            "symptoms": ["chest_pain", "leg_numbness"],
            "notes": "Hurts when I breathe",
        },
        entered_by=patient.user,
    )
    assert len(result.alerts) == 3
    return Alert.objects.get(rule="embolism_signs")


def assert_axe_clean(page, where="") -> None:
    """Nothing serious, critical or moderate; the report says where otherwise."""
    results = Axe().run(page)
    found = [
        f"{v['id']} ({v['impact']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical", "moderate")
    ]
    assert not found, f"{where} {found}\n{results.generate_report()}"


def test_a_nurse_calls_back_after_an_emergency_checkin(
    chromium,  # noqa: F811
    live_server,
    clinician,
    patient,
    emergency,
):
    # One email to the clinician, naming every sign; one to the caregiver.
    [email] = Message.objects.filter(category__startswith="alert-")
    assert email.to == clinician.email
    assert "Embolism signs, Fever or chills, Leg numbness or weakness" in email.subject
    [told] = Message.objects.filter(channel="email", category="caregiver-alert-emergency")
    assert told.to == "ann@care.test"

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, "/dashboard/alerts/")
    page.goto(f"{live_server.url}/dashboard/alerts/")

    card = page.locator("#alert-list article")
    expect(card).to_have_count(1)
    expect(card.locator("h3")).to_contain_text(
        "Embolism signs, Fever or chills, Leg numbness or weakness"
    )
    expect(card.locator('a[href="tel:+12025550142"]')).to_be_visible()
    expect(card.locator('a[href="tel:+12025550143"]')).to_be_visible()
    expect(card).to_contain_text("Hurts when I breathe")
    assert_axe_clean(page, page.url)

    # The caregiver sees the open emergency first on their home page, with the numbers.
    carer = chromium.new_context(viewport={"width": 390, "height": 844}).new_page()
    carer.goto(f"{live_server.url}/app/login/")
    carer.get_by_label("Email address").fill("ann@care.test")
    carer.get_by_label("Password").fill(PASSWORD)
    carer.get_by_role("button", name="Sign in").click()
    panel = carer.locator("#open-alert")
    expect(panel).to_contain_text("Bob reported an emergency sign")
    expect(panel.locator(f'a[href="tel:{patient.team.emergency_number}"]')).to_be_visible()
    assert_axe_clean(carer, "caregiver home")
    carer.context.close()

    # No answer: recorded, and the card says to try again with the time of the try.
    card.get_by_text("Record a call…").click()
    card.get_by_label("No answer").check()
    card.get_by_label("Note (optional)").fill("Rang twice, no voicemail")
    card.get_by_role("button", name="Save the call").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("call recorded")
    card = page.locator("#alert-list article")
    expect(card.locator(".try-again")).to_contain_text("Try again.")
    expect(card.locator(".calls")).to_contain_text("Rang twice, no voicemail")
    assert set(Alert.objects.values_list("status", flat=True)) == {"open"}

    # The team is reminded once the set time (30 minutes) has passed, not before.
    tried = AlertContact.objects.get().at
    assert notify.callbacks_remind(now=tried + dt.timedelta(minutes=29)) == 0
    assert notify.callbacks_remind(now=tried + dt.timedelta(minutes=31)) == 1
    [reminder] = Message.objects.filter(category="callback-reminder")
    assert reminder.to == clinician.email

    # Reached, from the patient page: the whole card is acknowledged.
    page.goto(f"{live_server.url}/dashboard/patients/{patient.pk}/")
    assert_axe_clean(page, page.url)
    card = page.locator("article[data-card]")
    # The call form is already open: it is time to try again.
    expect(card.get_by_label("Reached")).to_be_visible()
    card.get_by_label("Reached").check()
    card.get_by_role("button", name="Save the call").click()
    expect(page.locator("article[data-card] .status").first).to_have_text("acknowledged")
    assert set(Alert.objects.values_list("status", flat=True)) == {"acknowledged"}
    assert timezone.now() - AlertContact.objects.latest("at").at < dt.timedelta(minutes=5)

    # A phone, and a desktop at 200 % zoom (640 CSS px): nothing overflows, axe stays clean.
    for width, height in ((390, 844), (640, 450)):
        page.set_viewport_size({"width": width, "height": height})
        for path in ("/dashboard/alerts/", f"/dashboard/patients/{patient.pk}/"):
            page.goto(f"{live_server.url}{path}")
            assert page.evaluate(OVERFLOW) <= 0, (width, path)
            assert_axe_clean(page, f"{width} px {path}")
    context.close()
