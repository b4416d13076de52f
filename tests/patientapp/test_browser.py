"""The patient app in a real browser (Playwright, Debian's Chromium): the journeys of issue 12,
offline check-ins through the service worker, and axe-core on every page.

Set APP_SCREENSHOTS=docs to refresh the README's screenshots (390 x 844)."""

import datetime as dt
import os
import re
import uuid
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from recovery.models import Alert, CheckIn
from recovery.services import patient_enroll, procedure_record
from reminders.models import Reminder
from tests.factories import (
    PASSWORD,
    CaregiverFactory,
    CareLinkFactory,
    CheckInFactory,
    PatientFactory,
)
from tests.support.worker import Worker, purge_broker, require_services, wait_until

pytestmark = pytest.mark.browser

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
    page, *, pain, yes=(), no_label="No", continue_label="Continue", on_bone_question=None
):
    page.locator(f"#pain-{pain}").check()
    page.get_by_role("button", name=continue_label).click()
    page.get_by_role("button", name=continue_label).click()  # temperature: left empty
    while "/note/" not in page.url:
        step = page.url.rstrip("/").rsplit("/", 1)[1]
        if step == "bone_medicine":  # asked when an osteoporosis medicine reminder fell due
            if on_bone_question:
                on_bone_question(page)
            page.locator("#answer-as_prescribed").check()
        else:
            page.locator("#answer-yes" if step in yes else "#answer-no").check()
        page.get_by_role("button", name=continue_label).click()
    page.get_by_role("button", name=continue_label).click()  # note: left empty


@pytest.mark.e2e
def test_activation_email_to_an_emergency_screen(
    phone, live_server, worker, smtp_server, team, settings
):
    settings.SITE_URL = live_server.url  # the enrollment email is rendered here
    team.emergency_number = "911"
    team.save()
    patient, _code = enroll(team, email="mae@patient.test", first="Mae", last="Holt")
    record_procedure(patient)
    [message] = smtp_server.inbox.wait_for(1, timeout=30, predicate=lambda m: "mae@" in m["To"])
    link = local_link(body_text(message), live_server)
    assert "/app/activate/?" in link and "code=" in link

    page = phone()
    page.goto(link)
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page).to_have_url(f"{live_server.url}/app/checkin/")
    answer_checkin(page, pain=4, yes=["chest_pain"])
    expect(page.get_by_text("Chest pain", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", name="Call 911 now")).to_be_visible()
    call = page.get_by_role("link", name="Call 911")
    expect(call).to_have_attribute("href", "tel:911")
    assert CheckIn.objects.get(patient=patient).symptoms == ["chest_pain"]
    assert Alert.objects.get(patient=patient).rule == "embolism_signs"


@pytest.mark.e2e
def test_a_reminder_emails_link_signs_in_to_check_in(phone, live_server, worker, smtp_server, team):
    patient = PatientFactory(
        team=team,
        first_name="Ruth",
        last_name="Moss",
        user__email="ruth@patient.test",
        timezone="America/New_York",
    )
    procedure = record_procedure(patient, days_ago=0)  # every reminder in the future...
    due = Reminder.objects.filter(procedure=procedure, kind="activity")
    due.update(due_at=timezone.now() - dt.timedelta(minutes=1))  # ...but this one
    [message] = smtp_server.inbox.wait_for(1, timeout=40, predicate=lambda m: "ruth@" in m["To"])
    link = local_link(body_text(message), live_server)
    assert "/app/l/" in link
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "/app/l/" in html

    page = phone()
    page.goto(link)
    expect(page.get_by_role("heading", name="Continue as R. M.")).to_be_visible()
    assert CheckIn.objects.count() == 0
    page.get_by_role("button", name="Continue as R. M.").click()
    expect(page).to_have_url(f"{live_server.url}/app/checkin/")
    answer_checkin(page, pain=2)
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", name="Thank you, your check-in is sent")).to_be_visible()
    assert CheckIn.objects.get().patient == patient

    # The link worked once: opened again it offers the sign-in form.
    again = phone()
    again.goto(link)
    expect(again.get_by_role("heading", name="This link has run out")).to_be_visible()
    expect(again.get_by_label("Email address")).to_be_visible()


@pytest.mark.e2e
def test_a_spanish_patients_email_and_pages(
    phone, live_server, worker, smtp_server, team, settings
):
    settings.SITE_URL = live_server.url
    team.emergency_number = "112"
    team.phone = "+34 900 000 000"
    team.save()
    patient, _code = enroll(
        team, email="maria@patient.test", first="María", last="Hernández", language="es"
    )
    record_procedure(patient)
    [message] = smtp_server.inbox.wait_for(1, timeout=30, predicate=lambda m: "maria@" in m["To"])
    assert message["Subject"] == "Su código para el seguimiento de recuperación"
    text = body_text(message)
    assert "Hola, María:" in text

    page = phone()
    page.goto(local_link(text, live_server))
    page.get_by_label("Elija una contraseña").fill(NEW_PASSWORD)
    page.get_by_label("Escriba la contraseña otra vez").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Crear contraseña y entrar").click()
    expect(
        page.get_by_role("heading", name="¿Cuánto le duele la espalda ahora mismo?")
    ).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    answer_checkin(page, pain=5, yes=["fever"], continue_label="Continuar")
    page.get_by_role("button", name="Enviar mi registro").click()
    expect(page.get_by_role("heading", name="Llame hoy a su equipo médico")).to_be_visible()
    expect(
        page.get_by_role("link", name="Llamar a su equipo médico: +34 900 000 000")
    ).to_have_attribute("href", "tel:+34 900 000 000")
    page.get_by_role("link", name="Historial", exact=True).click()
    expect(page.get_by_role("heading", name="Sus registros")).to_be_visible()


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/app/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/app/")


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
        expect(waiting).to_contain_text("call 112 now")
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

APP_PAGES = [
    ("login", "/app/login/", False),
    ("activate", "/app/activate/?code=ABCD-EFGH", False),
    ("home", "/app/", True),
    ("checkin-pain", "/app/checkin/", True),
    ("checkin-temperature", "/app/checkin/temperature/", True),
    ("checkin-question", "/app/checkin/chest_pain/", True),
    ("checkin-note", "/app/checkin/note/", True),
    ("history", "/app/history/", True),
    ("plan", "/app/plan/", True),
    ("settings", "/app/settings/", True),
    ("access-log", "/app/access-log/", True),
    ("offline", "/app/offline/", False),
    ("password-reset", "/app/password-reset/", False),
]


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


def test_every_app_page_passes_axe_and_fits_a_small_phone(chromium, live_server, recovering):
    axe = Axe()
    context = chromium.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        for name, path, signed_in in APP_PAGES:
            if signed_in and "/app/login/" in page.url or (signed_in and name == "home"):
                sign_in(page, live_server, "margaret@patient.test")
            page.set_viewport_size(PHONE)
            page.goto(f"{live_server.url}{path}")
            results = axe.run(page)
            serious = [
                v["id"]
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert serious == [], (path, results.generate_report())
            if SCREENSHOTS:
                page.screenshot(path=str(Path(SCREENSHOTS) / f"app-{name}.png"), full_page=False)
            font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert font >= 18, path
            small = page.evaluate(TARGETS_TOO_SMALL)
            assert small == 0, path
            page.set_viewport_size({"width": 320, "height": 640})
            overflow = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            assert not overflow, f"{path} scrolls sideways at 320 px"
    finally:
        context.close()


def test_the_guidance_screens_pass_axe(chromium, live_server, recovering):
    axe = Axe()
    context = chromium.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, live_server, "margaret@patient.test")
        bone_question_seen = []

        def passes_axe(page):  # the bone-medicine screen, asked on the first check-in here
            bone_question_seen.append(page.url)
            serious = [
                v["id"]
                for v in axe.run(page).response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert serious == [], ("bone-medicine", serious)

        for name, symptom in [
            ("guidance-emergency", "chest_pain"),
            ("guidance-urgent", "fever"),
            ("guidance-warning", "site_redness"),
        ]:
            page.goto(f"{live_server.url}/app/checkin/")
            answer_checkin(page, pain=2, yes=[symptom], on_bone_question=passes_axe)
            if name == "guidance-emergency" and SCREENSHOTS:
                page.screenshot(
                    path=str(Path(SCREENSHOTS) / "app-checkin-review.png"), full_page=False
                )
            page.get_by_role("button", name="Send my check-in").click()
            expect(page.locator(".guidance h1")).to_be_visible()
            results = axe.run(page)
            serious = [
                v["id"]
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert serious == [], (name, results.generate_report())
            if SCREENSHOTS:
                page.screenshot(path=str(Path(SCREENSHOTS) / f"app-{name}.png"), full_page=False)
        assert len(bone_question_seen) == 1  # asked once: answered, not asked again
    finally:
        context.close()


# --- Caregivers (issue 13) -----------------------------------------------------------------


def axe_serious(axe, page) -> list[str]:
    results = axe.run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    return serious and [results.generate_report()]


@pytest.mark.e2e
def test_a_caregivers_invitation_to_a_checkin_the_care_team_sees(
    phone, live_server, worker, smtp_server, team, clinician, settings
):
    """The invitation email in the SMTP sink, the accept page (a password), the caregiver's
    check-in in the app, and the clinician's patient page naming who entered it."""
    from django.test import Client
    from rest_framework.test import APIClient

    settings.SITE_URL = live_server.url
    patient = PatientFactory(
        team=team, first_name="Margaret", last_name="Hill", user__email="margaret@patient.test"
    )
    record_procedure(patient)
    api = APIClient()
    api.force_authenticate(patient.user)
    invited = api.post(
        "/api/v1/me/caregivers/",
        {"email": "ann@care.test", "name": "Ann Hill", "relationship": "daughter"},
        format="json",
    )
    assert invited.status_code == 201, invited.content
    [message] = smtp_server.inbox.wait_for(1, timeout=30, predicate=lambda m: "ann@" in m["To"])
    link = local_link(body_text(message), live_server)
    assert "/app/caregiver/accept/" in link

    page = phone()
    page.goto(link)
    expect(page.get_by_role("heading", name="Help MH with their recovery")).to_be_visible()
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the same password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Accept and create my account").click()
    expect(page).to_have_url(f"{live_server.url}/app/")
    expect(page.get_by_text("Checking in for Margaret Hill")).to_be_visible()

    page.get_by_role("link", name="Check in", exact=True).click()
    answer_checkin(page, pain=3)
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", name="Thank you, your check-in is sent")).to_be_visible()
    checkin = CheckIn.objects.get()
    assert (checkin.patient, checkin.entered_by.email) == (patient, "ann@care.test")

    care_team = Client()
    care_team.force_login(clinician)
    shown = care_team.get(f"/dashboard/patients/{patient.pk}/")
    assert shown.status_code == 200
    assert "entered by Ann Hill (daughter)" in shown.content.decode()


def test_the_caregiver_pages_pass_axe_and_fit_a_small_phone(chromium, live_server, recovering):
    """Ann helps Margaret and her father Walter: the question, whose record it is, her own
    settings, the access log refused, her copy's sign-in link, an invitation's accept page."""
    from caregivers import services as caregiver_services
    from patientapp.services import signin_link_issue

    ann = CaregiverFactory(email="ann@care.test", first_name="Ann", last_name="Hill")
    CareLinkFactory(patient=recovering, caregiver=ann)
    walter = PatientFactory(
        team=recovering.team, first_name="Walter", last_name="Hill", user__email="w@patient.test"
    )
    CareLinkFactory(patient=walter, caregiver=ann, relationship="daughter")
    link_token = signin_link_issue(patient=recovering, user=ann)
    brother = PatientFactory(team=recovering.team, first_name="Rose", last_name="Lane")
    caregiver_services.carelink_invite(
        patient=brother,
        email="new@care.test",
        name="Tom Lane",
        relationship="son",
        invited_by=brother.user,
    )
    from outbox.models import Message

    invitation = Message.objects.get(category="caregiver-invitation").body_text
    accept_path = re.search(r"/app/caregiver/accept/[^/\s]+/", invitation).group(0)

    axe = Axe()
    context = chromium.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        pages = [
            ("accept", accept_path),
            ("link", f"/app/l/{link_token}/"),
            ("choose", None),
            ("home", "/app/"),
            ("checkin", "/app/checkin/"),
            ("settings", "/app/settings/"),
            ("access-log", "/app/access-log/"),
        ]
        for name, path in pages:
            if name == "choose":
                page.goto(f"{live_server.url}/app/login/")
                page.get_by_label("Email address").fill("ann@care.test")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                expect(page).to_have_url(re.compile(r"/app/for/"))
                expect(
                    page.get_by_role("heading", name="Who are you checking in for?")
                ).to_be_visible()
            else:
                page.set_viewport_size(PHONE)
                page.goto(f"{live_server.url}{path}")
            page.set_viewport_size(PHONE)
            assert axe_serious(axe, page) == [], name
            if SCREENSHOTS:
                page.screenshot(
                    path=str(Path(SCREENSHOTS) / f"app-caregiver-{name}.png"), full_page=False
                )
            font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert font >= 18, name
            assert page.evaluate(TARGETS_TOO_SMALL) == 0, name
            page.set_viewport_size({"width": 320, "height": 640})
            overflow = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            assert not overflow, f"{name} scrolls sideways at 320 px"
            if name == "choose":
                page.locator(f"#patient-{recovering.pk}").check()
                page.get_by_role("button", name="Continue").click()
                expect(page.get_by_text("Checking in for Margaret Hill")).to_be_visible()
                # The offline queue will name Margaret on what it stores (app.js).
                acting = page.evaluate("localStorage.getItem('recovery-acting-patient')")
                assert acting == str(recovering.pk)
    finally:
        context.close()
