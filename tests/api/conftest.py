import pytest

from tests.factories import CheckInFactory, ProcedureFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every test here creates several accounts; PBKDF2's deliberate slowness is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(api, patient, other_patient, clinician, other_clinician, procedure):
    """An API client per actor of the scope matrix (tests/api/scope_matrix.py), with a check-in
    and a procedure on each side."""
    CheckInFactory(patient=patient)
    ProcedureFactory(patient=other_patient)
    CheckInFactory(patient=other_patient)
    users = {
        "anonymous": None,
        "patient": patient.user,
        "other_patient": other_patient.user,
        "clinician": clinician,
        "other_clinician": other_clinician,
    }
    return {name: api(user) for name, user in users.items()}
