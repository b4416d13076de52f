"""Dashboard pages for the clinician tasks the API offers: enrol a patient (with the code's
printable handout), record and edit a procedure, issue a new enrollment code, discharge,
invite a caregiver.

Each page reads through the scoped selectors (another team's patient is a 404), validates
with the API's own serializers (dashboard/patient_forms.py), writes through the same
services as the API, and records the change in the audit trail.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import ValidationError as ApiValidationError

from accounts.errors import email_taken_is_a_field_error
from audit.services import access_record
from caregivers import services as caregiver_services
from lib.throttling import PostThrottle
from recovery import lifecycle, services, sms_settings
from recovery import selectors as recovery_selectors

from . import handout
from .patient_forms import CaregiverInviteForm, DischargeForm, EnrolForm, ProcedureForm
from .views import clinician_required, page


def _patient(request, pk: int):
    return get_object_or_404(
        recovery_selectors.patients_for(request.user).select_related("team", "user"), pk=pk
    )


def _changed(request, patient, action: str) -> None:
    access_record(actor=request.user, patient_ids=[patient.pk], action=action, request=request)


def _handout(request, patient, code: str, *, status: int = 200):
    """The code, shown once: this answer is the only place it can be read again."""
    url = handout.activation_url(code)
    response = page(
        request,
        "dashboard/handout.html",
        {
            "patient": patient,
            "code": code,
            "activation_url": url,
            "qr": handout.qr_svg(url),
            "days": settings.ENROLLMENT_CODE_DAYS,
        },
        nav="patients",
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@clinician_required
def patient_enrol(request):
    teams = recovery_selectors.teams_for(request.user)
    form = EnrolForm(
        request.POST if request.method == "POST" else None, teams=teams, context={"teams": teams}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.validated_data)
        try:
            with email_taken_is_a_field_error(data["email"]), transaction.atomic():
                patient, code = services.patient_enroll(team=data.pop("team"), data=data)
                if sms := form.sms_settings():
                    sms_settings.patient_sms_update(patient=patient, data=sms)
        except ApiValidationError as exc:
            form.add_error("email", exc.detail["email"])
        else:
            _changed(request, patient, "dashboard-patient-enrol")
            return _handout(request, patient, code, status=201)
    status = 400 if request.method == "POST" else 200
    return page(request, "dashboard/enrol.html", {"form": form}, nav="patients", status=status)


@never_cache
@require_POST
@clinician_required
def enrollment_code_new(request, pk: int):
    patient = _patient(request, pk)
    try:
        code = services.enrollment_code_issue(patient=patient)
    except services.PatientDeceased as exc:
        messages.error(request, str(exc.detail))
        return redirect("dashboard:patient", patient.pk)
    _changed(request, patient, "dashboard-enrollment-code")
    return _handout(request, patient, code, status=201)


@require_http_methods(["GET", "POST"])
@clinician_required
def procedure_new(request, pk: int):
    return _procedure_form(request, _patient(request, pk), procedure=None)


@require_http_methods(["GET", "POST"])
@clinician_required
def procedure_edit(request, pk: int):
    procedure = get_object_or_404(recovery_selectors.procedures_for(request.user), pk=pk)
    return _procedure_form(request, procedure.patient, procedure=procedure)


def _procedure_form(request, patient, *, procedure):
    """Record (no procedure yet) or edit one: the same form and page; a valid POST goes
    through the API's services and back to the patient's page."""
    form = ProcedureForm(
        request.POST if request.method == "POST" else None,
        context={"patient": patient},
        instance=procedure,
    )
    if request.method == "POST" and form.is_valid():
        _procedure_save(request, patient, procedure, form.validated_data)
        return redirect("dashboard:patient", patient.pk)
    status = 400 if request.method == "POST" else 200
    return page(
        request,
        "dashboard/procedure_form.html",
        {"form": form, "patient": patient, "procedure": procedure},
        nav="patients",
        status=status,
    )


def _procedure_save(request, patient, procedure, data: dict) -> None:
    if procedure is None:
        services.procedure_record(patient=patient, data=data)
        _changed(request, patient, "dashboard-procedure-record")
        messages.success(request, "Procedure recorded; the reminder plan follows it.")
    elif data:
        services.procedure_update(procedure=procedure, data=data)
        _changed(request, patient, "dashboard-procedure-edit")
        messages.success(request, "Procedure saved.")
    else:
        messages.info(request, "Nothing changed.")


@require_http_methods(["GET", "POST"])
@clinician_required
def patient_discharge(request, pk: int):
    """GET: the confirmation page. POST: discharge (the patient page's <details> form posts
    here too; a bad value comes back to this page with the error beside the field)."""
    patient = _patient(request, pk)
    if patient.is_discharged and request.method == "GET":
        messages.info(request, "This patient is already discharged.")
        return redirect("dashboard:patient", patient.pk)
    form = DischargeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.patient_discharge(patient=patient, by=request.user, **form.cleaned_data)
        except lifecycle.AlreadyDischarged as exc:
            messages.error(request, exc.detail)
        else:
            _changed(request, patient, "dashboard-patient-discharge")
            messages.success(request, f"{patient.first_name} {patient.last_name} is discharged.")
        return redirect("dashboard:patient", patient.pk)
    status = 400 if request.method == "POST" else 200
    return page(
        request,
        "dashboard/discharge.html",
        {"form": form, "patient": patient},
        nav="patients",
        status=status,
    )


@require_http_methods(["GET", "POST"])
@clinician_required
def caregiver_invite(request, pk: int):
    """Invite the person who helps the patient, as POST /api/v1/patients/{id}/caregivers/
    does: the same service, the same answer whoever the address belongs to."""
    patient = _patient(request, pk)
    form = CaregiverInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (refused := _invitations_throttled(request)):
        return refused
    if request.method == "POST" and form.is_valid():
        try:
            caregiver_services.carelink_invite(
                patient=patient, invited_by=request.user, **form.cleaned_data
            )
        except services.PatientDeceased as exc:
            messages.error(request, str(exc.detail))
            return redirect("dashboard:patient", patient.pk)
        _changed(request, patient, "dashboard-caregiver-invite")
        messages.success(request, f"An invitation was emailed to {form.cleaned_data['email']}.")
        return redirect("dashboard:patient", patient.pk)
    return page(
        request,
        "dashboard/caregiver_invite.html",
        {"form": form, "patient": patient},
        nav="patients",
        status=400 if request.method == "POST" else 200,
    )


def _invitations_throttled(request):
    """The API's limit on caregiver invitations (THROTTLE_RATES["caregiver_invitation"]),
    counted per clinician, on the dashboard's form too: a 429 page, or None."""
    throttle = PostThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope="caregiver_invitation")):
        return None
    wait = max(int(throttle.wait() or 1), 1)
    response = page(
        request,
        "dashboard/throttled.html",
        {"wait": wait},
        nav="patients",
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response
