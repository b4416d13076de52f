"""Thin views of patients and procedures: a serializer validates, a service decides, a
serializer renders."""

from django.db import connection
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import ReturnList
from rest_framework.views import APIView

from accounts.errors import email_taken_is_a_field_error
from recovery import lifecycle, selectors, services
from recovery.models import Patient, Procedure
from recovery.permissions import (
    ClinicianWrites,
    IsClinician,
    IsPatientOrClinician,
)

from .patient_serializers import (
    PatientCreatedSerializer,
    PatientDetailSerializer,
    PatientDischargeSerializer,
    PatientInputSerializer,
    PatientPatchSerializer,
    PatientSerializer,
    patient_page_data,
)
from .procedure_serializers import (
    ProcedureInputSerializer,
    ProcedurePatchSerializer,
    ProcedureSerializer,
)
from .scoping import ORDERINGS, STATUSES, patient_list_params, patient_rows, scoped_patient


class PatientListCreateView(generics.ListCreateAPIView):
    permission_classes = [IsClinician]
    serializer_class = PatientSerializer

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

    def list(self, request, *args, **kwargs):
        # One query for the page and its count, rendered from tuples (selectors.
        # patient_page_for, PostgreSQL's SQL); ?page=last needs the count first and takes
        # DRF's generic path, as SQLite (the demo's database) does.
        if connection.vendor != "postgresql":
            return super().list(request, *args, **kwargs)
        params = patient_list_params(request)  # a 400 before a page's 404, as get_queryset
        rows = self.paginator.paginate_rows(
            lambda offset, limit: selectors.patient_page_for(
                request.user, **params, offset=offset, limit=limit
            ),
            request,
        )
        if rows is None:
            return super().list(request, *args, **kwargs)
        # Named with their serializer, as DRF's own page is: the access audit reads from it
        # that the rows are patients (audit/middleware.py).
        data = ReturnList(patient_page_data(rows), serializer=self.get_serializer(many=True))
        return self.get_paginated_response(data)

    @extend_schema(request=PatientInputSerializer, responses={201: PatientCreatedSerializer})
    def post(self, request):
        data = PatientInputSerializer(
            data=request.data, context={"teams": selectors.teams_for(request.user)}
        )
        data.is_valid(raise_exception=True)
        with email_taken_is_a_field_error(data.validated_data["email"]):
            patient, code = services.patient_enroll(
                team=data.validated_data.pop("team"), data=data.validated_data
            )
        row = selectors.patient_list_for(request.user).get(pk=patient.pk)
        row.enrollment_code = code
        return Response(PatientCreatedSerializer(row).data, status=status.HTTP_201_CREATED)


class PatientDetailView(generics.RetrieveAPIView):
    permission_classes = [IsClinician]
    serializer_class = PatientDetailSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.patient_list_for(self.request.user).prefetch_related(
            Prefetch(
                "care_links",
                # CareLink, by way of the relation: recovery imports no caregivers module.
                queryset=Patient.care_links.rel.related_model.objects.filter(
                    status="active"
                ).order_by("pk"),
                to_attr="active_care_links",
            )
        )

    @extend_schema(request=PatientPatchSerializer, responses=PatientDetailSerializer)
    def patch(self, request, pk):
        patient = scoped_patient(request, pk)
        data = PatientPatchSerializer(
            patient,
            data=request.data,
            partial=True,
            context={"teams": selectors.teams_for(request.user)},
        )
        data.is_valid(raise_exception=True)
        with email_taken_is_a_field_error(data.validated_data.get("email")):
            services.patient_update(patient=patient, data=data.validated_data)
        return Response(PatientDetailSerializer(self.get_queryset().get(pk=pk)).data)


class EnrollmentCodeView(APIView):
    permission_classes = [IsClinician]

    @extend_schema(request=None, responses={201: PatientCreatedSerializer})
    def post(self, request, pk):
        patient = scoped_patient(request, pk)
        code = services.enrollment_code_issue(patient=patient)
        row = selectors.patient_list_for(request.user).get(pk=patient.pk)
        row.enrollment_code = code
        return Response(PatientCreatedSerializer(row).data, status=status.HTTP_201_CREATED)


class PatientDischargeView(APIView):
    """POST /api/v1/patients/{id}/discharge/: the end of follow-up (recovery/lifecycle.py)."""

    permission_classes = [IsClinician]

    @extend_schema(
        request=PatientDischargeSerializer,
        responses={200: PatientSerializer, 409: OpenApiResponse(description="Already.")},
    )
    def post(self, request, pk):
        patient = scoped_patient(request, pk)
        data = PatientDischargeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.patient_discharge(patient=patient, by=request.user, **data.validated_data)
        row = selectors.patient_list_for(request.user).get(pk=patient.pk)
        return Response(PatientSerializer(row).data)


# --- Procedures ----------------------------------------------------------------------------


class PatientProceduresView(generics.ListCreateAPIView):
    permission_classes = [IsClinician]
    serializer_class = ProcedureSerializer
    queryset = Procedure.objects.none()  # names the model for the schema; never served

    def get_queryset(self):
        patient = scoped_patient(self.request, self.kwargs["pk"])
        return patient.procedures.order_by("-performed_on", "-id")

    @extend_schema(request=ProcedureInputSerializer, responses={201: ProcedureSerializer})
    def post(self, request, pk):
        patient = scoped_patient(request, pk)
        data = ProcedureInputSerializer(data=request.data, context={"patient": patient})
        data.is_valid(raise_exception=True)
        procedure = services.procedure_record(patient=patient, data=data.validated_data)
        return Response(ProcedureSerializer(procedure).data, status=status.HTTP_201_CREATED)


class ProcedureListView(generics.ListAPIView):
    permission_classes = [IsPatientOrClinician]
    serializer_class = ProcedureSerializer

    def get_queryset(self):
        return selectors.procedures_for(self.request.user).order_by("-performed_on", "-id")


class ProcedureDetailView(generics.RetrieveAPIView):
    permission_classes = [IsPatientOrClinician, ClinicianWrites]
    serializer_class = ProcedureSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.procedures_for(self.request.user)

    @extend_schema(request=ProcedurePatchSerializer, responses=ProcedureSerializer)
    def patch(self, request, pk):
        procedure = self.get_object()
        data = ProcedurePatchSerializer(
            procedure, data=request.data, partial=True, context={"patient": procedure.patient}
        )
        data.is_valid(raise_exception=True)
        procedure = services.procedure_update(procedure=procedure, data=data.validated_data)
        return Response(ProcedureSerializer(procedure).data)
