"""A clinician taken off the team mid-session: the next request shows none of the team's
patients, whether their session was ended (recovery.teams.team_member_remove) or not (a
membership deleted in the admin). The scoped selectors decide on every request."""

import pytest

from recovery.models import TeamMembership
from tests.dashboard.conftest import make_alert
from tests.factories import CheckInFactory, ClinicianFactory


@pytest.fixture
def watched(patient):
    CheckInFactory(patient=patient, pain_score=7)
    return make_alert(patient, rule="fever", severity="urgent")


def pages(patient) -> list[str]:
    return [
        "/dashboard/",
        "/dashboard/?status=all",
        "/dashboard/alerts/",
        f"/dashboard/patients/{patient.pk}/",
    ]


def test_a_membership_deleted_mid_session_hides_every_patient_on_the_next_request(
    browser_client, clinician, team, patient, watched
):
    session = browser_client(clinician)
    assert "Stone" in session.get("/dashboard/").content.decode()
    assert session.get(f"/dashboard/patients/{patient.pk}/").status_code == 200
    assert f'data-alert="{watched.pk}"' in session.get("/dashboard/alerts/").content.decode()

    # As the admin's membership inline does: the row goes, the session stays.
    TeamMembership.objects.filter(careteam=team, user=clinician).delete()

    assert session.get(f"/dashboard/patients/{patient.pk}/").status_code == 404
    for path in pages(patient)[:3]:
        response = session.get(path)
        body = response.content.decode()
        assert response.status_code in (200, 302), path
        assert "Stone" not in body and f'data-alert="{watched.pk}"' not in body, path
    for path in (
        f"/dashboard/alerts/{watched.pk}/acknowledge/",
        f"/dashboard/patients/{patient.pk}/discharge/",
    ):
        assert session.post(path, {"reason": "recovered"}).status_code == 404, path
    watched.refresh_from_db()
    assert watched.status == "open"


def test_a_clinician_removed_by_the_team_admin_sees_nothing_on_the_next_request(
    browser_client, clinician, team, patient, watched
):
    TeamMembership.objects.filter(careteam=team, user=clinician).update(is_admin=True)
    colleague = ClinicianFactory(email="carol@clinic.test", teams=[team])
    session = browser_client(colleague)
    assert session.get(f"/dashboard/patients/{patient.pk}/").status_code == 200

    browser_client(clinician).post(f"/dashboard/team/{team.pk}/members/{colleague.pk}/remove/")

    for path in pages(patient):
        response = session.get(path)
        assert response.status_code == 302 and "/dashboard/login/" in response["Location"], path
