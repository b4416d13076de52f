"""The patient's record to print (issue 24): a PDF beside the FHIR file, theirs only."""

import io

import pytest
from pypdf import PdfReader

from recovery import services
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_patient_downloads_their_record_as_a_pdf(app_client, patient, other_patient):
    ProcedureFactory(patient=patient)
    services.checkin_record(
        patient=patient, data={"pain_score": 4, "temperature_c": 37.9, "notes": "Walked far"}
    )
    services.checkin_record(patient=other_patient, data={"pain_score": 9, "notes": "Secret"})
    response = app_client(patient.user).get("/app/record.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response)
    assert "Bob Stone" in text and "4/10" in text and "37.9" in text and "Walked far" in text
    assert "Dave" not in text and "Secret" not in text and "9/10" not in text


def test_the_record_is_in_the_patients_language(app_client, patient):
    patient.language = "es"
    patient.save()
    text = pdf_text(app_client(patient.user).get("/app/record.pdf"))
    assert "Mi historial de recuperación" in text


def test_signed_out_or_caregiver_gets_no_record(app_client, patient, caregiver):
    assert app_client(None).get("/app/record.pdf").status_code == 302
    assert app_client(caregiver).get("/app/record.pdf").status_code == 403
