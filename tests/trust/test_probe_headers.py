"""The probe's finding about security headers (issue 15, finding 7): CSP, Permissions-Policy,
no-store on health data, cacheable static files, no inline script or style."""

import re

from django.test import Client

from .probe import ROOT

# --- 7. Security headers: CSP, Permissions-Policy, no-store on health data ------------------


def test_pages_and_api_answers_carry_csp_permissions_policy_and_no_store(api, patient, clinician):
    browser = Client()
    browser.force_login(clinician)
    for response in (
        browser.get("/dashboard/"),
        browser.get("/dashboard/login/"),
        api(patient.user).get("/api/v1/checkins/"),
        api(clinician).get(f"/fhir/Patient/{patient.pk}/$everything"),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "camera=()" in response["Permissions-Policy"]
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy


def test_static_files_stay_cacheable(client, db):
    response = client.get("/static/dashboard/dashboard.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_dashboard_templates_have_no_inline_script_or_style():
    for template in (ROOT / "dashboard" / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "<style" not in text and " style=" not in text, template


def test_the_api_docs_load_their_script_from_a_file(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    [script] = re.findall(r'<script src="(/api/docs/[^"]+)"', html)
    assert client.get(script.replace("&amp;", "&")).status_code == 200
    assert "'unsafe-inline'" in page["Content-Security-Policy"]  # its own style block only
