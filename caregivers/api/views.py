"""Caregivers of a patient: the patient's own (/me/caregivers/) and the care team's view
(/patients/{id}/caregivers/). Thin: a serializer validates, a service decides."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from accounts.recent_auth import RecentPasswordForChanges
from lib.throttling import PostThrottle
from recovery.api.scoping import scoped_patient
from recovery.permissions import IsClinician, IsPatient

from .. import selectors, services
from ..models import CareLink
from . import serializers as s


def _invite(request, patient) -> Response:
    data = s.InvitationSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    link = services.carelink_invite(patient=patient, invited_by=request.user, **data.validated_data)
    return Response(s.CareLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class MyCaregiversView(generics.ListAPIView):
    # Inviting gives lasting read access: not from a sign-in link's session alone.
    permission_classes = [IsPatient, RecentPasswordForChanges]
    throttle_classes = [PostThrottle]
    throttle_scope = "caregiver_invitation"
    serializer_class = s.CareLinkSerializer
    queryset = CareLink.objects.none()  # names the model for the schema; never served

    def get_queryset(self):
        return selectors.carelinks_of(self.request.user.patient)

    @extend_schema(request=s.InvitationSerializer, responses={201: s.CareLinkSerializer})
    def post(self, request):
        return _invite(request, request.user.patient)


class MyCaregiverDetailView(generics.GenericAPIView):
    permission_classes = [IsPatient, RecentPasswordForChanges]
    serializer_class = s.CareLinkSerializer
    queryset = CareLink.objects.none()  # names the model for the schema; never served
    http_method_names = ["patch", "delete", "options"]

    def get_queryset(self):
        return selectors.carelinks_of(self.request.user.patient)

    @extend_schema(request=s.CareLinkPatchSerializer, responses=s.CareLinkSerializer)
    def patch(self, request, pk):
        link = self.get_object()
        data = s.CareLinkPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = services.carelink_update(link=link, **data.validated_data)
        return Response(s.CareLinkSerializer(link).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.carelink_revoke(link=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PatientCaregiversView(generics.ListAPIView):
    permission_classes = [IsClinician]
    throttle_classes = [PostThrottle]
    throttle_scope = "caregiver_invitation"
    serializer_class = s.CareLinkSerializer
    queryset = CareLink.objects.none()  # names the model for the schema; never served

    def get_queryset(self):
        return selectors.carelinks_of(scoped_patient(self.request, self.kwargs["pk"]))

    @extend_schema(request=s.InvitationSerializer, responses={201: s.CareLinkSerializer})
    def post(self, request, pk):
        return _invite(request, scoped_patient(request, pk))


class PatientCaregiverDetailView(generics.GenericAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.CareLinkSerializer
    queryset = CareLink.objects.none()
    http_method_names = ["delete", "options"]

    @extend_schema(responses={204: None})
    def delete(self, request, pk, cid):
        patient = scoped_patient(request, pk)
        link = get_object_or_404(selectors.carelinks_of(patient), pk=cid)
        services.carelink_revoke(link=link, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
