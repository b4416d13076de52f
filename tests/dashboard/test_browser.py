"""The dashboard in a real browser: Playwright driving Debian's Chromium against live_server.

Set DASHBOARD_SCREENSHOT=docs/dashboard-patient.png to refresh the README's screenshot."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from outbox.models import PipelineHeartbeat
from recovery.choices import AlertStatus
from recovery.models import Alert
from tests.dashboard.conftest import make_alert
from tests.factories import PASSWORD, CheckInFactory, PatientFactory, ProcedureFactory

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium():
    # Playwright's sync API keeps an event loop running in this thread for the whole module,
    # so Django sees an "async context" in the test's own ORM calls and in the database
    # flush after each test. They are plain synchronous code; allow them until the browser
    # is gone.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


@pytest.fixture
def ward(transactional_db, team, other_team):
    """Three patients of the team in three states of risk, and one of another team."""
    now = timezone.now()
    PipelineHeartbeat.objects.create(name="outbox-sweep", ticked_at=now)

    calm = PatientFactory(team=team, first_name="Cara", last_name="Calm")
    ProcedureFactory(patient=calm, performed_on=now.date() - timedelta(days=20))
    CheckInFactory(patient=calm, pain_score=2, recorded_at=now - timedelta(hours=3))

    eve = PatientFactory(team=team, first_name="Eve", last_name="Emergency")
    ProcedureFactory(patient=eve, performed_on=now.date() - timedelta(days=2))
    CheckInFactory(patient=eve, pain_score=1, symptoms=["shortness_of_breath"], recorded_at=now)
    make_alert(eve, rule="embolism_signs", severity="emergency")

    una = PatientFactory(team=team, first_name="Una", last_name="Urgent", timezone="Europe/London")
    performed_on = now.date() - timedelta(days=9)
    ProcedureFactory(
        patient=una,
        performed_on=performed_on,
        procedure_type="vertebroplasty",
        vertebral_levels=["T12", "L1"],
        pre_procedure_pain=8,
    )
    course = [
        (0.4, 7, 36.9),
        (1.3, 4, 37.0),
        (2.4, 3, 36.8),
        (3.4, 2, 36.9),
        (4.4, 2, 37.1),
        (5.5, 3, 37.4),
        (6.4, 4, 37.9),
        (7.4, 5, 38.4),
        (8.4, 6, 38.7),
    ]
    start = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=9)
    for day, pain, temperature in course:
        CheckInFactory(
            patient=una,
            recorded_at=start + timedelta(days=day),
            pain_score=pain,
            temperature_c=temperature,
            symptoms=["chills"] if temperature >= 38 else [],
            notes="Feeling hot at night." if temperature >= 38.5 else "",
        )
    fever = make_alert(una, rule="fever", severity="urgent")
    make_alert(una, rule="worsening_pain", severity="warning")

    dave = PatientFactory(team=other_team, first_name="Dave", last_name="Far")
    make_alert(dave, rule="fever", severity="urgent")
    return {"calm": calm, "eve": eve, "una": una, "fever": fever, "dave": dave}


def sign_in(page, live_server, path="/dashboard/"):
    page.goto(live_server.url + path)
    expect(page).to_have_url(f"{live_server.url}/dashboard/login/?next={path}")
    page.get_by_label("Email").fill("alice@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_clinician_works_through_the_dashboard(page, live_server, clinician, ward, tmp_path):
    sign_in(page, live_server)

    # The list, in risk order: emergency, then urgent, then the rest by pain.
    expect(page.get_by_role("heading", name="Patients", level=1)).to_be_visible()
    rows = page.locator("#patient-table tbody th a")
    expect(rows).to_have_text(["Emergency, Eve", "Urgent, Una", "Calm, Cara"])
    expect(page.locator("#patient-table")).not_to_contain_text("Far, Dave")

    # The patient page with its charts.
    page.get_by_role("link", name="Urgent, Una").click()
    expect(page.get_by_role("heading", name="Urgent, Una", level=1)).to_be_visible()
    chart = page.locator("svg#pain-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.point")).to_have_count(9)
    expect(chart.locator("polyline.expected")).to_have_count(1)
    expect(page.locator("svg#temperature-chart circle.point")).to_have_count(9)
    expect(page.locator("#lifting-restriction")).to_contain_text("Lifting restriction ended")

    screenshot = Path(os.environ.get("DASHBOARD_SCREENSHOT") or tmp_path / "patient.png")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Acknowledge, then resolve with a note, from the patient page.
    fever = page.locator(f'article[data-alert="{ward["fever"].pk}"]')
    fever.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text("acknowledged")
    expect(fever.locator(".status")).to_have_text("acknowledged")
    expect(fever.get_by_role("button", name="Acknowledge")).to_have_count(0)

    # The resolve form opens on demand (a <details>), not on every card.
    expect(fever.get_by_label("Resolution note")).to_be_hidden()
    fever.get_by_text("Resolve…").click()
    fever.get_by_label("Resolution note").fill("Phoned Una: paracetamol, seen in clinic today.")
    fever.get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("status")).to_contain_text("resolved")
    resolved = page.locator("section", has=page.get_by_role("heading", name="Resolved alerts"))
    expect(resolved).to_contain_text("Phoned Una: paracetamol")

    alert = Alert.objects.get(pk=ward["fever"].pk)
    assert alert.status == AlertStatus.RESOLVED
    assert alert.acknowledged_by == clinician
    assert alert.resolved_by == clinician

    # The inbox: most severe first; the resolved alert is gone, the other team's never there.
    page.get_by_role("link", name="Alert inbox").click()
    cards = page.locator("#alert-list article h3")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Embolism signs — Emergency, Eve")
    expect(page.locator("#alert-list")).not_to_contain_text("Far, Dave")

    # Everything came from this server: no CDN, no web font.
    assert page.requests
    assert all(url.startswith(live_server.url) for url in page.requests), page.requests


def test_another_teams_patient_is_not_reachable(page, live_server, clinician, ward):
    sign_in(page, live_server)
    expect(page.locator("#patient-table")).to_be_visible()
    response = page.goto(f"{live_server.url}/dashboard/patients/{ward['dave'].pk}/")
    assert response.status == 404
    response = page.request.post(
        f"{live_server.url}/dashboard/alerts/{Alert.objects.get(patient=ward['dave']).pk}/"
        "acknowledge/"
    )
    assert response.status == 403  # no CSRF token from a page of ours: refused before scope
    assert Alert.objects.get(patient=ward["dave"]).status == AlertStatus.OPEN


def test_the_dashboard_is_usable_by_keyboard(page, live_server, clinician, ward):
    page.goto(live_server.url + "/dashboard/login/")
    # The email field has the focus on arrival; sign in without a mouse.
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type("alice@clinic.test")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#patient-table")).to_be_visible()

    # The skip link comes first and is visibly outlined when focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    assert skip.evaluate("el => el.getBoundingClientRect().left") >= 0  # shown on screen
    # Tab reaches the navigation, then every patient link.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Alert inbox")).to_be_focused()

    # Search by keyboard alone, then open a patient with Enter.
    page.get_by_label("Search by name").focus()
    page.keyboard.type("calm")
    page.keyboard.press("Enter")
    expect(page.locator("#patient-table tbody th a")).to_have_text(["Calm, Cara"])
    page.get_by_role("link", name="Calm, Cara").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Calm, Cara", level=1)).to_be_visible()


def test_the_pages_fit_a_tablet_without_sideways_scrolling(page, live_server, clinician, ward):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, live_server, path=f"/dashboard/patients/{ward['una'].pk}/")
    expect(page.locator("svg#pain-chart")).to_be_visible()
    for path in [f"/dashboard/patients/{ward['una'].pk}/", "/dashboard/alerts/", "/dashboard/"]:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
    # The stylesheet is served from the app's static files and applied.
    header = page.locator(".site-header")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(20, 69, 110)"


def test_a_patient_sees_the_403_page(page, live_server, patient):
    page.goto(live_server.url + "/dashboard/login/")
    page.get_by_label("Email").fill("bob@patient.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("This sign-in is for care teams")


def test_the_patient_page_fits_a_phone_without_sideways_scrolling(
    page, live_server, clinician, ward, tmp_path
):
    page.set_viewport_size({"width": 390, "height": 844})
    una = ward["una"]
    sign_in(page, live_server, path=f"/dashboard/patients/{una.pk}/")
    expect(page.locator("svg#pain-chart")).to_be_visible()
    # Open every <details> (the discharge and new-code confirmations, the plan) as well.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    screenshot = tmp_path / "patient-390.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for path in [
        f"/dashboard/patients/{una.pk}/",
        "/dashboard/alerts/",
        "/dashboard/patients/new/",
        f"/dashboard/patients/{una.pk}/procedures/new/",
        f"/dashboard/team/{una.team_id}/",
        "/dashboard/account/alerts/",
    ]:
        page.goto(live_server.url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)


def test_a_clinician_discharges_with_a_confirmation_and_enrols_with_a_handout(
    page, live_server, clinician, ward
):
    calm = ward["calm"]
    sign_in(page, live_server, path=f"/dashboard/patients/{calm.pk}/")
    discharge = page.locator("details#discharge")
    expect(discharge.get_by_role("button", name="Discharge Cara Calm")).to_be_hidden()
    discharge.get_by_text("Discharge…").click()
    discharge.get_by_label("Recovered").check()
    discharge.get_by_label("Note").fill("Pain free, back to walking.")
    discharge.get_by_role("button", name="Discharge Cara Calm").click()
    expect(page.get_by_role("status").first).to_contain_text("is discharged")
    expect(page.locator("#discharged")).to_contain_text("Pain free, back to walking.")

    page.goto(live_server.url + "/dashboard/patients/new/")
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("New")
    page.get_by_label("Email").fill("nina@patient.test")
    page.get_by_label("Date of birth").fill("1948-02-03")
    page.get_by_label("Timezone").select_option("Europe/London")
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator(".handout-code")).to_have_text(
        re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
    )
    expect(page.locator(".handout-qr svg")).to_be_visible()
    # Printed, the handout is all there is.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".handout")).to_be_visible()
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, pages
