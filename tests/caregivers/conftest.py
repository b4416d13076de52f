import pytest

from tests.factories import CaregiverFactory, CareLinkFactory


@pytest.fixture
def caregiver(patient):
    """Ann Hill, the patient's daughter, with an accepted invitation."""
    user = CaregiverFactory(email="ann@care.test", first_name="Ann", last_name="Hill")
    CareLinkFactory(patient=patient, caregiver=user)
    return user


@pytest.fixture
def link(caregiver, patient):
    return patient.care_links.get(caregiver=caregiver)


@pytest.fixture
def other_caregiver(other_patient):
    user = CaregiverFactory(email="carl@care.test", first_name="Carl", last_name="Far")
    CareLinkFactory(patient=other_patient, caregiver=user, name="Carl Far", relationship="son")
    return user
