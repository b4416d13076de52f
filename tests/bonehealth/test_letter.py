"""GET /api/v1/patients/{id}/bone-health/letter/: a one-page PDF for the GP; a GET changes
nothing."""

import datetime as dt
import io
from unittest import mock

from pypdf import PdfReader

from audit.models import AccessRecord
from bonehealth.models import BoneHealthChange, BoneHealthRecord

from .conftest import TODAY


def letter_url(patient) -> str:
    return f"/api/v1/patients/{patient.pk}/bone-health/letter/"


def test_the_letter_is_a_one_page_pdf_with_the_patient_and_the_treatment(
    api, clinician, on_pathway, team
):
    patient = on_pathway(60, fracture_date=TODAY - dt.timedelta(days=70), vertebral_levels=["T12"])
    BoneHealthRecord.objects.create(
        patient=patient,
        risk="very_high",
        assessed_on=TODAY - dt.timedelta(days=30),
        dxa_done_on=TODAY - dt.timedelta(days=20),
        dxa_lowest_t_score=-3.4,
        treatment="denosumab",
        treatment_recommended_on=TODAY - dt.timedelta(days=10),
        gp_name="Dr Ada Lee",
        gp_address="1 High Street\nTownsville",
    )
    response = api(clinician).get(letter_url(patient))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert f"{patient.first_name} {patient.last_name}" in text
    assert "Denosumab" in text
    assert "Dr Ada Lee" in text and "1 High Street" in text
    assert team.name in text
    assert "-3.4" in text
    assert "Kyphoplasty" in text and "T12" in text
    # A GET changes nothing: not marked sent, no history; the read is audited.
    record = BoneHealthRecord.objects.get()
    assert record.gp_letter_sent_on is None
    assert not BoneHealthChange.objects.exists()
    assert AccessRecord.objects.filter(
        patient=patient, action="bone-health-letter", actor=clinician
    ).exists()


def test_a_letter_without_a_record_creates_none(api, clinician, on_pathway):
    patient = on_pathway(5)
    response = api(clinician).get(letter_url(patient))
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert patient.last_name in text
    assert not BoneHealthRecord.objects.exists()


def test_without_the_pdf_library_the_letter_is_a_503_in_json(api, clinician, on_pathway):
    patient = on_pathway(5)
    with mock.patch.dict("sys.modules", {"weasyprint": None}):  # import raises ImportError
        response = api(clinician).get(letter_url(patient))
    assert response.status_code == 503
    assert "PDF library" in response.json()["detail"]


def test_the_longest_record_still_fits_one_page(api, clinician, on_pathway):
    patient = on_pathway(60)
    BoneHealthRecord.objects.create(
        patient=patient,
        treatment="denosumab",
        treatment_recommended_on=TODAY,
        treatment_started_on=TODAY,
        risk="very_high",
        assessed_on=TODAY,
        dxa_done_on=TODAY,
        dxa_lowest_t_score=-5.9,
        falls_assessed_on=TODAY,
        gp_name="Dr " + "Longname " * 20,
        gp_address="\n".join(["A long line of an address, with a town"] * 25)[:1000],
    )
    response = api(clinician).get(letter_url(patient))
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
