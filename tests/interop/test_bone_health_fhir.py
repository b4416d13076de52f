"""$everything carries the bone-health pathway: the treatment as a MedicationStatement, the DXA
as an Observation and the milestones as CarePlan activities, by text only."""

import datetime as dt

from fhir.resources.R4B.bundle import Bundle

from bonehealth.models import BoneHealthRecord
from tests.factories import ProcedureFactory
from tests.interop.test_everything import everything_url, resources


def test_the_bundle_carries_treatment_dxa_and_milestones(api, clinician, patient):
    today = dt.datetime.now(dt.UTC).date()
    ProcedureFactory(patient=patient, performed_on=today - dt.timedelta(days=130))
    BoneHealthRecord.objects.create(
        patient=patient,
        assessed_on=today - dt.timedelta(days=50),
        dxa_done_on=today - dt.timedelta(days=40),
        dxa_lowest_t_score=-2.84,
        treatment="zoledronate",
        treatment_recommended_on=today - dt.timedelta(days=30),
        treatment_started_on=today - dt.timedelta(days=20),
    )
    response = api(clinician).get(everything_url(patient.pk))
    assert response.status_code == 200
    body = response.json()
    Bundle.model_validate(body)  # valid FHIR R4(B)

    [statement] = resources(body, "MedicationStatement")
    assert statement["status"] == "active"
    assert statement["medicationCodeableConcept"] == {"text": "Zoledronate"}
    assert statement["subject"] == {"reference": f"Patient/{patient.pk}"}
    assert statement["effectivePeriod"]["start"] == (today - dt.timedelta(days=20)).isoformat()

    dxa = next(r for r in resources(body, "Observation") if r["id"].endswith("-dxa"))
    assert dxa["code"] == {"text": "DXA scan, lowest T-score"}  # no invented code
    assert dxa["valueQuantity"] == {"value": -2.8, "unit": "T-score"}
    assert dxa["category"][0]["coding"][0]["code"] == "imaging"

    plan = next(r for r in resources(body, "CarePlan") if r["id"].startswith("bone-health-"))
    activities = plan["activity"]
    assert len(activities) == 8
    assert [a["detail"]["code"]["text"] for a in activities][:2] == ["Assessment", "DXA scan"]
    statuses = [a["detail"]["status"] for a in activities]
    assert statuses[:2] == ["completed", "completed"]  # assessment day 80, DXA day 90
    assert statuses[2] == "not-started"  # falls assessment, overdue since day 112
    assert activities[2]["detail"]["statusReason"]["text"].startswith("Overdue")
    assert "coding" not in activities[0]["detail"]["code"]


def test_declined_is_a_not_taken_statement_and_off_pathway_exports_nothing(api, clinician, patient):
    ProcedureFactory(patient=patient, cause="trauma")
    body = api(clinician).get(everything_url(patient.pk)).json()
    assert resources(body, "MedicationStatement") == []
    assert [r for r in resources(body, "CarePlan") if r["id"].startswith("bone-health")] == []

    BoneHealthRecord.objects.create(
        patient=patient,
        pathway_override="on",
        treatment="declined",
        treatment_recommended_on=dt.datetime.now(dt.UTC).date(),
    )
    body = api(clinician).get(everything_url(patient.pk)).json()
    [statement] = resources(body, "MedicationStatement")
    assert statement["status"] == "not-taken"
    assert statement["statusReason"] == [{"text": "Declined by the patient"}]
