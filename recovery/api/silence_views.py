"""A sign marked as expected for one patient (API.md "Calling the patient back"): POST and
GET /api/v1/patients/{id}/silences/, DELETE one to end it at once. Clinicians of the
patient's team only; outside it a 404."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from lib.fields import StrictCharField, StrictDateField
from recovery import callbacks
from recovery.models import RuleSilence
from recovery.permissions import IsClinician

from .scoping import scoped_patient


class SilenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleSilence
        fields = ["id", "rule", "until", "reason", "by", "created_at"]
        read_only_fields = fields


class SilenceInputSerializer(serializers.Serializer):
    rule = StrictCharField(max_length=40)
    until = StrictDateField()
    reason = StrictCharField(max_length=500)

    def validate(self, attrs):
        errors = callbacks.silence_errors(
            patient=self.context["patient"], rule=attrs["rule"], until=attrs["until"]
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class PatientSilencesView(generics.GenericAPIView):
    permission_classes = [IsClinician]
    # For the schema only: every request reads through scoped_patient.
    queryset = RuleSilence.objects.none()
    # A short list, whole: no pages (the schema says a plain array).
    pagination_class = None
    serializer_class = SilenceSerializer

    @extend_schema(responses={200: SilenceSerializer(many=True)})
    def get(self, request, pk):
        patient = scoped_patient(request, pk)
        today = timezone.now().astimezone(patient.tz).date()
        rows = callbacks.silences_active([patient.pk], on=today).order_by("-created_at", "-pk")
        return Response(SilenceSerializer(rows, many=True).data)

    @extend_schema(request=SilenceInputSerializer, responses={201: SilenceSerializer})
    def post(self, request, pk):
        patient = scoped_patient(request, pk)
        data = SilenceInputSerializer(data=request.data, context={"patient": patient})
        data.is_valid(raise_exception=True)
        silence = callbacks.silence_create(patient=patient, by=request.user, **data.validated_data)
        return Response(SilenceSerializer(silence).data, status=status.HTTP_201_CREATED)


class PatientSilenceDetailView(generics.GenericAPIView):
    permission_classes = [IsClinician]
    queryset = RuleSilence.objects.none()
    serializer_class = SilenceSerializer

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk, sid):
        patient = scoped_patient(request, pk)
        silence = get_object_or_404(RuleSilence, pk=sid, patient=patient, ended_at__isnull=True)
        callbacks.silence_end(silence=silence, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
