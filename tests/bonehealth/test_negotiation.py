"""Issue 23 (a browser run): the GP letter answered 406 to `Accept: application/pdf`, and the
indicators' `?format=csv` 406 to `Accept: application/json`. The format named in the query,
or the resource's own type, wins over content negotiation."""

import datetime as dt

import pytest

from .conftest import TODAY

ACCEPTS = [None, "application/json", "*/*", "application/pdf", "text/csv", "text/html"]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_the_letter_is_a_pdf_whatever_the_accept(api, clinician, on_pathway, accept):
    patient = on_pathway(60, fracture_date=TODAY - dt.timedelta(days=70))
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api(clinician).get(f"/api/v1/patients/{patient.pk}/bone-health/letter/", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("accept", ACCEPTS)
def test_format_csv_wins_over_the_accept(api, clinician, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api(clinician).get(
        "/api/v1/bone-health/indicators/",
        {"from": "2025-01-01", "to": "2026-07-01", "format": "csv"},
        **headers,
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("accept", ["text/csv", "application/pdf", "text/html"])
def test_a_json_resource_answers_json_whatever_the_accept(api, clinician, patient, accept):
    for path in ("/api/v1/patients/", "/api/v1/me/", f"/api/v1/patients/{patient.pk}/"):
        response = api(clinician).get(path, HTTP_ACCEPT=accept)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/json"


def test_an_error_still_reads_as_json(api, clinician):
    response = api(clinician).get("/api/v1/patients/999999/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response.json()["detail"]
