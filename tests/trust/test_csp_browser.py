"""The Content-Security-Policy in a real browser: the dashboard, the account pages and the API
docs work under it, and Chromium reports no violation."""

import pytest
from playwright.sync_api import expect

from tests.dashboard.test_browser import chromium, page  # noqa: F401 - the shared fixtures
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def violations_on(page):  # noqa: F811
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def test_the_api_docs_render_under_the_csp(page, live_server, transactional_db):  # noqa: F811
    seen = violations_on(page)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Recovery tracker API")
    assert seen == []


def test_sign_in_and_reset_pages_have_no_csp_violation(
    page,  # noqa: F811
    live_server,
    transactional_db,
    clinician,
    patient,
):
    seen = violations_on(page)
    page.goto(f"{live_server.url}/dashboard/login/")
    page.get_by_label("Email").fill(clinician.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Sign-in codes")).to_be_visible()
    page.get_by_role("link", name="Sign-in codes").click()
    expect(page.locator(".qr svg")).to_be_visible()
    page.goto(f"{live_server.url}/app/password-reset/")
    page.get_by_role("textbox", name="What is your email address?").fill(patient.user.email)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert seen == []


def test_the_unsubscribe_pages_are_styled_under_the_csp(
    page,  # noqa: F811
    live_server,
    transactional_db,
    patient,
):
    """Issue 23, low 15: their inline styles were blocked, and they rendered unstyled."""
    from reminders.optouts import unsubscribe_token

    seen = violations_on(page)
    token = unsubscribe_token(patient_id=patient.pk, kind="all")
    for path in (f"/unsubscribe/{token}/", "/unsubscribe/not-a-token/"):
        page.goto(f"{live_server.url}{path}")
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.body);"
            " return {width: s.maxWidth, font: s.fontFamily}; }"
        )
        assert style["width"] != "none" and "sans-serif" in style["font"], (path, style)
    button = page.goto(f"{live_server.url}/unsubscribe/{token}/") and page.locator("button")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert seen == []
