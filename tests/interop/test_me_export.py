"""GET /api/v1/me/export/: the patient's own copy of their record, as $everything gives it."""

import datetime as dt

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from audit.models import AccessRecord
from recovery import services
from recovery.models import Alert
from tests.factories import CheckInFactory, ProcedureFactory


def test_a_patient_downloads_their_whole_record_as_a_fhir_bundle(api, patient, other_patient):
    procedure = ProcedureFactory(patient=patient)
    services.procedure_record(
        patient=patient,
        data={
            "procedure_type": "vertebroplasty",
            "performed_on": timezone.now().date() - dt.timedelta(days=1),
            "vertebral_levels": ["T12"],
            "cause": "trauma",
            "pre_procedure_pain": 6,
        },
    )
    CheckInFactory(patient=patient, pain_score=4, temperature_c=38.6)
    Alert.objects.create(patient=patient, rule="fever", severity="urgent", message="Fever")
    CheckInFactory(patient=other_patient, pain_score=9)

    response = api(patient.user).get("/api/v1/me/export/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    body = response.json()
    Bundle.model_validate(body)  # a valid R4 Bundle
    kinds = sorted({entry["resource"]["resourceType"] for entry in body["entry"]})
    assert kinds == ["CarePlan", "Flag", "Observation", "Patient", "Procedure"]
    patients = [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [p["id"] for p in patients] == [str(patient.pk)]
    procedures = [e for e in body["entry"] if e["resource"]["resourceType"] == "Procedure"]
    assert len(procedures) == 2
    assert str(procedure.pk) in {e["resource"]["id"] for e in procedures}
    # Nothing of the other patient's.
    subjects = {
        e["resource"]["subject"]["reference"] for e in body["entry"] if "subject" in e["resource"]
    }
    assert subjects == {f"Patient/{patient.pk}"}


def test_the_export_matches_everything(api, patient, clinician):
    ProcedureFactory(patient=patient)
    CheckInFactory(patient=patient, pain_score=5)
    mine = api(patient.user).get("/api/v1/me/export/").json()
    theirs = api(clinician).get(f"/fhir/Patient/{patient.pk}/$everything").json()
    for body in (mine, theirs):
        body.pop("link", None)
        body.pop("timestamp", None)
        body.pop("id", None)
    assert mine == theirs


def test_the_patients_own_download_is_not_in_their_access_log(api, patient):
    api(patient.user).get("/api/v1/me/export/")
    assert not AccessRecord.objects.filter(patient=patient).exists()


def test_clinicians_may_not_use_it(api, clinician):
    response = api(clinician).get("/api/v1/me/export/")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_a_deceased_patients_record_says_so(api, clinician, patient):
    from recovery import lifecycle

    lifecycle.patient_discharge(patient=patient, by=clinician, reason="deceased")
    body = api(clinician).get(f"/fhir/Patient/{patient.pk}/$everything").json()
    fhir_patient = next(
        e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert fhir_patient["deceasedBoolean"] is True
