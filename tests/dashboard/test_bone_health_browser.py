"""The nurse's bone-health page in a real browser (Playwright + Debian's Chromium)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bonehealth.models import BoneHealthRecord
from outbox.models import PipelineHeartbeat
from tests.dashboard.test_browser import chromium, page, sign_in  # noqa: F401 (fixtures)
from tests.factories import PatientFactory, ProcedureFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def bone_ward(transactional_db, team):
    today = timezone.now().date()
    PipelineHeartbeat.objects.create(name="outbox-sweep", ticked_at=timezone.now())
    late = PatientFactory(team=team, first_name="Lena", last_name="Late")
    ProcedureFactory(patient=late, performed_on=today - timedelta(days=130))
    done = PatientFactory(team=team, first_name="Dora", last_name="Done")
    ProcedureFactory(patient=done, performed_on=today - timedelta(days=200))
    BoneHealthRecord.objects.create(
        patient=done,
        assessed_on=today - timedelta(days=150),
        dxa_done_on=today - timedelta(days=150),
    )
    return {"late": late, "done": done}


def test_the_bone_health_page_renders_with_its_chart(page, live_server, clinician, bone_ward):  # noqa: F811
    sign_in(page, live_server, path="/dashboard/bone-health/")
    expect(
        page.get_by_role("heading", name="Bone health: North Spine Team", level=1)
    ).to_be_visible()
    chart = page.locator("svg#indicator-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("g.bar")).to_have_count(7)
    expect(chart.locator("g.bar[data-indicator='dxa_90d'] text.bar-value")).to_have_text(
        "50.0 % (1/2), 50–80 %"
    )
    expect(chart.locator("pattern")).to_have_count(3)
    # Most overdue first: Dora's 112-day milestones (88 days) before Lena's assessment (40).
    expect(page.locator("#bone-worklist tbody tr").first).to_contain_text("Done, Dora")
    expect(page.locator("#bone-indicators tbody tr")).to_have_count(7)
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200

    # The worklist's action is a click away: the patient's bone-health section.
    lena = page.locator("#bone-worklist tbody tr", has_text="Late, Lena")
    lena.get_by_role("link", name="Record assessment").click()
    expect(page.locator("#bone-health")).to_be_visible()
    expect(page.locator("#bone-assessment")).to_contain_text("overdue")
    page.get_by_label("Assessed on", exact=True).fill(timezone.now().date().isoformat())
    page.get_by_role("button", name="Save bone-health record").click()
    expect(page.locator("#bone-assessment")).to_contain_text("done late")
    expect(page.locator("#bone-history")).to_contain_text("assessed on")


def test_the_bone_health_page_and_the_patient_page_pass_axe(
    page,  # noqa: F811
    live_server,
    clinician,
    bone_ward,
):
    # Issue 24: landmark-unique (moderate) was found on both; nothing moderate or worse now.
    from tests.dashboard.test_callback_browser import assert_axe_clean

    sign_in(page, live_server, path="/dashboard/bone-health/")
    expect(page.locator("svg#indicator-chart")).to_be_visible()
    assert_axe_clean(page, "bone-health page")
    page.goto(f"{live_server.url}/dashboard/patients/{bone_ward['late'].pk}/")
    expect(page.locator("#bone-health")).to_be_visible()
    assert_axe_clean(page, "patient page")
