"""A bounded schemathesis run over /api/schema/, as a patient, a clinician and a caregiver: no
input, valid or malformed, gets a 5xx, and no documented answer breaks the schema.

Deterministic (derandomized Hypothesis, no example database) and bounded: at most
EXAMPLES cases per operation, role, generation mode and id source, a few hundred in all.
"""

import re

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from recovery.services import checkin_record
from tests.factories import ProcedureFactory

EXAMPLES = 4
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def in_process_app(settings):
    """The WSGI app on the test database. Django closes "old" connections at the end of each
    request, which would drop the test's transaction: the test client switches that off the
    same way."""
    settings.THROTTLE_RATES = {scope: "100000/min" for scope in settings.THROTTLE_RATES}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def cast(patient, clinician, caregiver, link):
    procedure = ProcedureFactory(patient=patient)
    checkin_record(patient=patient, data={"pain_score": 9, "temperature_c": 38.9})
    return {
        "patient": (
            patient.user,
            {"/api/v1/procedures/{id}/": procedure.pk, "/api/v1/me/caregivers/{id}/": link.pk},
        ),
        # The patient's caregiver: the check-ins and the plan on the patient's behalf.
        "caregiver": (caregiver, {}),
        "clinician": (
            clinician,
            {
                "/api/v1/procedures/{id}/": procedure.pk,
                "/api/v1/patients/{id}/": patient.pk,  # and the nested routes below it
                "/fhir/Patient/": patient.pk,
            },
        ),
    }


def real_id(path: str, ids: dict) -> int | None:
    """The id of a real, in-scope object for this path, so the fuzzer gets past the 404s."""
    for prefix, pk in ids.items():
        if path.startswith(prefix):
            return pk
    return None


@pytest.mark.parametrize("role", ["patient", "clinician", "caregiver"])
def test_fuzzing_the_schema_finds_no_5xx_and_no_schema_breaks(in_process_app, cast, role):
    user, ids = cast[role]
    headers = {"Authorization": f"Bearer {AccessToken.for_user(user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", in_process_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    calls = []
    for operation in operations:
        pk = real_id(operation.path, ids)
        names = re.findall(r"\{(\w+)\}", operation.path)
        sources = [None, {names[0]: pk}] if pk is not None and len(names) == 1 else [None]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in sources:
                strategy = operation.as_strategy(
                    generation_mode=mode, path_parameters=path_parameters
                )

                @settings(
                    max_examples=EXAMPLES,
                    derandomize=True,
                    database=None,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                    print_blob=False,
                )
                @given(case=strategy)
                def run(case):
                    response = case.call_and_validate(headers=headers, checks=CHECKS)
                    calls.append((case.operation.label, response.status_code))

                try:
                    run()
                except Unsatisfiable:
                    # Some operations admit no malformed request at all (e.g. a path whose
                    # only parameter is any string): nothing negative to send, nothing missed.
                    if mode is not GenerationMode.NEGATIVE:
                        raise

    # The run reached past authentication and the 404s: real answers were checked.
    assert len(calls) >= 100
    assert sum(1 for _, status in calls if status in (200, 201)) >= 10, calls
