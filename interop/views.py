"""FHIR endpoints: thin views over interop.selectors and interop.bundle.

Authentication is the API's (JWT or session, DRF defaults); errors come back as FHIR
OperationOutcome with the same status codes the rest of the API uses.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from django.conf import settings
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from fhir.resources.R4B.resource import Resource
from rest_framework import exceptions, renderers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lib.exceptions import exception_handler as api_exception_handler
from recovery.permissions import IsClinician, IsPatient

from . import bundle, selectors

FHIR_JSON = "application/fhir+json"


class FhirJsonRenderer(renderers.BaseRenderer):
    media_type = FHIR_JSON
    format = "json"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, Resource):
            # The library's own JSON writer: a third faster than model_dump + json.dumps
            # on a year of check-ins, and the same document.
            return data.model_dump_json().encode()
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class FhirContentNegotiation(BaseContentNegotiation):
    """application/fhir+json, also to clients that ask for plain JSON or anything.

    DRF's default would refuse `Accept: application/json` for a fhir+json renderer; FHIR
    servers answer it with fhir+json, and so do we. Other types (XML, HTML) are a 406.
    """

    ACCEPTABLE = ("*/*", "application/*", "application/json", FHIR_JSON)

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        accept = request.META.get("HTTP_ACCEPT", "") or "*/*"
        wanted = [part.split(";")[0].strip().lower() for part in accept.split(",")]
        if any(media in self.ACCEPTABLE for media in wanted):
            return renderer, renderer.media_type
        raise exceptions.NotAcceptable(f"This server answers in {FHIR_JSON} only.")


def fhir_exception_handler(exc, context):
    """The API's status codes, with an OperationOutcome body (and headers kept)."""
    response = api_exception_handler(exc, context)
    if response is None:
        return None
    expression = getattr(exc, "fhir_expression", None)
    response.data = bundle.operation_outcome(
        response.status_code, _message(response.data), expression=expression
    )
    return response


def _message(data) -> str:
    if isinstance(data, dict):
        # simplejwt adds "code" and "messages" beside "detail"; the detail says it all.
        if "detail" in data:
            return str(data["detail"])
        return "; ".join(f"{key}: {_message(value)}" for key, value in data.items())
    if isinstance(data, list):
        return " ".join(_message(item) for item in data)
    return str(data)


class SinceInvalid(exceptions.ValidationError):
    fhir_expression = "_since"


# An offset's "+" arrives as a space when the client did not percent-encode the query.
_UNENCODED_OFFSET = re.compile(r"^(.*\d) (\d{2}:?\d{2})$")


def parse_since(raw: str | None) -> datetime | None:
    """`_since`: an ISO 8601 instant with an offset (API.md: a naive time is a 400)."""
    if raw is None:
        return None
    value = _UNENCODED_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise SinceInvalid(
            f"_since must be an ISO 8601 date and time with an offset, got {raw[:40]!r}."
        )
    if parsed.tzinfo is None:
        raise SinceInvalid("_since must carry an offset, such as Z or +02:00.")
    # PostgreSQL stores offsets up to +-15:59 only; the instant is what matters.
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise SinceInvalid("_since is out of range.") from None


_PATIENT_ID = re.compile(r"[1-9][0-9]{0,17}")


class FhirView(APIView):
    renderer_classes = [FhirJsonRenderer]
    content_negotiation_class = FhirContentNegotiation

    def get_exception_handler(self):
        return fhir_exception_handler


class PatientEverythingView(FhirView):
    """GET /fhir/Patient/{id}/$everything: the patient's recovery record as a Bundle."""

    permission_classes = [IsClinician]

    @extend_schema(
        operation_id="fhir_patient_everything",
        parameters=[
            OpenApiParameter(
                "_since",
                OpenApiTypes.DATETIME,
                description="Only resources changed after this instant (with an offset).",
            )
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="FHIR R4 Bundle (searchset)"),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome"),
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome"),
        },
    )
    def get(self, request, pk: str):
        # Any id that is not one of ours is simply not found: FHIR ids are strings, so "007"
        # is not patient 7, and nothing too long for the database reaches it.
        if not _PATIENT_ID.fullmatch(pk):
            raise exceptions.NotFound("Patient not found.")
        since = parse_since(request.query_params.get("_since"))
        record = selectors.patient_record_get(user=request.user, patient_id=int(pk), since=since)
        self_url = f"{settings.SITE_URL}{request.get_full_path()}"
        return Response(bundle.everything_bundle(record, self_url=self_url))


class MeExportView(FhirView):
    """GET /api/v1/me/export/: the patient's own copy of their whole record (right of
    access), the same Bundle a clinician's $everything gives.

    Not written to the access log: that log tells the patient who else looked at their record
    (the audit middleware leaves out a patient's own reads everywhere)."""

    permission_classes = [IsPatient]

    def get_exception_handler(self):
        # A path of the API, with the API's error bodies ({"detail": ...}).
        return api_exception_handler

    @extend_schema(
        operation_id="me_export",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="FHIR R4 Bundle")},
    )
    def get(self, request):
        patient_id = request.user.patient.pk
        record = selectors.patient_record_get(user=request.user, patient_id=patient_id, since=None)
        self_url = f"{settings.SITE_URL}{request.get_full_path()}"
        response = Response(bundle.everything_bundle(record, self_url=self_url))
        response["Content-Disposition"] = 'attachment; filename="my-recovery-record.json"'
        return response


class CodeSystemView(FhirView):
    """Our code systems, public like any terminology, so their canonical URLs resolve."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(operation_id="fhir_codesystem_read", responses=OpenApiTypes.OBJECT)
    def get(self, request, name: str):
        system = bundle.code_system(name)
        if system is None:
            raise exceptions.NotFound("No such code system.")
        return Response(system)


class FhirNotFoundView(FhirView):
    """Any other path under /fhir/: a FHIR 404 rather than Django's HTML page."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    # Not an endpoint of its own: keep it out of the OpenAPI schema.
    schema = None

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound("This FHIR interaction is not supported here.")

    post = put = patch = delete = get
