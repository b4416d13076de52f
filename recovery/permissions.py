from rest_framework.permissions import BasePermission

from accounts.mfa import mfa_setup_required
from lib.exceptions import MfaSetupRequired


def clinician_mfa_check(user) -> None:
    """Every endpoint that shows patient data to a clinician goes through IsClinician or
    IsPatientOrClinician: with CLINICIAN_MFA=required, no second factor, no patient data."""
    if user.is_clinician and mfa_setup_required(user):
        raise MfaSetupRequired()


class IsClinician(BasePermission):
    message = "Only clinicians may use this endpoint."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_clinician):
            return False
        clinician_mfa_check(user)
        return True


class IsPatient(BasePermission):
    message = "Only patients may use this endpoint."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_patient)


class IsPatientOrClinician(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and (user.is_patient or user.is_clinician)):
            return False
        clinician_mfa_check(user)
        return True


class ClinicianWrites(BasePermission):
    """Both roles read; only clinicians change."""

    message = "Only clinicians may change this."

    def has_permission(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return bool(request.user.is_authenticated and request.user.is_clinician)


class IsPatientOrCaregiver(BasePermission):
    """The patient's own routes that a caregiver may use on the patient's behalf."""

    message = "Only patients and their caregivers may use this endpoint."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.is_patient or user.is_caregiver))
