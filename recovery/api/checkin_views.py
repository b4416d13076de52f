"""Thin views of check-ins and alerts: a serializer validates, a service decides, a
serializer renders."""

from django.db.models import prefetch_related_objects
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from lib.throttling import PostThrottle
from recovery import callbacks, selectors, services
from recovery.models import CheckIn
from recovery.permissions import (
    IsClinician,
    IsPatientOrCaregiver,
)

from .checkin_serializers import (
    AlertContactInputSerializer,
    AlertContactSerializer,
    AlertResolveSerializer,
    AlertSerializer,
    CheckInInputSerializer,
    CheckInPatientSerializer,
    CheckInResultSerializer,
    CheckInSerializer,
)
from .filters import AlertFilter
from .scoping import acting_for, patient_id_param, scoped_patient


class CheckinListCreateView(generics.ListAPIView):
    permission_classes = [IsPatientOrCaregiver]
    throttle_classes = [PostThrottle]
    throttle_scope = "checkin"
    serializer_class = CheckInSerializer

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
        request=CheckInInputSerializer,
        responses={
            201: CheckInResultSerializer,
            200: OpenApiResponse(CheckInResultSerializer, "A replay: the same id and body."),
            409: OpenApiResponse(description="The same id with a different body."),
        },
    )
    def post(self, request):
        target = CheckInPatientSerializer(data=request.data)
        target.is_valid(raise_exception=True)
        patient = acting_for(request, target.validated_data.get("patient"))
        data = CheckInInputSerializer(data=request.data, context={"patient": patient})
        data.is_valid(raise_exception=True)
        result = services.checkin_record(
            patient=patient, data=data.validated_data, entered_by=request.user
        )
        with translation.override(patient.language):
            body = CheckInResultSerializer(
                result.checkin, context={"alerts": result.alerts, "guidance": result.guidance}
            ).data
        return Response(body, status=status.HTTP_200_OK if result.replayed else 201)


class PatientCheckinsView(generics.ListAPIView):
    permission_classes = [IsClinician]
    serializer_class = CheckInSerializer
    queryset = CheckIn.objects.none()  # names the model for the schema; never served

    def get_queryset(self):
        patient = scoped_patient(self.request, self.kwargs["pk"])
        return patient.checkins.select_related("entered_by").order_by("-recorded_at")


# --- Alerts --------------------------------------------------------------------------------


class AlertListView(generics.ListAPIView):
    """The alerts of the clinician's teams, newest first (API.md "Alerts")."""

    permission_classes = [IsClinician]
    serializer_class = AlertSerializer
    filterset_class = AlertFilter

    def get_queryset(self):
        return alerts_with_contacts(self.request.user).order_by("-created_at", "-id")


def alerts_with_contacts(user):
    return selectors.alerts_for(user).prefetch_related("contacts")


class AlertDetailView(generics.RetrieveAPIView):
    permission_classes = [IsClinician]
    serializer_class = AlertSerializer

    def get_queryset(self):
        return alerts_with_contacts(self.request.user)


class AlertAcknowledgeView(generics.GenericAPIView):
    permission_classes = [IsClinician]
    serializer_class = AlertSerializer

    def get_queryset(self):
        return selectors.alerts_for(self.request.user)

    @extend_schema(request=None, responses={200: AlertSerializer, 409: None})
    def post(self, request, pk):
        alert = services.alert_acknowledge(alert=self.get_object(), by=request.user)
        prefetch_related_objects([alert], "contacts")
        return Response(AlertSerializer(alert).data)


class AlertContactsView(generics.GenericAPIView):
    """The call record of an alert: GET lists it, POST adds a call (API.md "Calling the
    patient back")."""

    permission_classes = [IsClinician]
    serializer_class = AlertContactSerializer
    # A short list, whole: no pages (the schema says a plain array).
    pagination_class = None

    def get_queryset(self):
        return selectors.alerts_for(self.request.user)

    @extend_schema(responses={200: AlertContactSerializer(many=True)})
    def get(self, request, pk):
        alert = self.get_object()
        contacts = alert.contacts.order_by("-at", "-pk")
        return Response(AlertContactSerializer(contacts, many=True).data)

    @extend_schema(
        request=AlertContactInputSerializer, responses={201: AlertContactSerializer, 409: None}
    )
    def post(self, request, pk):
        alert = self.get_object()
        data = AlertContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = callbacks.contact_record(alert=alert, by=request.user, **data.validated_data)
        return Response(AlertContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class AlertResolveView(generics.GenericAPIView):
    permission_classes = [IsClinician]
    serializer_class = AlertSerializer

    def get_queryset(self):
        return selectors.alerts_for(self.request.user)

    @extend_schema(request=AlertResolveSerializer, responses={200: AlertSerializer, 409: None})
    def post(self, request, pk):
        alert = self.get_object()
        data = AlertResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_resolve(alert=alert, by=request.user, **data.validated_data)
        prefetch_related_objects([alert], "contacts")
        return Response(AlertSerializer(alert).data)
