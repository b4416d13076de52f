"""Thin views of the signed-in account: me, activation, logout."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from accounts.errors import weak_password_is_a_field_error
from accounts.models import User
from accounts.recent_auth import RecentPasswordForChanges
from accounts.tokens import RefreshToken, user_id_of
from lib.throttling import ScopedThrottle
from recovery import selectors, services
from recovery.choices import SEVERITIES_BY_RANK

from . import sms_views
from .account_serializers import (
    ActivateSerializer,
    LogoutSerializer,
    MeSerializer,
    TokenPairSerializer,
)
from .sms_serializers import MeSmsSerializer


class MeView(APIView):
    # PATCH changes the SMS phone and reminder channel: not from a sign-in link's session
    # alone (accounts/recent_auth.py).
    permission_classes = [IsAuthenticated, RecentPasswordForChanges]

    @extend_schema(responses=MeSerializer)
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

    @extend_schema(request=MeSmsSerializer, responses=MeSerializer)
    def patch(self, request):
        sms_views.me_sms_update(request)
        return self.get(request)


def caregiver_me(user) -> dict:
    """A caregiver's patients, each with their care team (whom to call about that patient);
    and `care_team` at the top, as a patient's, when all their patients share one team (the
    usual case: one patient). Patients of different teams: only each entry's, never a guess.
    Each patient carries `open_alerts` (API.md "Calling the patient back"). One query,
    however many patients."""
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
            # Unresolved alerts by severity, from the summary row the triggers keep.
            *(f"summary__open_{severity}" for severity in SEVERITIES_BY_RANK),
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
                "open_alerts": {
                    severity: row[f"summary__open_{severity}"] or 0
                    for severity in SEVERITIES_BY_RANK
                },
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

    @extend_schema(request=ActivateSerializer, responses=TokenPairSerializer)
    def post(self, request):
        data = ActivateSerializer(data=request.data)
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

    @extend_schema(request=LogoutSerializer, responses={204: None})
    def post(self, request):
        data = LogoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = RefreshToken(data.validated_data["refresh"])
            user_id_of(token)  # simplejwt looks the user up: a malformed id was a 500
            token.blacklist()
        except (TokenError, User.DoesNotExist):
            raise ValidationError({"refresh": ["Token is invalid or expired."]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
