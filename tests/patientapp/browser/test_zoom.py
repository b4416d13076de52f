"""The patient app at 200 % zoom on a phone (issue 24): a 390 x 844 phone zoomed to 200 % is
195 x 422 CSS pixels. The header takes at most a third of the height, nothing runs off the
side (the chart and the menu scroll inside their own boxes; the chart opens at today), and
axe stays clean."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .support import axe_serious, sign_in

pytestmark = pytest.mark.browser

ZOOMED = {"width": 195, "height": 422}
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.offsetParent !== null && !e.closest('.chart-scroll, .nav ul'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.tagName.toLowerCase() + '.' + e.className)"""
PAGES = ["/app/", "/app/checkin/temperature/", "/app/history/", "/app/plan/", "/app/settings/"]


def test_the_app_at_200_percent_zoom(phone, live_server, recovering):
    page = phone()
    sign_in(page, live_server, "margaret@patient.test")
    page.set_viewport_size(ZOOMED)
    axe = Axe()
    for path in PAGES:
        page.goto(live_server.url + path)
        header = page.evaluate("document.querySelector('header').getBoundingClientRect().height")
        assert header <= ZOOMED["height"] / 3, (path, header)
        assert page.evaluate(TOO_WIDE) == [], path
        assert axe_serious(axe, page) == [], path
    # The history chart opens scrolled to its right-hand end: today's score is in view.
    page.goto(live_server.url + "/app/history/")
    last = page.locator("svg circle.point").last.bounding_box()
    box = page.locator(".chart-scroll").bounding_box()
    assert box["x"] <= last["x"] <= box["x"] + box["width"], (last, box)
