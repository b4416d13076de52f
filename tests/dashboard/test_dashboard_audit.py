"""The dashboard is audited like the API (issue 6): every page and action that shows or
changes a patient's data leaves who, which patient, what and from where; and its session
login gets the same failed-login slow-down as the API's."""

import time_machine
from django.utils import timezone

from audit.models import AccessRecord
from recovery.choices import AlertStatus
from tests.factories import PASSWORD, PatientFactory

from .conftest import make_alert


def recorded(**filters):
    return sorted(
        (r.patient_id, r.action, r.kind)
        for r in AccessRecord.objects.filter(**filters).order_by("id")
    )


def test_the_patient_list_records_each_patient_on_the_page(browser_client, clinician, team):
    mine = PatientFactory.create_batch(3, team=team)
    PatientFactory()  # another team's: neither shown nor recorded

    response = browser_client(clinician).get("/dashboard/", REMOTE_ADDR="10.9.8.7")

    assert response.status_code == 200
    assert recorded(actor=clinician) == sorted((p.pk, "dashboard-patients", "read") for p in mine)
    assert set(AccessRecord.objects.values_list("ip", flat=True)) == {"10.9.8.7"}


def test_the_patient_page_is_recorded_and_a_404_is_not(browser_client, clinician, patient):
    client = browser_client(clinician)
    other = PatientFactory()

    assert client.get(f"/dashboard/patients/{patient.pk}/").status_code == 200
    assert client.get(f"/dashboard/patients/{other.pk}/").status_code == 404

    assert recorded() == [(patient.pk, "dashboard-patient", "read")]


def test_the_inbox_and_alert_actions_are_recorded(browser_client, clinician, patient):
    alert = make_alert(patient)
    client = browser_client(clinician)

    client.get("/dashboard/alerts/")
    client.post(f"/dashboard/alerts/{alert.pk}/acknowledge/")
    client.post(f"/dashboard/alerts/{alert.pk}/resolve/", {"note": "called, fine"})

    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert recorded() == sorted(
        [
            (patient.pk, "dashboard-alerts", "read"),
            (patient.pk, "dashboard-alert-acknowledge", "change"),
            (patient.pk, "dashboard-alert-resolve", "change"),
        ]
    )


def test_a_refused_resolve_records_nothing(browser_client, clinician, patient):
    alert = make_alert(patient, status="resolved", resolved_at=timezone.now())
    browser_client(clinician).post(f"/dashboard/alerts/{alert.pk}/resolve/", {"note": "again"})
    assert recorded() == []


def test_repeated_failed_sign_ins_slow_down_even_the_right_password(client, clinician, settings):
    settings.LOGIN_FAILURES_FREE_PER_ACCOUNT = 2
    settings.LOGIN_BACKOFF_BASE_SECONDS = 30
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False):
        for _ in range(3):
            client.post("/dashboard/login/", {"username": "alice@clinic.test", "password": "no"})

        response = client.post(
            "/dashboard/login/", {"username": "alice@clinic.test", "password": PASSWORD}
        )
        assert response.status_code == 200
        assert b"Too many failed sign-ins. Please try again in 30 seconds." in response.content
        assert "_auth_user_id" not in client.session

    # Never a permanent lock-out: once the window has passed, the right password works.
    with time_machine.travel("2026-03-01 10:00:31Z", tick=False):
        response = client.post(
            "/dashboard/login/", {"username": "alice@clinic.test", "password": PASSWORD}
        )
        assert response.status_code == 302
