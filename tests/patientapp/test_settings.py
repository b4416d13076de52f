"""Settings: reminder hour, time zone, language and which reminders, subscribing again."""

import pytest

from reminders.models import ReminderOptOut
from reminders.optouts import reminder_kinds_wanted, reminder_opt_out
from tests.factories import ProcedureFactory

ALL_KINDS = [
    "checkin",
    "lifting_restriction",
    "lifting_restriction_end",
    "activity",
    "physical_therapy",
    "opioid_review",
    "brace_review",
    "followup_imaging",
    "osteoporosis_medication",
    "calcium_vitamin_d",
    "fall_prevention",
    "osteoporosis_followup",
    "new_fracture_awareness",
]


@pytest.fixture
def client_of(app_client, patient):
    ProcedureFactory(patient=patient)
    return app_client(patient.user)


def save(client, **changes):
    data = {
        "form": "settings",
        "reminder_hour": "9",
        "timezone": "UTC",
        "language": "en",
        "reminders": ALL_KINDS,
        **changes,
    }
    return client.post("/app/settings/", data)


def test_subscribing_again_after_stop_all(client_of, patient):
    reminder_opt_out(patient=patient, kind=ReminderOptOut.ALL)
    page = client_of.get("/app/settings/").content.decode()
    assert "You have stopped all reminder emails" in page
    response = save(client_of)
    assert response.status_code == 302
    assert not ReminderOptOut.objects.filter(patient=patient).exists()
    assert reminder_kinds_wanted(patient=patient) == set(ALL_KINDS)


def test_choosing_fewer_reminders_opts_out_of_the_rest(client_of, patient):
    save(client_of, reminders=["checkin"])
    assert reminder_kinds_wanted(patient=patient) == {"checkin"}
    save(client_of, reminders=["checkin", "activity"])
    assert reminder_kinds_wanted(patient=patient) == {"checkin", "activity"}


def test_hour_zone_and_language_are_saved_and_replan(client_of, patient):
    response = save(client_of, reminder_hour="17", timezone="America/Chicago", language="es")
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.reminder_hour, patient.timezone, patient.language) == (
        17,
        "America/Chicago",
        "es",
    )
    due = patient.reminders.filter(status="scheduled").first().due_at
    assert due.astimezone(patient.tz).hour == 17
    assert "Ajustes" in client_of.get("/app/settings/").content.decode()


@pytest.mark.parametrize(
    "changes",
    [
        {"reminder_hour": "24"},
        {"timezone": "Mars/Base"},
        {"language": "fr"},
        {"reminders": ["nonsense"]},
    ],
)
def test_a_bad_setting_is_a_400_and_nothing_changes(client_of, patient, changes):
    response = save(client_of, **changes)
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    patient.refresh_from_db()
    assert (patient.reminder_hour, patient.timezone, patient.language) == (9, "UTC", "en")


def test_the_settings_page_downloads_the_patients_own_record(app_client, patient, procedure):
    """Issue 15: "a 'download my record' button in the patient app": the same FHIR Bundle as
    GET /api/v1/me/export/, through the app's own session."""
    client = app_client(patient.user)
    page = client.get("/app/settings/")
    assert b'href="/api/v1/me/export/"' in page.content
    export = client.get("/api/v1/me/export/")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in export["Content-Disposition"]
    body = export.json()
    assert body["resourceType"] == "Bundle"
    patients = [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [p["id"] for p in patients] == [str(patient.pk)]
