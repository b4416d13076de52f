"""The offline queue in a real browser, bound to the account that queued it (issue 23 item
6), and a check-in that loses signal mid-way (issue 23, "Offline mid-check-in"): nothing is
ever sent under another account, a caregiver's check-in goes to the patient it was for, and
the step-by-step check-in carries on offline with what was answered, sent once."""

import re

import pytest
from playwright.sync_api import expect

from patientapp.views.checkin import checkin_steps, emergency_questions
from recovery.models import Alert, CheckIn
from tests.factories import PASSWORD, CaregiverFactory, CareLinkFactory, PatientFactory
from tests.support.worker import wait_until

from .support import PHONE, answer_checkin, record_procedure

pytestmark = pytest.mark.browser

API = "**/app/api/checkins/"


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/app/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/app/login/"))


def under_service_worker(page):
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("caches.match('/app/offline/').then(Boolean)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def lose_signal(context, *, phone_knows=True):
    # phone_knows=False: the browser still says "online" while every request fails.
    if phone_knows:
        context.set_offline(True)
    context.route("**/*", lambda route: route.abort())


def signal_back(context, *, but_not_the_queue=False):
    if but_not_the_queue:  # the send fails: the item stays on the phone
        context.route(API, lambda route: route.abort())
    context.unroute("**/*")
    context.set_offline(False)


def queue_offline(page, live_server, *, pain, yes=()):
    page.goto(f"{live_server.url}/app/checkin/")
    expect(page.get_by_role("heading", name="Check in", exact=True)).to_be_visible()
    page.locator(f"#off-pain-{pain}").check()
    for code in yes:
        page.locator(f"#off-{code}-yes").check()
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.locator("#offline-waiting")).to_contain_text("will be sent")


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport=PHONE, service_workers="allow")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(20_000)
    sent = []
    page.on("request", lambda r: "/app/api/checkins/" in r.url and sent.append(r.post_data_json))
    page.sent = sent
    return page


def test_a_check_in_queued_by_one_patient_is_sent_only_under_that_patient(
    context, page, live_server, transactional_db, team
):
    olga = PatientFactory(team=team, first_name="Olga", user__email="olga@patient.test")
    bea = PatientFactory(team=team, first_name="Bea", user__email="bea@patient.test")
    record_procedure(olga)
    record_procedure(bea)
    sign_in(page, live_server, "olga@patient.test")
    under_service_worker(page)

    lose_signal(context)
    chest = emergency_questions()[0]
    queue_offline(page, live_server, pain=7, yes=[chest])
    signal_back(context, but_not_the_queue=True)
    page.goto(f"{live_server.url}/app/")
    sign_out(page)
    context.unroute(API)

    # Bea signs in on the same phone: Olga's check-in is neither sent nor shown.
    sign_in(page, live_server, "bea@patient.test")
    expect(page).to_have_url(f"{live_server.url}/app/")
    page.evaluate("window.recoveryQueue.flush()")
    page.reload()
    page.evaluate("window.recoveryQueue.flush()")
    expect(page.locator("#queue-banner")).to_be_hidden()
    assert CheckIn.objects.count() == 0 and Alert.objects.count() == 0
    assert all(body["account"] == olga.user.pk for body in page.sent)
    kept = page.evaluate("window.recoveryQueue.read()")
    assert [item["account"] for item in kept] == [str(olga.user.pk)]
    sign_out(page)

    # Olga again: sent once, hers, with her emergency alert.
    sign_in(page, live_server, "olga@patient.test")
    assert wait_until(lambda: CheckIn.objects.count() == 1, timeout=20)
    page.wait_for_function("window.recoveryQueue.read().length === 0")
    page.reload()
    checkin = CheckIn.objects.get()
    assert (checkin.patient, checkin.entered_by, checkin.pain_score) == (olga, olga.user, 7)
    assert checkin.symptoms == [chest]
    assert set(Alert.objects.values_list("patient", flat=True)) == {olga.pk}
    assert CheckIn.objects.count() == 1


def test_a_caregivers_queued_check_in_goes_to_the_patient_it_was_for(
    context, page, live_server, transactional_db, team
):
    mother = PatientFactory(team=team, first_name="Margaret", user__email="m@patient.test")
    father = PatientFactory(team=team, first_name="Tom", user__email="t@patient.test")
    ann = CaregiverFactory(email="ann@care.test")
    for patient in (mother, father):
        record_procedure(patient)
        CareLinkFactory(patient=patient, caregiver=ann)
    sign_in(page, live_server, "ann@care.test")
    page.get_by_label("Tom").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Checking in for Tom")).to_be_visible()
    under_service_worker(page)

    lose_signal(context)
    queue_offline(page, live_server, pain=3)
    signal_back(context, but_not_the_queue=True)
    page.goto(f"{live_server.url}/app/")
    sign_out(page)
    context.unroute(API)

    # Margaret signs in on the phone (not Ann's account): nothing sent, Ann's item kept.
    sign_in(page, live_server, "m@patient.test")
    page.reload()
    assert CheckIn.objects.count() == 0
    assert len(page.evaluate("window.recoveryQueue.read()")) == 1
    sign_out(page)

    # Ann again, now acting for Margaret: the check-in is Tom's, entered by Ann.
    sign_in(page, live_server, "ann@care.test")
    page.get_by_label("Margaret").check()
    page.get_by_role("button", name="Continue").click()
    assert wait_until(lambda: CheckIn.objects.count() == 1, timeout=20)
    checkin = CheckIn.objects.get()
    assert (checkin.patient, checkin.entered_by, checkin.pain_score) == (father, ann, 3)
    page.wait_for_function("window.recoveryQueue.read().length === 0")


@pytest.mark.parametrize("phone_knows", [True, False], ids=["offline", "requests-fail"])
def test_losing_signal_after_the_first_question_carries_on_and_sends_once(
    context, page, live_server, transactional_db, team, phone_knows
):
    patient = PatientFactory(team=team, first_name="Olga", user__email="olga@patient.test")
    record_procedure(patient)
    sign_in(page, live_server, "olga@patient.test")
    under_service_worker(page)
    steps = checkin_steps()
    asked = ("pain", "temperature", "note", "review", "bone_medicine", *emergency_questions())
    others = [step for step in steps if step not in asked]

    page.goto(f"{live_server.url}/app/checkin/")
    page.locator("#answer-no").check()  # the first question, whichever the server asks first
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/app/checkin/{steps[1]}/")

    lose_signal(context, phone_knows=phone_knows)
    page.locator("#answer-no").check()
    page.get_by_role("button", name="Continue").click()
    # The app carries on: the offline form, with both answers given so far filled in.
    expect(page.get_by_role("heading", name="Check in", exact=True)).to_be_visible()
    expect(page.locator("#offline-prefilled")).to_be_visible()
    expect(page.locator(f"#off-{steps[0]}-no")).to_be_checked()
    expect(page.locator(f"#off-{steps[1]}-no")).to_be_checked()
    page.locator("#off-pain-5").check()
    page.locator(f"#off-{others[0]}-yes").check()
    page.get_by_role("button", name="Save my check-in").click()
    waiting = page.locator("#offline-waiting")
    expect(waiting.get_by_role("heading", name="Your check-in is waiting to send")).to_be_visible()
    expect(waiting).to_contain_text("will be sent when there is a connection")
    assert CheckIn.objects.count() == 0

    signal_back(context)
    if phone_knows:  # the "online" event sends it, and the page says so
        assert wait_until(lambda: CheckIn.objects.count() == 1, timeout=20)
        expect(waiting.get_by_role("heading", name="Your check-in is sent")).to_be_visible()
    page.goto(f"{live_server.url}/app/")  # every page load sends what is waiting
    assert wait_until(lambda: CheckIn.objects.count() == 1, timeout=20)
    page.evaluate("window.recoveryQueue.flush()")
    checkin = CheckIn.objects.get()
    assert (checkin.patient, checkin.pain_score, checkin.symptoms) == (patient, 5, [others[0]])
    assert CheckIn.objects.count() == 1
    assert page.evaluate("window.recoveryQueue.draft()") is None


def test_an_emergency_yes_with_no_signal_shows_the_call_button_first(
    context, page, live_server, transactional_db, team
):
    team.emergency_number = "112"
    team.save()
    patient = PatientFactory(team=team, first_name="Olga", user__email="olga@patient.test")
    record_procedure(patient)
    sign_in(page, live_server, "olga@patient.test")
    under_service_worker(page)

    lose_signal(context)
    page.goto(f"{live_server.url}/app/checkin/")
    first = page.locator("[data-step]").first
    assert first.get_attribute("data-emergency") == "1"  # the emergency signs come first
    call = page.locator("#offline-call-first")
    expect(call).to_be_hidden()
    page.locator(f"#off-{emergency_questions()[0]}-yes").check()
    expect(call).to_be_visible()
    expect(call).to_contain_text("cannot be reached without signal")
    link = call.get_by_role("link", name="Call 112 now")
    expect(link).to_have_attribute("href", "tel:112")
    expect(link).to_be_focused()
    box = link.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    # The first control of the page, before the header and the form.
    first_control = page.evaluate(
        "() => [...document.querySelectorAll('a, button, input')]"
        ".find(e => e.offsetParent !== null).getAttribute('href')"
    )
    assert first_control == "tel:112"


def test_losing_signal_at_an_emergency_yes_shows_the_call_button_first(
    context, page, live_server, transactional_db, team
):
    team.emergency_number = "112"
    team.save()
    patient = PatientFactory(team=team, first_name="Olga", user__email="olga@patient.test")
    record_procedure(patient)
    sign_in(page, live_server, "olga@patient.test")
    under_service_worker(page)
    page.goto(f"{live_server.url}/app/checkin/")

    lose_signal(context, phone_knows=False)
    page.locator("#answer-yes").check()
    page.get_by_role("button", name="Continue").click()
    call = page.locator("#offline-call-first")
    expect(call).to_be_visible()
    expect(call.get_by_role("link", name="Call 112 now")).to_be_focused()
    expect(page.locator(f"#off-{checkin_steps()[0]}-yes")).to_be_checked()


def test_losing_signal_at_the_review_sends_the_check_in_under_its_own_id(
    context, page, live_server, transactional_db, team
):
    patient = PatientFactory(team=team, first_name="Olga", user__email="olga@patient.test")
    record_procedure(patient)
    sign_in(page, live_server, "olga@patient.test")
    under_service_worker(page)
    page.goto(f"{live_server.url}/app/checkin/")
    answer_checkin(page, pain=4)
    draft_id = page.locator("input[name=id]").input_value()

    lose_signal(context)
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.locator("#off-pain-4")).to_be_checked()
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.locator("#offline-waiting")).to_contain_text("will be sent")
    signal_back(context)
    assert wait_until(lambda: CheckIn.objects.count() == 1, timeout=20)
    checkin = CheckIn.objects.get()
    assert (str(checkin.pk), checkin.pain_score, checkin.symptoms) == (draft_id, 4, [])
