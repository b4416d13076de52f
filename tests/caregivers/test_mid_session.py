"""A caregiver revoked mid-session: the next request, in the patient app or the API, shows
none of the patient's data. Nothing ends the caregiver's session (they may help others): the
scoped selectors ask the care links on every request (caregivers/services.carelink_revoke)."""

import pytest
from django.test import Client

from tests.factories import CheckInFactory

APP_PAGES = ["/app/", "/app/history/", "/app/plan/", "/app/checkin/", "/app/settings/"]


@pytest.fixture
def checked_in(patient):
    return CheckInFactory(patient=patient, pain_score=7)


@pytest.mark.parametrize("by", ["patient", "clinician"])
def test_a_revoked_caregiver_sees_nothing_of_the_patient_on_the_next_request(
    api, caregiver, link, patient, clinician, checked_in, by
):
    session = Client()
    session.force_login(caregiver)
    seen = session.get("/api/v1/checkins/").json()["results"]
    assert [row["id"] for row in seen] == [str(checked_in.pk)]

    if by == "patient":
        response = api(patient.user).delete(f"/api/v1/me/caregivers/{link.pk}/")
    else:
        response = api(clinician).delete(f"/api/v1/patients/{patient.pk}/caregivers/{link.pk}/")
    assert response.status_code == 204

    assert session.get("/api/v1/checkins/").json()["results"] == []
    assert session.get("/api/v1/plan/", {"patient": patient.pk}).status_code == 404
    assert session.get("/api/v1/me/").json()["patients"] == []
    for path in APP_PAGES:
        response = session.get(path, follow=True)
        body = response.content.decode()
        assert response.status_code in (200, 403, 404), path
        assert "Stone" not in body and "Bob" not in body, path
        assert str(checked_in.pk) not in body, path
    assert session.get("/app/api/checkins/").status_code in (302, 400, 401, 403, 404, 405)
