import pytest

from tests.factories import PatientFactory

pytestmark = pytest.mark.e2e


def test_enrollment_email_reaches_the_smtp_server_through_a_real_worker(
    celery_worker, smtp_server, clinician, team, api
):
    response = api(clinician).post(
        "/api/v1/patients/",
        {
            "email": "new@patient.test",
            "first_name": "Nora",
            "last_name": "New",
            "date_of_birth": "1948-02-03",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    code = response.json()["enrollment_code"]
    [message] = smtp_server.inbox.wait_for(1)
    assert message["To"] == "new@patient.test"
    assert code in message.get_body(("plain",)).get_content()
    assert PatientFactory._meta.model.objects.count() == 1
