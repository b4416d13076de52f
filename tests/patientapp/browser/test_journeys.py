"""The patient app's journeys of issues 12 and 13 in a real browser (Playwright, Debian's
Chromium): from the email in the SMTP sink to the screen the patient or caregiver sees."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recovery.models import Alert, CheckIn
from reminders.models import Reminder
from tests.factories import (
    PatientFactory,
)

from .support import (
    NEW_PASSWORD,
    answer_checkin,
    body_text,
    enroll,
    local_link,
    record_procedure,
)

pytestmark = pytest.mark.browser


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
    call = page.get_by_role("link", name="Call 911 now").first  # the page's first control
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
    # The first question is the first emergency sign (issue 23).
    expect(page.get_by_role("heading", name="¿Tiene dolor en el pecho?")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    answer_checkin(page, pain=5, yes=["fever"], continue_label="Continuar")
    page.get_by_role("button", name="Enviar mi registro").click()
    expect(page.get_by_role("heading", name="Llame hoy a su equipo médico")).to_be_visible()
    expect(
        page.get_by_role("link", name="Llamar a su equipo médico: +34 900 000 000")
    ).to_have_attribute("href", "tel:+34 900 000 000")
    page.get_by_role("link", name="Historial", exact=True).click()
    expect(page.get_by_role("heading", name="Sus registros")).to_be_visible()


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
    # One more screen (issue 24): a phone for the care team, and a yes to texts.
    expect(page).to_have_url(f"{live_server.url}/app/caregiver/phone/")
    page.get_by_label("Your phone number").fill("(202) 555-0143")
    page.get_by_label("Yes, text me when there is a warning sign").check()
    page.get_by_role("button", name="Save").click()
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
