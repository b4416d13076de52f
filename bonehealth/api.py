"""HTTP shapes of the pathway (API.md "Bone health (clinicians)"): validate, call, render."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import access_record
from lib.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictFloatField,
)
from lib.pagination import Pagination
from recovery.models import Patient
from recovery.permissions import IsClinician

from . import pathway, selectors, services
from .choices import MilestoneStatus, PathwayOverride, Risk, Treatment

# --- Serializers ---------------------------------------------------------------------------

DATE_FIELDS = (
    "assessed_on",
    "dxa_done_on",
    "dxa_not_needed_on",
    "falls_assessed_on",
    "treatment_recommended_on",
    "treatment_started_on",
    "last_dose_on",
    "monitored_on",
    "reviewed_52w_on",
    "gp_letter_sent_on",
)


class MilestoneSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[m.code for m in pathway.MILESTONES])
    due_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=MilestoneStatus.choices)


class BoneHealthSerializer(serializers.Serializer):
    """A PathwayView as API.md shows it."""

    on_pathway = serializers.BooleanField()
    pathway_override = serializers.ChoiceField(choices=PathwayOverride.choices, allow_null=True)
    index_date = serializers.DateField(allow_null=True)
    pathway_override_reason = serializers.CharField(allow_blank=True)
    assessed_on = serializers.DateField(allow_null=True)
    risk = serializers.ChoiceField(choices=Risk.choices, allow_null=True)
    dxa_done_on = serializers.DateField(allow_null=True)
    dxa_lowest_t_score = serializers.FloatField(allow_null=True)
    dxa_not_needed_on = serializers.DateField(allow_null=True)
    falls_assessed_on = serializers.DateField(allow_null=True)
    treatment = serializers.ChoiceField(choices=Treatment.choices, allow_null=True)
    treatment_recommended_on = serializers.DateField(allow_null=True)
    treatment_started_on = serializers.DateField(allow_null=True)
    last_dose_on = serializers.DateField(allow_null=True)
    monitored_on = serializers.DateField(allow_null=True)
    reviewed_52w_on = serializers.DateField(allow_null=True)
    on_treatment_52w = serializers.BooleanField(allow_null=True)
    gp_name = serializers.CharField(allow_blank=True)
    gp_address = serializers.CharField(allow_blank=True)
    gp_letter_sent_on = serializers.DateField(allow_null=True)
    milestones = MilestoneSerializer(many=True)

    def to_representation(self, view: selectors.PathwayView):
        record = view.record
        body = {name: getattr(record, name) for name in services.EDITABLE}
        body |= {
            "on_pathway": view.on_pathway,
            "index_date": view.index_date,
            "milestones": [
                {"code": s.code, "due_on": s.due_on, "done_on": s.done_on, "status": s.status}
                for s in view.milestones
            ],
        }
        order = list(self.fields)
        body = {name: body[name] for name in order}
        for name in (*DATE_FIELDS, "index_date"):
            if body[name] is not None:
                body[name] = body[name].isoformat()
        for milestone in body["milestones"]:
            for key in ("due_on", "done_on"):
                if milestone[key] is not None:
                    milestone[key] = milestone[key].isoformat()
        return body


class StrictChoiceField(serializers.ChoiceField):
    """A code: a JSON string among the choices (a number or a list is a 400 too)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


def _date():
    return StrictDateField(required=False, allow_null=True)


class BoneHealthPatchSerializer(serializers.Serializer):
    pathway_override = StrictChoiceField(
        choices=PathwayOverride.choices, required=False, allow_null=True
    )
    pathway_override_reason = StrictCharField(max_length=500, required=False, allow_blank=True)
    assessed_on = _date()
    risk = StrictChoiceField(choices=Risk.choices, required=False, allow_null=True)
    dxa_done_on = _date()
    dxa_lowest_t_score = StrictFloatField(
        min_value=-6.0, max_value=4.0, required=False, allow_null=True
    )
    dxa_not_needed_on = _date()
    falls_assessed_on = _date()
    treatment = StrictChoiceField(choices=Treatment.choices, required=False, allow_null=True)
    treatment_recommended_on = _date()
    treatment_started_on = _date()
    last_dose_on = _date()
    monitored_on = _date()
    reviewed_52w_on = _date()
    on_treatment_52w = StrictBooleanField(required=False, allow_null=True)
    gp_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    gp_address = StrictCharField(max_length=1000, required=False, allow_blank=True)
    gp_letter_sent_on = _date()

    def validate(self, attrs):
        """Dates sent may not lie in the future (the patient's local today) nor more than 365
        days before the index date; only the fields sent are checked (API.md)."""
        today = self.context["today"]
        index = self.context["index_date"]
        errors = {}
        for name in DATE_FIELDS:
            value = attrs.get(name)
            if value is None:
                continue
            if value > today:
                errors[name] = ["Cannot be in the future."]
            elif index is not None and value < index - timedelta(days=pathway.LOOKBACK_DAYS):
                errors[name] = [
                    f"Cannot be more than {pathway.LOOKBACK_DAYS} days before the index date "
                    f"({index.isoformat()})."
                ]
        if errors:
            raise ValidationError(errors)
        return attrs


class WorklistRowSerializer(serializers.Serializer):
    patient = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    milestone = serializers.CharField()
    due_on = serializers.DateField()
    days_overdue = serializers.IntegerField()


class WorklistPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = WorklistRowSerializer(many=True)


class IndicatorFigureSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    band = serializers.CharField(allow_null=True)


class IndicatorsSerializer(serializers.Serializer):
    """The answer's shape, for the schema ("from" is a Python keyword: added in get_fields)."""

    patients = serializers.IntegerField()
    indicators = serializers.DictField(child=IndicatorFigureSerializer())

    def get_fields(self):
        fields = super().get_fields()
        return {"from": serializers.DateField(), "to": serializers.DateField(), **fields}


class IndicatorsQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword: declared below through the fields dict.
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    format = serializers.ChoiceField(choices=["json", "csv"], required=False, default="json")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise ValidationError({"to": ["Must not be before from."]})
        return attrs


def indicators_body(result: selectors.Indicators) -> dict:
    return {
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "patients": result.patients,
        "indicators": {
            f.code: {
                "numerator": f.numerator,
                "denominator": f.denominator,
                "percent": f.percent,
                "band": f.band,
            }
            for f in result.figures
        },
    }


def indicators_csv(result: selectors.Indicators) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator", "numerator", "denominator", "percent", "band"])
    for f in result.figures:
        shown = "" if f.percent is None else f"{f.percent:.1f}"
        writer.writerow([f.code, f.numerator, f.denominator, shown, f.band or ""])
    return out.getvalue()


# --- Views ---------------------------------------------------------------------------------


def scoped_view(request, pk: int) -> selectors.PathwayView:
    try:
        return selectors.bone_health_get(request.user, patient_id=pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None


class BoneHealthView(APIView):
    permission_classes = [IsClinician]

    @extend_schema(responses=BoneHealthSerializer)
    def get(self, request, pk: int):
        return Response(BoneHealthSerializer(scoped_view(request, pk)).data)

    @extend_schema(request=BoneHealthPatchSerializer, responses=BoneHealthSerializer)
    def patch(self, request, pk: int):
        view = scoped_view(request, pk)
        data = BoneHealthPatchSerializer(
            data=request.data, context={"today": view.today, "index_date": view.index_date}
        )
        data.is_valid(raise_exception=True)
        services.bone_health_update(patient=view.patient, data=data.validated_data, by=request.user)
        return Response(BoneHealthSerializer(scoped_view(request, pk)).data)


MAX_OFFSET = 2**62


class WorklistPaginator(Paginator):
    """Reads the page before the count: the page's rows carry the count (selectors.Worklist),
    and each query costs the whole worklist's computation, so this saves one of two."""

    def page(self, number):
        try:
            offset = (int(number) - 1) * self.per_page
        except (TypeError, ValueError):
            offset = -1  # Paginator.page says why
        if offset > MAX_OFFSET:
            offset = -1  # past any page (and past SQL's bigint): Paginator.page says so
        if offset >= 0 and isinstance(self.object_list, selectors.Worklist):  # not SQLite's list
            self.object_list.page(offset=offset, limit=self.per_page)
        return super().page(number)


class WorklistPagination(Pagination):
    django_paginator_class = WorklistPaginator


class WorklistView(GenericAPIView):
    permission_classes = [IsClinician]
    serializer_class = WorklistRowSerializer
    pagination_class = WorklistPagination

    @extend_schema(
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=WorklistPageSerializer,
    )
    def get(self, request):
        rows = selectors.worklist_for(request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(WorklistRowSerializer(page, many=True).data)


class CsvRenderer(BaseRenderer):
    """Lets DRF accept `?format=csv` (its format override) for the indicators; the view
    answers the CSV itself, so this only renders an error body, as JSON text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class IndicatorsView(APIView):
    permission_classes = [IsClinician]
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("team", int),
            OpenApiParameter("format", str, enum=["json", "csv"]),
        ],
        responses={
            (200, "application/json"): IndicatorsSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, "With format=csv."),
        },
    )
    def get(self, request):
        query = IndicatorsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        result = selectors.indicators_for(
            request.user, start=params["from"], end=params["to"], team_id=params.get("team")
        )
        if params["format"] == "csv":
            response = HttpResponse(indicators_csv(result), content_type="text/csv; charset=utf-8")
            name = f"bone-health-indicators-{result.start}-{result.end}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return Response(indicators_body(result))


class LetterView(APIView):
    permission_classes = [IsClinician]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, "The letter."),
            503: OpenApiResponse(description="The PDF library cannot load on this server."),
        }
    )
    def get(self, request, pk: int):
        from . import letter

        view = scoped_view(request, pk)
        try:
            pdf = letter.letter_pdf(view)
        except letter.PdfUnavailable as exc:
            return Response({"detail": str(exc)}, status=503)
        # An HttpResponse is not a DRF Response, so the audit middleware does not see it.
        access_record(
            actor=request.user, patient_ids=[pk], action="bone-health-letter", request=request
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="gp-letter-patient-{pk}.pdf"'
        return response
