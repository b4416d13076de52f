"""The request id follows the work a request queues into the Celery worker's JSON logs."""

import json
import time

import pytest

pytestmark = pytest.mark.e2e


def test_worker_log_lines_carry_the_request_id_that_queued_the_task(
    celery_worker, smtp_server, clinician, team, api
):
    response = api(clinician).post(
        "/api/v1/patients/",
        {
            "email": "traced@patient.test",
            "first_name": "Tia",
            "last_name": "Trace",
            "date_of_birth": "1950-01-01",
        },
        format="json",
        HTTP_X_REQUEST_ID="trace-enrol-0001",
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "trace-enrol-0001"
    assert smtp_server.inbox.wait_for(1)

    deadline = time.monotonic() + 20
    traced = []
    while not traced and time.monotonic() < deadline:
        lines = celery_worker.log.read_text().splitlines()
        records = [json.loads(line) for line in lines if line.startswith("{")]
        traced = [r for r in records if r.get("request_id") == "trace-enrol-0001"]
        time.sleep(0.2)
    assert traced, celery_worker.log.read_text()[-3000:]
    assert any("messages_send_task" in r["message"] for r in traced)  # a batch task
    # Beat's own ticks belong to no request.
    assert all(r["request_id"] in ("-", "trace-enrol-0001") for r in records if "request_id" in r)
    assert "Tia" not in celery_worker.log.read_text()
    assert "traced@patient.test" not in celery_worker.log.read_text()
