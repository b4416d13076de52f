"""Audit every API response that shows or changes patients' data to someone other than the
patient: one generic mechanism instead of a call in every view.

Which patients a response concerns is read from the response itself:
- the URL: a route under ``patients/<int:pk>/`` (or FHIR's ``Patient/<id>``) concerns that
  patient, even when the page it returns is empty (an empty check-in list is still looked at);
- the rendered objects (a single object, a list, or a page's ``results``): ``id`` when the
  serializer renders ``recovery.Patient``, otherwise each object's ``patient`` field.
A view that knows better defines ``audit_patient_ids(request, response) -> Iterable[int]``.
Only successful (2xx) answers count: a 404 for someone else's patient showed nothing.
"""

import re
from collections.abc import Iterable

from django.db import InterfaceError, OperationalError
from rest_framework.serializers import ListSerializer

from lib.middleware import database_unavailable
from recovery.models import Patient

from .services import access_record

# "patients/<int:pk>/..." in the API, "Patient/<id>/..." in FHIR: the captured kwarg is the id.
PATIENT_ROUTE = re.compile(r"(?:^|/)(?:patients|Patient)/<(?:\w+:)?(?P<kwarg>\w+)>")


class PatientAccessAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        # DRF's Response is a template response; its renderer_context names the view.
        context = getattr(response, "renderer_context", None)
        if context is None or not 200 <= response.status_code < 300:
            return response
        if request.method == "OPTIONS":  # describes the endpoint, shows no patient's data
            return response
        drf_request = context.get("request")
        user = getattr(drf_request, "user", None)
        if user is None or not user.is_authenticated or user.is_patient:
            return response
        ids = patient_ids_for(request=request, response=response, view=context.get("view"))
        match = request.resolver_match
        action = (match.url_name if match else None) or type(context.get("view")).__name__
        try:
            access_record(actor=user, patient_ids=ids, action=action, request=request)
        except (OperationalError, InterfaceError):
            # Data that cannot be audited is not shown.
            return database_unavailable()
        return response


def patient_ids_for(*, request, response, view) -> list[int]:
    hook = getattr(view, "audit_patient_ids", None)
    if hook is not None:
        return list(hook(request, response))
    ids: list[int] = []
    match = request.resolver_match
    found = PATIENT_ROUTE.search(match.route) if match is not None else None
    if found and str(match.kwargs.get(found["kwarg"], "")).isdigit():
        ids.append(int(match.kwargs[found["kwarg"]]))
    ids.extend(patient_ids_in(response.data))
    return ids


def patient_ids_in(data) -> Iterable[int]:
    rows, serializer = data, getattr(data, "serializer", None)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        rows = data["results"]
        serializer = getattr(rows, "serializer", None)
    if isinstance(rows, dict):
        rows = [rows]
    if not isinstance(rows, list):
        return []
    if isinstance(serializer, ListSerializer):
        serializer = serializer.child
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    field = "id" if isinstance(model, type) and issubclass(model, Patient) else "patient"
    return [row[field] for row in rows if isinstance(row, dict) and isinstance(row.get(field), int)]
