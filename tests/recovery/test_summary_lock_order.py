"""Every writer of a patient's check-ins, alerts and procedures takes the summary lock
(recovery.locks.summary_lock) before it writes them: the admin's edits included, which Django
would otherwise run row first and summary (through the trigger) second."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.forms import SplitDateTimeWidget
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from recovery import services
from recovery.models import Alert, CheckIn, PatientSummary, Procedure
from tests.factories import CheckInFactory, PatientFactory, ProcedureFactory
from tests.support.admin import admin_verified

pytestmark = pytest.mark.django_db

# summary_lock()'s statement: the patients' ids in order (FOR UPDATE on PostgreSQL; SQLite,
# one writer at a time, has no row locks).
LOCK = re.compile(
    r'^SELECT "recovery_patientsummary"."patient_id" AS "pk" FROM "recovery_patientsummary" '
    r"WHERE .* ORDER BY 1 ASC"
)


def first(queries, pattern: str) -> int:
    return next(i for i, q in enumerate(queries) if re.search(pattern, q["sql"], re.S))


def assert_locked_before(queries, write: str) -> None:
    """The summary rows' lock comes before the first `write`."""
    lock = next(i for i, q in enumerate(queries) if LOCK.search(q["sql"]))
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in queries[lock]["sql"]
    assert lock < first(queries, write), [q["sql"][:80] for q in queries]


@pytest.fixture
def admin_client(client):
    root = User.objects.create_superuser(email="root@clinic.test", password="x" * 12)
    admin_verified(client, root)
    return client


def form_data(response) -> dict:
    """The change form's own values, as the browser would post them back."""
    data = {}
    for bound in response.context["adminform"].form:
        value = bound.value()
        if isinstance(bound.field.widget, SplitDateTimeWidget):
            value = bound.field.widget.decompress(value)
            data[f"{bound.name}_0"], data[f"{bound.name}_1"] = (
                (value[0].isoformat(), value[1].isoformat()) if value[0] else ("", "")
            )
        elif value is None:
            data[bound.name] = ""
        elif hasattr(bound.field, "prepare_value") and isinstance(value, dict | list):
            data[bound.name] = bound.field.prepare_value(value)
        else:
            data[bound.name] = value
    return data


def admin_save(client, model, obj, **changes):
    url = f"/admin/recovery/{model._meta.model_name}/{obj.pk}/change/"
    data = {**form_data(client.get(url)), **changes}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return queries.captured_queries


def test_the_admin_alert_edit_locks_the_summary_before_the_alert(admin_client):
    patient = PatientFactory()
    alert = Alert.objects.create(patient=patient, rule="fever", severity="urgent", message="...")
    queries = admin_save(admin_client, Alert, alert, status="resolved")
    assert_locked_before(queries, r'^UPDATE "recovery_alert"')
    assert PatientSummary.objects.get(pk=patient.pk).open_urgent == 0


def test_the_admin_alert_moved_to_another_patient_locks_both_in_id_order(admin_client):
    one, two = PatientFactory(), PatientFactory()
    alert = Alert.objects.create(patient=two, rule="fever", severity="urgent", message="...")
    queries = admin_save(admin_client, Alert, alert, patient=one.pk)
    lock = next(q["sql"] for q in queries if LOCK.search(q["sql"]))
    assert str(one.pk) in lock and str(two.pk) in lock
    assert [PatientSummary.objects.get(pk=p.pk).open_urgent for p in (one, two)] == [1, 0]


def test_the_admin_checkin_and_procedure_edits_lock_the_summary_first(admin_client):
    patient = PatientFactory()
    checkin = CheckInFactory(patient=patient, pain_score=4, client_payload={"pain_score": 4})
    queries = admin_save(admin_client, CheckIn, checkin, pain_score=7)
    assert_locked_before(queries, r'^UPDATE "recovery_checkin"')
    procedure = ProcedureFactory(patient=patient)
    queries = admin_save(admin_client, Procedure, procedure, cause="trauma")
    assert_locked_before(queries, r'^UPDATE "recovery_procedure"')
    assert PatientSummary.objects.get(pk=patient.pk).latest_pain_score == 7


def test_the_admin_deletes_lock_the_summary_first(admin_client):
    patient = PatientFactory()
    checkin = CheckInFactory(patient=patient)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(
            "/admin/recovery/checkin/",
            {"action": "delete_selected", "_selected_action": [checkin.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert_locked_before(queries.captured_queries, r'^DELETE FROM "recovery_checkin"')
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(
            f"/admin/recovery/patient/{patient.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert_locked_before(queries.captured_queries, r'^DELETE FROM "recovery_')


def test_the_services_lock_the_summary_before_their_writes(procedure, clinician):
    patient = procedure.patient
    at = timezone.now() - timedelta(hours=1)
    writers = {
        r'^INSERT INTO "recovery_checkin"': lambda: services.checkin_record(
            patient=patient, data={"pain_score": 2, "temperature_c": 39.0, "recorded_at": at}
        ),
        r'^INSERT INTO "recovery_procedure"': lambda: services.procedure_record(
            patient=patient,
            data={
                "procedure_type": "kyphoplasty",
                "performed_on": procedure.performed_on,
                "vertebral_levels": ["L2"],
                "cause": "trauma",
                "pre_procedure_pain": 7,
            },
        ),
        r'^UPDATE "recovery_procedure"': lambda: services.procedure_update(
            procedure=procedure, data={"cause": "other"}
        ),
        r'^UPDATE "recovery_alert"': lambda: services.alert_resolve(
            alert=Alert.objects.get(patient=patient), by=clinician, note="Fine."
        ),
    }
    for write, run in writers.items():
        with CaptureQueriesContext(connection) as queries:
            run()
        assert_locked_before(queries.captured_queries, write)
