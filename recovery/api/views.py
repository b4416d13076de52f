"""Thin views: a serializer validates, a service decides, a serializer renders."""

from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from accounts.errors import email_taken_is_a_field_error, weak_password_is_a_field_error
from accounts.models import User
from accounts.tokens import RefreshToken, user_id_of
from lib.throttling import PostThrottle, ScopedThrottle
from recovery import lifecycle, selectors, services
from recovery.models import CheckIn, Procedure
from recovery.permissions import (
    ClinicianWrites,
    IsClinician,
    IsPatientOrCaregiver,
    IsPatientOrClinician,
)

from . import serializers as s
from . import sms_views
from .filters import AlertFilter
from .sms_serializers import MeSmsSerializer

# --- Accounts ------------------------------------------------------------------------------


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user = request.user
        body = {
            "id": user.pk,
            "email": user.email,
            "role": user.role,
            "first_name": user.first_name,
            "last_name": user.last_name,
        }
        if user.is_patient:
            patient = user.patient
            team = patient.team
            body["patient_id"] = patient.pk
            body["language"] = patient.language
            body["care_team"] = {
                "name": team.name,
                "phone": team.phone,
                "emergency_number": team.emergency_number,
            }
            body["ask_bone_medicine"] = selectors.ask_bone_medicine(patient)
            body.update(sms_views.me_sms_fields(patient))
        if user.is_clinician:
            body["teams"] = list(selectors.teams_for(user).values("id", "name"))
        if user.is_caregiver:
            body.update(caregiver_me(user))
        return Response(body)

    @extend_schema(request=MeSmsSerializer, responses=s.MeSerializer)
    def patch(self, request):
        sms_views.me_sms_update(request)
        return self.get(request)


def caregiver_me(user) -> dict:
    """A caregiver's patients, each with their care team (whom to call about that patient);
    and `care_team` at the top, as a patient's, when all their patients share one team (the
    usual case: one patient). Patients of different teams: only each entry's, never a guess.
    One query, however many patients."""
    rows = (
        selectors.patients_for(user)
        .order_by("last_name", "first_name", "id")
        .values(
            "id",
            "first_name",
            "last_name",
            "team_id",
            "team__name",
            "team__phone",
            "team__emergency_number",
        )
    )
    patients, teams = [], {}
    for row in rows:
        team = {
            "name": row["team__name"],
            "phone": row["team__phone"],
            "emergency_number": row["team__emergency_number"],
        }
        teams[row["team_id"]] = team
        patients.append(
            {
                "id": row["id"],
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "care_team": team,
            }
        )
    body: dict = {"patients": patients}
    if len(teams) == 1:
        body["care_team"] = next(iter(teams.values()))
    return body


def token_pair(user) -> dict:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class ActivateView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "activate"

    @extend_schema(request=s.ActivateSerializer, responses=s.TokenPairSerializer)
    def post(self, request):
        data = s.ActivateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with weak_password_is_a_field_error():
                user = services.enrollment_activate(**data.validated_data)
        except services.InvalidEnrollmentCode as exc:
            raise ValidationError({"code": [exc.detail]}) from None
        return Response(token_pair(user))


class LogoutView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=s.LogoutSerializer, responses={204: None})
    def post(self, request):
        data = s.LogoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = RefreshToken(data.validated_data["refresh"])
            user_id_of(token)  # simplejwt looks the user up: a malformed id was a 500
            token.blacklist()
        except (TokenError, User.DoesNotExist):
            raise ValidationError({"refresh": ["Token is invalid or expired."]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Patients ------------------------------------------------------------------------------

ORDERINGS = selectors.PATIENT_ORDERINGS
STATUSES = selectors.PATIENT_STATUS_FILTERS


def patient_rows(request):
    """The caller's patients, searched and ordered as the list and the dashboard ask."""
    ordering = request.query_params.get("ordering", "risk")
    if ordering not in ORDERINGS:
        raise ValidationError({"ordering": [f"Choose one of: {', '.join(ORDERINGS)}."]})
    status = request.query_params.get("status", "active")
    if status not in STATUSES:
        raise ValidationError({"status": [f"Choose one of: {', '.join(STATUSES)}."]})
    return selectors.patient_rows_for(
        request.user,
        search=request.query_params.get("search", "").strip(),
        ordering=ordering,
        status=status,
    )


def scoped_patient(request, pk) -> "services.Patient":
    return get_object_or_404(selectors.patients_for(request.user), pk=pk)


def patient_id_param(raw) -> int | None:
    """A patient id from a query string: digits only (and within a bigint), else a 400."""
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise ValidationError({"patient": ["A valid integer is required."]})
    return int(raw)


def acting_for(request, raw, *, not_found: bool = False):
    """The patient a patient or a caregiver acts for: the patient themselves, or the one a
    caregiver names (required when they help more than one). `raw` is the id given, or None.

    A named patient outside the caller's care is a 400 field error on `patient` (an id in a
    body), or with `not_found` a 404 (GET /plan/?patient=, API.md "Caregivers")."""
    user = request.user

    def missing(detail):
        return NotFound() if not_found else ValidationError(detail)

    if user.is_patient:
        if raw is not None and raw != user.patient.pk:
            raise missing({"patient": ["No such patient."]})
        return user.patient
    patients = selectors.patients_for(user).select_related("team", "user")
    if raw is None:
        mine = list(patients[:2])
        if len(mine) == 1:
            return mine[0]
        if not mine:
            raise missing({"patient": ["No such patient."]})
        raise ValidationError({"patient": ["Required when you help more than one patient."]})
    patient = patients.filter(pk=raw).first()
    if patient is None:
        raise missing({"patient": ["No such patient."]})
    return patient


class PatientListCreateView(generics.ListCreateAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.PatientSerializer

    def get_queryset(self):
        return patient_rows(self.request)

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("ordering", str, enum=list(ORDERINGS)),
            OpenApiParameter(
                "status",
                str,
                enum=list(STATUSES),
                description="active (the default), discharged or all",
            ),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.PatientInputSerializer, responses={201: s.PatientCreatedSerializer})
    def post(self, request):
        data = s.PatientInputSerializer(
            data=request.data, context={"teams": selectors.teams_for(request.user)}
        )
        data.is_valid(raise_exception=True)
        with email_taken_is_a_field_error(data.validated_data["email"]):
            patient, code = services.patient_enroll(
                team=data.validated_data.pop("team"), data=data.validated_data
            )
        row = selectors.patient_list_for(request.user).get(pk=patient.pk)
        row.enrollment_code = code
        return Response(s.PatientCreatedSerializer(row).data, status=status.HTTP_201_CREATED)


class PatientDetailView(generics.RetrieveAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.PatientSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.patient_list_for(self.request.user)

    @extend_schema(request=s.PatientPatchSerializer, responses=s.PatientSerializer)
    def patch(self, request, pk):
        patient = scoped_patient(request, pk)
        data = s.PatientPatchSerializer(
            patient,
            data=request.data,
            partial=True,
            context={"teams": selectors.teams_for(request.user)},
        )
        data.is_valid(raise_exception=True)
        with email_taken_is_a_field_error(data.validated_data.get("email")):
            services.patient_update(patient=patient, data=data.validated_data)
        return Response(s.PatientSerializer(self.get_queryset().get(pk=pk)).data)


class EnrollmentCodeView(APIView):
    permission_classes = [IsClinician]

    @extend_schema(request=None, responses={201: s.PatientCreatedSerializer})
    def post(self, request, pk):
        patient = scoped_patient(request, pk)
        code = services.enrollment_code_issue(patient=patient)
        row = selectors.patient_list_for(request.user).get(pk=patient.pk)
        row.enrollment_code = code
        return Response(s.PatientCreatedSerializer(row).data, status=status.HTTP_201_CREATED)


class PatientDischargeView(APIView):
    """POST /api/v1/patients/{id}/discharge/: the end of follow-up (recovery/lifecycle.py)."""

    permission_classes = [IsClinician]

    @extend_schema(
        request=s.PatientDischargeSerializer,
        responses={200: s.PatientSerializer, 409: OpenApiResponse(description="Already.")},
    )
    def post(self, request, pk):
        patient = scoped_patient(request, pk)
        data = s.PatientDischargeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.patient_discharge(patient=patient, by=request.user, **data.validated_data)
        row = selectors.patient_list_for(request.user).get(pk=patient.pk)
        return Response(s.PatientSerializer(row).data)


# --- Procedures ----------------------------------------------------------------------------


class PatientProceduresView(generics.ListCreateAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.ProcedureSerializer
    queryset = Procedure.objects.none()  # names the model for the schema; never served

    def get_queryset(self):
        patient = scoped_patient(self.request, self.kwargs["pk"])
        return patient.procedures.order_by("-performed_on", "-id")

    @extend_schema(request=s.ProcedureInputSerializer, responses={201: s.ProcedureSerializer})
    def post(self, request, pk):
        patient = scoped_patient(request, pk)
        data = s.ProcedureInputSerializer(data=request.data, context={"patient": patient})
        data.is_valid(raise_exception=True)
        procedure = services.procedure_record(patient=patient, data=data.validated_data)
        return Response(s.ProcedureSerializer(procedure).data, status=status.HTTP_201_CREATED)


class ProcedureListView(generics.ListAPIView):
    permission_classes = [IsPatientOrClinician]
    serializer_class = s.ProcedureSerializer

    def get_queryset(self):
        return selectors.procedures_for(self.request.user).order_by("-performed_on", "-id")


class ProcedureDetailView(generics.RetrieveAPIView):
    permission_classes = [IsPatientOrClinician, ClinicianWrites]
    serializer_class = s.ProcedureSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.procedures_for(self.request.user)

    @extend_schema(request=s.ProcedurePatchSerializer, responses=s.ProcedureSerializer)
    def patch(self, request, pk):
        procedure = self.get_object()
        data = s.ProcedurePatchSerializer(
            procedure, data=request.data, partial=True, context={"patient": procedure.patient}
        )
        data.is_valid(raise_exception=True)
        procedure = services.procedure_update(procedure=procedure, data=data.validated_data)
        return Response(s.ProcedureSerializer(procedure).data)


# --- Check-ins -----------------------------------------------------------------------------


class CheckinListCreateView(generics.ListAPIView):
    permission_classes = [IsPatientOrCaregiver]
    throttle_classes = [PostThrottle]
    throttle_scope = "checkin"
    serializer_class = s.CheckInSerializer

    def get_queryset(self):
        checkins = selectors.checkins_for(self.request.user).select_related("entered_by")
        patient_id = patient_id_param(self.request.query_params.get("patient"))
        if patient_id is not None:
            # Outside the caller's care: an empty list (API.md), as the scope already says.
            checkins = checkins.filter(patient_id=patient_id)
        return checkins.order_by("-recorded_at")

    @extend_schema(parameters=[OpenApiParameter("patient", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.CheckInInputSerializer,
        responses={
            201: s.CheckInResultSerializer,
            200: OpenApiResponse(s.CheckInResultSerializer, "A replay: the same id and body."),
            409: OpenApiResponse(description="The same id with a different body."),
        },
    )
    def post(self, request):
        target = s.CheckInPatientSerializer(data=request.data)
        target.is_valid(raise_exception=True)
        patient = acting_for(request, target.validated_data.get("patient"))
        data = s.CheckInInputSerializer(data=request.data, context={"patient": patient})
        data.is_valid(raise_exception=True)
        result = services.checkin_record(
            patient=patient, data=data.validated_data, entered_by=request.user
        )
        with translation.override(patient.language):
            body = s.CheckInResultSerializer(
                result.checkin, context={"alerts": result.alerts, "guidance": result.guidance}
            ).data
        return Response(body, status=status.HTTP_200_OK if result.replayed else 201)


class PatientCheckinsView(generics.ListAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.CheckInSerializer
    queryset = CheckIn.objects.none()  # names the model for the schema; never served

    def get_queryset(self):
        patient = scoped_patient(self.request, self.kwargs["pk"])
        return patient.checkins.select_related("entered_by").order_by("-recorded_at")


# --- Alerts --------------------------------------------------------------------------------


class AlertListView(generics.ListAPIView):
    """The alerts of the clinician's teams, newest first (API.md "Alerts")."""

    permission_classes = [IsClinician]
    serializer_class = s.AlertSerializer
    filterset_class = AlertFilter

    def get_queryset(self):
        return selectors.alerts_for(self.request.user).order_by("-created_at", "-id")


class AlertDetailView(generics.RetrieveAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.AlertSerializer

    def get_queryset(self):
        return selectors.alerts_for(self.request.user)


class AlertAcknowledgeView(generics.GenericAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.AlertSerializer

    def get_queryset(self):
        return selectors.alerts_for(self.request.user)

    @extend_schema(request=None, responses={200: s.AlertSerializer, 409: None})
    def post(self, request, pk):
        alert = services.alert_acknowledge(alert=self.get_object(), by=request.user)
        return Response(s.AlertSerializer(alert).data)


class AlertResolveView(generics.GenericAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.AlertSerializer

    def get_queryset(self):
        return selectors.alerts_for(self.request.user)

    @extend_schema(request=s.AlertResolveSerializer, responses={200: s.AlertSerializer, 409: None})
    def post(self, request, pk):
        alert = self.get_object()
        data = s.AlertResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_resolve(alert=alert, by=request.user, **data.validated_data)
        return Response(s.AlertSerializer(alert).data)
