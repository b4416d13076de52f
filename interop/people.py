"""The patient and their caregivers as FHIR Patient and RelatedPerson."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.relatedperson import RelatedPerson

from recovery.models import Patient

from .elements import ref


def patient_resource(patient: Patient) -> FhirPatient:
    # Patient has no change timestamp in our model, so no meta.lastUpdated (see views._since).
    return FhirPatient(
        id=str(patient.pk),
        active=True,
        name=[HumanName(use="official", family=patient.last_name, given=[patient.first_name])],
        birthDate=patient.date_of_birth,
        telecom=[ContactPoint(system="email", value=patient.user.email, use="home")],
        managingOrganization=Reference(display=patient.team.name),
        # A discharge for "deceased" (recovery/lifecycle.py); otherwise unknown, so absent.
        deceasedBoolean=True if patient.discharge_reason == "deceased" else None,
    )


def related_person_resource(link: Any) -> RelatedPerson:
    """A caregiver (caregivers.CareLink) as the patient's RelatedPerson."""
    return RelatedPerson(
        id=str(link.pk),
        active=link.status == "active",
        patient=ref("Patient", link.patient_id),
        relationship=[CodeableConcept(text=link.relationship)] if link.relationship else None,
        name=[HumanName(text=link.name)],
        telecom=[ContactPoint(system="email", value=link.email, use="home")],
    )
