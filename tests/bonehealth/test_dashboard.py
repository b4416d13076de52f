"""The nurse's page (/dashboard/bone-health/) and the patient page's bone-health section."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from bonehealth.models import BoneHealthChange, BoneHealthRecord
from tests.factories import PatientFactory, ProcedureFactory

from .conftest import TODAY


def days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def test_the_team_page_shows_worklist_indicators_chart_and_csv(
    browser_client, clinician, on_pathway, other_team
):
    late = on_pathway(130)
    met = on_pathway(200)
    BoneHealthRecord.objects.create(patient=met, assessed_on=days(150))
    ProcedureFactory(patient=PatientFactory(team=other_team, last_name="Elsewhere"))
    response = browser_client(clinician).get(
        "/dashboard/bone-health/", {"from": "2025-01-01", "to": "2026-07-01"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{late.last_name}, {late.first_name}" in html
    assert f'href="/dashboard/patients/{late.pk}/#bone-assessment"' in html
    assert "Elsewhere" not in html
    assert '<svg class="chart bone-chart" id="indicator-chart"' in html
    assert "Assessed within 90 days" in html
    assert "50.0 % (1/2), 50–80 %" in html  # assessed_90d: one of two, as text in the chart
    assert 'id="bone-csv" href="/api/v1/bone-health/indicators/?from=2025-01-01' in html
    assert "format=csv" in html
    assert 'aria-current="page">Bone health' in html


def test_the_csv_link_works_with_the_dashboard_session(browser_client, clinician, on_pathway):
    on_pathway(200)
    response = browser_client(clinician).get(
        "/api/v1/bone-health/indicators/",
        {"from": "2025-01-01", "to": "2026-07-01", "format": "csv"},
    )
    assert response.status_code == 200
    assert response.content.decode().startswith("indicator,numerator,denominator,percent,band")


def test_a_bad_period_falls_back_to_the_last_year_and_says_so(browser_client, clinician):
    response = browser_client(clinician).get("/dashboard/bone-health/", {"from": "soon"})
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_the_patient_page_shows_milestones_record_history_and_letter_button(
    browser_client, clinician, on_pathway, api
):
    patient = on_pathway(100)
    api(clinician).patch(
        f"/api/v1/patients/{patient.pk}/bone-health/",
        {"assessed_on": days(20).isoformat(), "risk": "high"},
        format="json",
    )
    html = browser_client(clinician).get(f"/dashboard/patients/{patient.pk}/").content.decode()
    assert 'id="bone-health"' in html
    assert '<tr id="bone-assessment" data-status="done">' in html
    assert '<tr id="bone-dxa" data-status="overdue">' in html
    assert 'id="bone-history"' in html and "assessed on" in html
    assert 'id="bone-letter-button"' in html


def test_the_form_saves_through_the_same_checks_as_the_api(browser_client, clinician, on_pathway):
    patient = on_pathway(100)
    client = browser_client(clinician)
    url = f"/dashboard/patients/{patient.pk}/bone-health/"
    response = client.post(
        url,
        {"dxa_done_on": days(5).isoformat(), "dxa_lowest_t_score": "-2.7", "on_treatment_52w": ""},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/dashboard/patients/{patient.pk}/#bone-health")
    record = BoneHealthRecord.objects.get()
    assert (record.dxa_done_on, record.dxa_lowest_t_score) == (days(5), -2.7)
    assert BoneHealthChange.objects.count() == 2  # on_treatment_52w stayed empty

    # Issue 24: a refused save is the page again (400), every error beside its field, what
    # was typed kept; it was a redirect that lost both.
    response = client.post(
        url,
        {"dxa_lowest_t_score": "-9", "falls_assessed_on": "2020-01-01", "gp_name": "Dr Wu"},
    )
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.dxa_lowest_t_score == -2.7 and record.falls_assessed_on is None
    assert record.gp_name == ""
    page = response.content.decode()
    assert 'id="bh-dxa_lowest_t_score-error"' in page
    assert 'aria-describedby="bh-dxa_lowest_t_score-error"' in page
    assert 'value="-9"' in page and 'value="2020-01-01"' in page and 'value="Dr Wu"' in page


def test_the_letter_button_downloads_the_pdf_and_marks_it_sent(
    browser_client, clinician, on_pathway
):
    patient = on_pathway(100)
    response = browser_client(clinician).post(
        f"/dashboard/patients/{patient.pk}/bone-health/letter/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert patient.last_name in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert BoneHealthRecord.objects.get().gp_letter_sent_on == TODAY
    change = BoneHealthChange.objects.get()
    assert (change.field, change.new, change.actor) == (
        "gp_letter_sent_on",
        "2026-06-01",
        clinician,
    )


def test_the_bone_health_pages_keep_to_the_callers_scope(
    browser_client, clinician, other_clinician, on_pathway
):
    patient = on_pathway(100)
    other = browser_client(other_clinician)
    assert (
        other.post(f"/dashboard/patients/{patient.pk}/bone-health/", {"gp_name": "x"}).status_code
        == 404
    )
    assert other.post(f"/dashboard/patients/{patient.pk}/bone-health/letter/").status_code == 404
    assert not BoneHealthRecord.objects.exists()
    assert f"{patient.last_name}" not in other.get("/dashboard/bone-health/").content.decode()
    assert browser_client(patient.user).get("/dashboard/bone-health/").status_code == 403
    assert browser_client(None).get("/dashboard/bone-health/").status_code == 302


@pytest.mark.parametrize("n", [1, 20])
def test_the_team_page_queries_do_not_grow(
    browser_client, clinician, team, on_pathway, django_assert_num_queries, n
):
    for i in range(n):
        patient = on_pathway(200 + i)  # six milestones overdue, the assessment done
        BoneHealthRecord.objects.create(patient=patient, assessed_on=days(150))
        PatientFactory(team=team)  # no procedure: in no indicator, on no worklist
    client = browser_client(clinician)
    client.get("/dashboard/bone-health/")  # the session's first use
    # 1 session, 2 user, 3 the caller's teams for the picker, 4 their windows, 5 the indicators'
    # counts, 6 every overdue row (SQL), 7 the audit INSERT, 8-10 the pipeline-health banner
    # (heartbeats, oldest queued message, failed counts).
    with django_assert_num_queries(10):
        response = client.get("/dashboard/bone-health/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/dashboard/patients/') >= 6 * n
