"""Issue 23, low 14: a caregiver's reads through the app are in the patient's access log, in
words the patient reads right; and the log shows one line per reader, view and minute."""

import pytest
from django.test import Client

from audit.models import AccessRecord

pytestmark = pytest.mark.django_db


def test_a_caregivers_reads_in_the_app_are_logged(caregiver, patient, procedure):
    client = Client()
    client.force_login(caregiver)
    for path in ("/app/", "/app/history/", "/app/plan/", "/app/settings/"):
        assert client.get(path).status_code == 200, path
    records = AccessRecord.objects.filter(patient=patient, actor=caregiver)
    assert sorted(records.values_list("action", flat=True)) == [
        "app-history",
        "app-home",
        "app-plan",
    ]
    assert set(records.values_list("kind", flat=True)) == {"read"}

    own = Client()
    own.force_login(patient.user)
    page = own.get("/app/access-log/").content.decode()
    assert "Ann Hill" in page
    assert "looked at your check-ins" in page and "looked at your recovery plan" in page
    assert "changed your record" not in page


def test_the_patients_own_reads_are_not_logged(patient, procedure):
    client = Client()
    client.force_login(patient.user)
    client.get("/app/history/")
    assert not AccessRecord.objects.exists()


def test_one_line_per_reader_view_and_minute(api, clinician, patient):
    for _ in range(7):
        assert api(clinician).get(f"/api/v1/patients/{patient.pk}/").status_code == 200
    assert AccessRecord.objects.filter(patient=patient).count() == 7  # the full trail stays
    log = api(patient.user).get("/api/v1/me/access-log/").json()
    rows = log["results"] if isinstance(log, dict) else log
    assert [row["what"] for row in rows] == ["patient-detail"]
