"""The plan for the patient, the reminders for the care team (API.md "Plan and reminders")."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from recovery.api.scoping import acting_for, patient_id_param, scoped_patient
from recovery.permissions import IsClinician, IsPatient, IsPatientOrCaregiver

from .. import calendar_feeds, selectors
from ..models import Reminder
from . import serializers as s


class PlanView(APIView):
    permission_classes = [IsPatientOrCaregiver]

    def audit_patient_ids(self, request, response):
        # A caregiver reading the plan is audited like a clinician (audit/middleware.py).
        patient = getattr(self, "patient", None)
        return [patient.pk] if patient is not None else []

    @extend_schema(
        parameters=[OpenApiParameter("patient", int, description="Caregivers: whose plan.")],
        responses=s.PlanSerializer,
    )
    def get(self, request):
        patient = acting_for(
            request, patient_id_param(request.query_params.get("patient")), not_found=True
        )
        self.patient = patient
        procedure, reminders = selectors.plan_get(patient)
        feed = calendar_feeds.calendar_feed_get_or_create(patient=patient)
        body = {
            "procedure": procedure,
            "lifting_restriction_until": procedure.lifting_restriction_until if procedure else None,
            "calendar_url": calendar_feeds.calendar_url(feed=feed),
            "reminders": reminders,
        }
        return Response(s.PlanSerializer(body).data)


class CalendarUrlView(APIView):
    permission_classes = [IsPatient]

    @extend_schema(request=None, responses=s.CalendarUrlSerializer)
    def post(self, request):
        feed = calendar_feeds.calendar_feed_rotate(patient=request.user.patient)
        return Response({"calendar_url": calendar_feeds.calendar_url(feed=feed)})


class PatientRemindersView(generics.ListAPIView):
    permission_classes = [IsClinician]
    serializer_class = s.ClinicianReminderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular's schema pass
            return Reminder.objects.none()
        patient = scoped_patient(self.request, self.kwargs["pk"])
        reminders = patient.reminders.order_by("due_at", "kind", "id")
        status = self.request.query_params.get("status")
        if status is not None:
            if status not in Reminder.Status.values:
                raise ValidationError(
                    {"status": [f"Choose one of: {', '.join(Reminder.Status.values)}."]}
                )
            reminders = reminders.filter(status=status)
        return selectors.with_attempts(reminders)

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=list(Reminder.Status.values))])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
