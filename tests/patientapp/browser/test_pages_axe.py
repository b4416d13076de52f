"""axe-core on every page of the patient app, the guidance screens and the caregiver's
pages, each at a small phone's size (fonts, finger-sized targets, no sideways scrolling).

Set APP_SCREENSHOTS=docs to refresh the README's screenshots (390 x 844)."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import (
    PASSWORD,
    CaregiverFactory,
    CareLinkFactory,
    PatientFactory,
)

from .support import (
    PHONE,
    SCREENSHOTS,
    TARGETS_TOO_SMALL,
    answer_checkin,
    axe_serious,
    sign_in,
)

pytestmark = pytest.mark.browser


APP_PAGES = [
    ("login", "/app/login/", False),
    ("activate", "/app/activate/?code=ABCD-EFGH", False),
    ("home", "/app/", True),
    ("checkin-first", "/app/checkin/", True),
    ("checkin-pain", "/app/checkin/pain/", True),
    ("checkin-temperature", "/app/checkin/temperature/", True),
    ("checkin-question", "/app/checkin/chest_pain/", True),
    ("checkin-note", "/app/checkin/note/", True),
    ("history", "/app/history/", True),
    ("plan", "/app/plan/", True),
    ("settings", "/app/settings/", True),
    ("texts", "/app/settings/texts/", True),
    ("texts-phone", "/app/settings/texts/phone/", True),
    ("texts-consent", "/app/settings/texts/consent/", True),
    ("texts-channel", "/app/settings/texts/channel/", True),
    ("access-log", "/app/access-log/", True),
    ("confirm-password", "/app/confirm-password/", True),
    ("not-found", "/app/no-such-page/", True),
    ("offline", "/app/offline/", False),
    ("password-reset", "/app/password-reset/", False),
]


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
