"""The dashboard does every clinician task the API does (issue 15): enrol with a printable
handout, record and edit a procedure, issue a new code, discharge; each form CSRF-protected,
checked on the server with the error beside the field, scoped, and audited."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AccessRecord
from outbox.models import Message
from recovery import codes
from recovery.models import EnrollmentCode, Patient, Procedure
from reminders.models import Reminder
from tests.api.support import nothing_created
from tests.factories import PatientFactory, ProcedureFactory

from .conftest import make_alert


def enrol_body(**extra):
    return {
        "first_name": "Nina",
        "last_name": "New",
        "email": "nina@patient.test",
        "date_of_birth": "1948-02-03",
        "timezone": "America/Chicago",
        "reminder_hour": "8",
        **extra,
    }


def procedure_body(**extra):
    return {
        "procedure_type": "vertebroplasty",
        "performed_on": (timezone.now().date() - dt.timedelta(days=2)).isoformat(),
        "vertebral_levels": ["T12", "L1"],
        "cause": "osteoporosis",
        "pre_procedure_pain": "8",
        **extra,
    }


def caregiver_body(**extra):
    return {"email": "ann@care.test", "name": "Ann Stone", "relationship": "daughter", **extra}


# --- Scope: each page and action, as the API's matrix does -----------------------------------

PAGES = [
    ("get", "/dashboard/patients/new/", 200),
    ("get", "/dashboard/patients/{patient}/procedures/new/", 200),
    ("get", "/dashboard/procedures/{procedure}/edit/", 200),
    ("get", "/dashboard/patients/{patient}/discharge/", 200),
    ("post", "/dashboard/patients/{patient}/enrollment-code/", 201),
    ("post", "/dashboard/patients/{patient}/discharge/", 302),
    ("post", "/dashboard/patients/{patient}/procedures/new/", 302),
    ("get", "/dashboard/patients/{patient}/caregivers/new/", 200),
    ("post", "/dashboard/patients/{patient}/caregivers/new/", 302),
]


@pytest.mark.parametrize(("method", "path", "status"), PAGES)
def test_who_may_use_each_page(
    browser_client, client, clinician, other_clinician, patient, procedure, method, path, status
):
    url = path.format(patient=patient.pk, procedure=procedure.pk)
    body = {"reason": "recovered", **procedure_body(), **caregiver_body()}
    # Anonymous: to the login page. A patient: 403. Another team's clinician: 404.
    assert getattr(client, method)(url, body).status_code == 302
    assert getattr(browser_client(patient.user), method)(url, body).status_code == 403
    if "{patient}" in path or "{procedure}" in path:
        with nothing_created():
            assert getattr(browser_client(other_clinician), method)(url, body).status_code == 404
    assert getattr(browser_client(clinician), method)(url, body).status_code == status


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/patients/new/",
        "/dashboard/patients/{patient}/enrollment-code/",
        "/dashboard/patients/{patient}/procedures/new/",
        "/dashboard/procedures/{procedure}/edit/",
        "/dashboard/patients/{patient}/discharge/",
        "/dashboard/patients/{patient}/caregivers/new/",
    ],
)
def test_every_form_needs_csrf(clinician, patient, procedure, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    with nothing_created():
        response = client.post(
            path.format(patient=patient.pk, procedure=procedure.pk),
            {**enrol_body(), **procedure_body(), "reason": "recovered"},
        )
    assert response.status_code == 403
    assert Patient.objects.get(pk=patient.pk).status == "active"


# --- Enrol and the handout -------------------------------------------------------------------


def test_enrolling_shows_the_code_once_with_a_printable_qr_handout(browser_client, clinician, team):
    response = browser_client(clinician).post("/dashboard/patients/new/", enrol_body())
    assert response.status_code == 201, response.content.decode()[:2000]
    assert "no-store" in response["Cache-Control"]
    patient = Patient.objects.get(user__email="nina@patient.test")
    assert (patient.team, patient.timezone, patient.reminder_hour) == (team, "America/Chicago", 8)
    body = response.content.decode()
    code = re.search(r'class="handout-code">([0-9A-Z-]+)<', body).group(1)
    assert EnrollmentCode.objects.get(patient=patient).code_hash == codes.digest(code)
    assert f"http://testserver/app/activate/?code={code}" in body or "/app/activate/?code=" in body
    assert "<svg" in body and 'aria-label="QR code of the link"' in body
    assert Message.objects.filter(to="nina@patient.test", category="enrollment").exists()
    assert AccessRecord.objects.filter(
        patient=patient, actor=clinician, action="dashboard-patient-enrol", kind="change"
    ).exists()
    # No inline script or style: a Content-Security-Policy is coming.
    assert "<script" not in body and "style=" not in body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date_of_birth", "2999-01-01"),
        ("date_of_birth", "not a date"),
        ("date_of_birth", "1899-12-31"),
        ("phone", "banana"),
        ("language", "fr"),
        ("email", "not-an-email"),
        ("email", "bob@patient.test"),
        ("timezone", "Mars/Olympus"),
        ("reminder_hour", "24"),
        ("first_name", ""),
    ],
)
def test_a_bad_enrolment_value_is_an_error_beside_the_field_and_writes_nothing(
    browser_client, clinician, patient, field, value
):
    with nothing_created():
        response = browser_client(clinician).post(
            "/dashboard/patients/new/", enrol_body(**{field: value})
        )
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    assert 'value="Nina"' in response.content.decode() or field == "first_name"  # kept


def test_enrolment_takes_phone_and_language_and_offers_the_teams_zone_first(
    browser_client, clinician, team
):
    team.timezone = "America/Denver"
    team.save()
    client = browser_client(clinician)
    form = client.get("/dashboard/patients/new/").content.decode()
    zones = form.split('name="timezone"', 1)[1]
    assert zones.index('value="America/Denver" selected') < zones.index("America/New_York")
    assert zones.index("America/New_York") < zones.index('<optgroup label="More time zones">')
    response = client.post(
        "/dashboard/patients/new/",
        enrol_body(phone="(202) 555-0142", language="es", timezone="America/Denver"),
    )
    assert response.status_code == 201
    nina = Patient.objects.get(user__email="nina@patient.test")
    assert (nina.phone, nina.language, nina.timezone) == ("+12025550142", "es", "America/Denver")


def test_enrolment_can_choose_texts_with_the_patients_yes(browser_client, clinician, team):
    client = browser_client(clinician)
    with nothing_created():
        refused = client.post(
            "/dashboard/patients/new/", enrol_body(reminder_channel="sms", phone="")
        )
    body = refused.content.decode()
    assert refused.status_code == 400
    assert 'id="id_phone-error"' in body and 'id="id_sms_consent-error"' in body
    created = client.post(
        "/dashboard/patients/new/",
        enrol_body(reminder_channel="both", phone="2025550142", sms_consent="on"),
    )
    assert created.status_code == 201
    nina = Patient.objects.get(user__email="nina@patient.test")
    assert (nina.reminder_channel, nina.phone) == ("both", "+12025550142")
    assert nina.sms_consent_at is not None


def test_the_form_shows_every_error_at_once_beside_its_field(browser_client, clinician, patient):
    with nothing_created():
        response = browser_client(clinician).post(
            "/dashboard/patients/new/",
            enrol_body(date_of_birth="1850-01-01", phone="banana", reminder_hour="99"),
        )
    body = response.content.decode()
    assert response.status_code == 400
    for field in ("date_of_birth", "phone", "reminder_hour"):
        assert f'id="id_{field}-error"' in body, field
    assert 'value="Nina"' in body


def test_a_clinician_of_two_teams_chooses_one_and_only_theirs(
    browser_client, clinician, team, other_team
):
    from recovery.models import CareTeam

    third = CareTeam.objects.create(name="Third")
    clinician.care_teams.add(third)
    with nothing_created():
        response = browser_client(clinician).post(
            "/dashboard/patients/new/", enrol_body(team=str(other_team.pk))
        )
    assert response.status_code == 400 and 'id="id_team-error"' in response.content.decode()
    response = browser_client(clinician).post(
        "/dashboard/patients/new/", enrol_body(team=str(third.pk))
    )
    assert response.status_code == 201
    assert Patient.objects.get(user__email="nina@patient.test").team == third


def test_a_new_code_voids_the_old_and_shows_the_new_once(browser_client, clinician, patient):
    old = EnrollmentCode.objects.create(
        patient=patient, code_hash="x" * 64, expires_at=timezone.now() + dt.timedelta(days=1)
    )
    response = browser_client(clinician).post(f"/dashboard/patients/{patient.pk}/enrollment-code/")
    assert response.status_code == 201
    code = re.search(r'class="handout-code">([0-9A-Z-]+)<', response.content.decode()).group(1)
    old.refresh_from_db()
    assert old.voided_at is not None
    assert EnrollmentCode.objects.filter(
        patient=patient, code_hash=codes.digest(code), voided_at=None
    ).exists()
    assert AccessRecord.objects.filter(patient=patient, action="dashboard-enrollment-code").exists()


def test_the_handout_has_a_print_stylesheet(client):
    from django.contrib.staticfiles import finders

    css = open(finders.find("dashboard/dashboard.css")).read()  # noqa: SIM115
    assert "@media print" in css and ".handout" in css


# --- Procedures ------------------------------------------------------------------------------


def test_recording_a_procedure_builds_its_plan(browser_client, clinician, patient):
    response = browser_client(clinician).post(
        f"/dashboard/patients/{patient.pk}/procedures/new/",
        procedure_body(height_loss_percent="12.5"),
    )
    assert response.status_code == 302
    procedure = Procedure.objects.get(patient=patient)
    assert procedure.vertebral_levels == ["T12", "L1"]
    assert procedure.lifting_restriction_days == 7
    assert float(procedure.height_loss_percent) == 12.5
    assert Reminder.objects.filter(procedure=procedure, status="scheduled").exists()
    assert AccessRecord.objects.filter(
        patient=patient, action="dashboard-procedure-record", kind="change"
    ).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("performed_on", (timezone.now().date() + dt.timedelta(days=3)).isoformat()),
        ("pre_procedure_pain", "11"),
        ("pre_procedure_pain", "seven"),
        ("vertebral_levels", ["Q9"]),
        ("vertebral_levels", []),
        ("fracture_date", (timezone.now().date() + dt.timedelta(days=1)).isoformat()),
        ("lifting_restriction_days", "91"),
        ("procedure_type", "surgery"),
    ],
)
def test_a_bad_procedure_value_is_an_error_beside_the_field_and_writes_nothing(
    browser_client, clinician, patient, field, value
):
    with nothing_created():
        response = browser_client(clinician).post(
            f"/dashboard/patients/{patient.pk}/procedures/new/", procedure_body(**{field: value})
        )
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    assert not Reminder.objects.exists()


def test_editing_a_procedure_replans_like_the_api(browser_client, clinician, patient):
    browser_client(clinician).post(
        f"/dashboard/patients/{patient.pk}/procedures/new/", procedure_body()
    )
    procedure = Procedure.objects.get(patient=patient)
    form = browser_client(clinician).get(f"/dashboard/procedures/{procedure.pk}/edit/")
    assert 'value="8"' in form.content.decode()  # the current values
    before = {r.pk: r.due_at for r in Reminder.objects.filter(procedure=procedure)}
    response = browser_client(clinician).post(
        f"/dashboard/procedures/{procedure.pk}/edit/",
        procedure_body(
            performed_on=(timezone.now().date() - dt.timedelta(days=1)).isoformat(),
            lifting_restriction_days="14",
        ),
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.lifting_restriction_days == 14
    after = {r.pk: r.due_at for r in Reminder.objects.filter(procedure=procedure)}
    assert after != before
    assert AccessRecord.objects.filter(patient=patient, action="dashboard-procedure-edit").exists()


def test_a_bad_edit_changes_nothing(browser_client, clinician, patient, procedure):
    response = browser_client(clinician).post(
        f"/dashboard/procedures/{procedure.pk}/edit/",
        procedure_body(
            fracture_date=(procedure.performed_on + dt.timedelta(days=1)).isoformat(),
            performed_on=procedure.performed_on.isoformat(),
        ),
    )
    assert response.status_code == 400
    assert 'id="id_fracture_date-error"' in response.content.decode()
    assert Procedure.objects.get(pk=procedure.pk).fracture_date is None


# --- Discharge -------------------------------------------------------------------------------


def test_the_patient_page_offers_discharge_behind_a_confirmation(
    browser_client, clinician, patient
):
    body = browser_client(clinician).get(f"/dashboard/patients/{patient.pk}/").content.decode()
    assert re.search(
        r'<details class="confirm" id="discharge">\s*<summary[^>]*>Discharge…</summary>', body
    )


def test_discharging_from_the_dashboard(browser_client, clinician, patient, procedure):
    from recovery import services

    services.procedure_update(procedure=procedure, data={"lifting_restriction_days": 8})
    response = browser_client(clinician).post(
        f"/dashboard/patients/{patient.pk}/discharge/",
        {"reason": "transferred", "note": "Moved to Ohio"},
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.status, patient.discharge_reason, patient.discharge_note) == (
        "discharged",
        "transferred",
        "Moved to Ohio",
    )
    page = browser_client(clinician).get(f"/dashboard/patients/{patient.pk}/").content.decode()
    assert 'id="discharged"' in page and "Moved to Ohio" in page
    assert AccessRecord.objects.filter(
        patient=patient, action="dashboard-patient-discharge", kind="change"
    ).exists()
    # Out of the default list, in the discharged one.
    listed = browser_client(clinician).get("/dashboard/").content.decode()
    assert f'data-patient="{patient.pk}"' not in listed
    listed = browser_client(clinician).get("/dashboard/?status=discharged").content.decode()
    assert f'data-patient="{patient.pk}"' in listed
    # Again: a message, nothing changes.
    again = browser_client(clinician).post(
        f"/dashboard/patients/{patient.pk}/discharge/", {"reason": "deceased"}, follow=True
    )
    assert "already discharged" in again.content.decode()
    assert Patient.objects.get(pk=patient.pk).discharge_reason == "transferred"


@pytest.mark.parametrize("body", [{}, {"reason": "bored"}, {"reason": "other", "note": "x" * 2001}])
def test_a_bad_discharge_is_an_error_beside_the_field(browser_client, clinician, patient, body):
    response = browser_client(clinician).post(f"/dashboard/patients/{patient.pk}/discharge/", body)
    assert response.status_code == 400
    field = "note" if "note" in body else "reason"
    assert f'id="id_{field}-error"' in response.content.decode()
    assert Patient.objects.get(pk=patient.pk).status == "active"


# --- The inbox, as a new user tried it ---------------------------------------------------------


def test_alert_cards_show_what_raised_them_and_resolve_on_demand(
    browser_client, clinician, patient
):
    from tests.factories import CheckInFactory

    checkin = CheckInFactory(patient=patient, pain_score=9, temperature_c=38.6, symptoms=["chills"])
    alert = make_alert(patient, rule="fever", parameters={"fever_threshold_c": 38.0})
    alert.checkins.add(checkin)
    body = browser_client(clinician).get("/dashboard/alerts/").content.decode()
    assert "pain 9/10" in body and "38.6 °C" in body and "chills" in body
    assert "fever from 38 °C" in body
    # The resolve form is behind a <details>: not open on every card.
    assert re.search(r'<details class="resolve">\s*<summary[^>]*>Resolve…</summary>', body)


def test_times_on_cards_are_in_the_patients_zone(browser_client, clinician, team):
    patient = PatientFactory(team=team, timezone="Asia/Tokyo")
    make_alert(patient, created_at=dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC))
    body = browser_client(clinician).get("/dashboard/alerts/").content.decode()
    assert "3 Mar 2026 08:30 JST" in body


@pytest.mark.parametrize("count", [1, 20])
def test_the_enrol_and_procedure_pages_run_a_constant_number_of_queries(
    browser_client, clinician, team, patient, django_assert_num_queries, count
):
    PatientFactory.create_batch(count, team=team)
    ProcedureFactory(patient=patient)
    client = browser_client(clinician)
    # 1 session, 2 user, 3 the clinician's teams (one team: no choice), 4-6 pipeline banner.
    with django_assert_num_queries(6):
        assert client.get("/dashboard/patients/new/").status_code == 200
    # 1 session, 2 user, 3 the patient with team and user, 4-6 pipeline banner.
    with django_assert_num_queries(6):
        assert client.get(f"/dashboard/patients/{patient.pk}/procedures/new/").status_code == 200


# --- A caregiver, invited from the dashboard -------------------------------------------------


def test_inviting_a_caregiver_queues_the_email_and_lists_the_link(
    browser_client, clinician, patient
):
    client = browser_client(clinician)
    response = client.post(
        f"/dashboard/patients/{patient.pk}/caregivers/new/",
        caregiver_body(email="ann@care.test"),
    )
    assert response.status_code == 302
    link = patient.care_links.get()
    assert (link.email, link.name, link.relationship, link.status) == (
        "ann@care.test",
        "Ann Stone",
        "daughter",
        "invited",
    )
    email = Message.objects.get(category="caregiver-invitation")
    assert email.to == "ann@care.test"
    assert AccessRecord.objects.filter(action="dashboard-caregiver-invite").exists()


def test_a_bad_caregiver_invitation_is_an_error_beside_the_field_and_writes_nothing(
    browser_client, clinician, patient
):
    with nothing_created():
        response = browser_client(clinician).post(
            f"/dashboard/patients/{patient.pk}/caregivers/new/",
            caregiver_body(email="not an address", name=""),
        )
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert patient.care_links.count() == 0
