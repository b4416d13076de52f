"""Thin views: a serializer validates, a service decides, a serializer renders."""

from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from recovery import selectors, services
from recovery.models import CheckIn, Procedure
from recovery.permissions import ClinicianWrites, IsClinician, IsPatient, IsPatientOrClinician
from tracker.throttling import PostThrottle, ScopedThrottle

from . import serializers as s

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
            body["patient_id"] = user.patient.pk
        if user.is_clinician:
            body["teams"] = list(selectors.teams_for(user).values("id", "name"))
        return Response(body)


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
            RefreshToken(data.validated_data["refresh"]).blacklist()
        except TokenError:
            raise ValidationError({"refresh": ["Token is invalid or expired."]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Patients ------------------------------------------------------------------------------

ORDERINGS = {
    "risk": [
        F("risk_rank").desc(),
        F("latest_pain_score").desc(nulls_last=True),
        "last_name",
        "id",
    ],
    "last_name": ["last_name", "first_name", "id"],
    "-last_checkin_at": [F("last_checkin_at").desc(nulls_last=True), "id"],
}


def patient_rows(request):
    """The caller's patients, searched and ordered as the list and the dashboard ask."""
    queryset = selectors.patient_list_for(request.user)
    search = request.query_params.get("search", "").strip()
    if search:
        for word in search.split()[:5]:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(user__email__icontains=word)
            )
    ordering = request.query_params.get("ordering", "risk")
    if ordering not in ORDERINGS:
        raise ValidationError({"ordering": [f"Choose one of: {', '.join(ORDERINGS)}."]})
    return queryset.order_by(*ORDERINGS[ordering])


def scoped_patient(request, pk) -> "services.Patient":
    return get_object_or_404(selectors.patients_for(request.user), pk=pk)


class PatientListCreateView(generics.ListCreateAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.PatientSerializer

    def get_queryset(self):
        return patient_rows(self.request)

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("ordering", str, enum=list(ORDERINGS)),
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


# --- Procedures ----------------------------------------------------------------------------


class PatientProceduresView(generics.ListCreateAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.ProcedureSerializer
    queryset = Procedure.objects.none()  # tells the schema the model; get_queryset scopes

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
    permission_classes = [IsPatient]
    throttle_classes = [PostThrottle]
    throttle_scope = "checkin"
    serializer_class = s.CheckInSerializer

    def get_queryset(self):
        return selectors.checkins_for(self.request.user).order_by("-recorded_at")

    @extend_schema(
        request=s.CheckInInputSerializer,
        responses={201: s.CheckInResultSerializer, 200: s.CheckInResultSerializer},
    )
    def post(self, request):
        patient = request.user.patient
        data = s.CheckInInputSerializer(data=request.data, context={"patient": patient})
        data.is_valid(raise_exception=True)
        result = services.checkin_record(patient=patient, data=data.validated_data)
        body = s.CheckInResultSerializer(
            result.checkin, context={"alerts": result.alerts, "guidance": result.guidance}
        ).data
        return Response(body, status=status.HTTP_200_OK if result.replayed else 201)


class PatientCheckinsView(generics.ListAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.CheckInSerializer
    queryset = CheckIn.objects.none()  # tells the schema the model; get_queryset scopes

    def get_queryset(self):
        patient = scoped_patient(self.request, self.kwargs["pk"])
        return patient.checkins.order_by("-recorded_at")
