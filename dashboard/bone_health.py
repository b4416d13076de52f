"""The fracture-liaison nurse's pages on the care-team dashboard (session login), over the
bone-health pathway's selectors and services (bonehealth/).

The team page: the worklist (overdue milestones, most overdue first, each a link to the
patient's bone-health section where the form that completes it is), the seven indicators for a
chosen period with their bar chart, and the CSV export. The patient page's bone-health section
(templatetags/bonehealth_tags.py) posts its changes here, through the same serializer and
service as PATCH /api/v1/patients/{id}/bone-health/.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.services import access_record
from bonehealth import charts, selectors, services
from bonehealth.api import BoneHealthPatchSerializer
from recovery.models import Patient
from recovery.selectors import teams_for

from .views import clinician_required, page, patient_page

DEFAULT_PERIOD_DAYS = 365


def _period(request) -> tuple[date, date, list[str]]:
    """The chosen [from, to), or the last year to tomorrow; bad dates fall back, with why."""
    today = timezone.now().date()
    start, end = today - timedelta(days=DEFAULT_PERIOD_DAYS), today + timedelta(days=1)
    errors = []
    for name in ("from", "to"):
        raw = request.GET.get(name, "").strip()
        if not raw:
            continue
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            errors.append(f"'{raw[:20]}' is not a date (YYYY-MM-DD); showing the last year.")
            return today - timedelta(days=DEFAULT_PERIOD_DAYS), today + timedelta(days=1), errors
        start, end = (value, end) if name == "from" else (start, value)
    if start > end:
        errors.append("The period ends before it starts; showing the last year.")
        start, end = today - timedelta(days=DEFAULT_PERIOD_DAYS), today + timedelta(days=1)
    return start, end, errors


@require_GET
@clinician_required
def team_page(request):
    teams = list(teams_for(request.user).order_by("name"))
    chosen = request.GET.get("team", "")
    team = next((t for t in teams if str(t.pk) == chosen), teams[0] if teams else None)
    start, end, errors = _period(request)
    team_id = team.pk if team else -1
    worklist = selectors.worklist_for(request.user, team_id=team_id)
    indicators = selectors.indicators_for(request.user, start=start, end=end, team_id=team_id)
    access_record(
        actor=request.user,
        patient_ids=[row.patient for row in worklist],
        action="dashboard-bone-health",
        request=request,
    )
    query = {"from": start.isoformat(), "to": end.isoformat(), "format": "csv"}
    if team:
        query["team"] = team.pk
    return page(
        request,
        "bonehealth/team_page.html",
        {
            "teams": teams,
            "team": team,
            "start": start,
            "end": end,
            "period_errors": errors,
            "worklist": worklist,
            "indicators": indicators,
            "rows": [(charts.LABELS[f.code], f) for f in indicators.figures],
            "chart": charts.indicator_chart(
                indicators.figures, period=f"index dates {start} to {end} (end excluded)"
            ),
            "csv_url": reverse("bone-health-indicators") + "?" + urlencode(query),
        },
        nav="bone-health",
    )


def _scoped(request, pk: int) -> selectors.PathwayView:
    try:
        return selectors.bone_health_get(request.user, patient_id=pk)
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None


def _form_data(post) -> dict:
    """An HTML form's strings as the API's JSON: empty is null, numbers and yes/no parsed.
    Only the fields the form sent are changed, as with PATCH."""
    data: dict = {}
    for name in BoneHealthPatchSerializer().fields:
        if name not in post:
            continue
        raw = post.get(name, "").strip()
        if name in ("pathway_override_reason", "gp_name", "gp_address"):
            data[name] = raw
        elif raw == "":
            data[name] = None
        elif name == "dxa_lowest_t_score":
            try:
                data[name] = float(raw)
            except ValueError:
                data[name] = raw  # the serializer names the field
        elif name == "on_treatment_52w":
            data[name] = {"yes": True, "no": False}.get(raw, raw)
        else:
            data[name] = raw
    return data


def _patient_section(pk: int) -> str:
    return reverse("dashboard:patient", args=[pk]) + "#bone-health"


@require_POST
@clinician_required
def record_update(request, pk: int):
    view = _scoped(request, pk)
    data = BoneHealthPatchSerializer(
        data=_form_data(request.POST),
        context={"today": view.today, "index_date": view.index_date},
    )
    if not data.is_valid():
        # The page again with what was typed and each error beside its field (a redirect lost
        # both); nothing saved.
        errors = {field: " ".join(map(str, texts)) for field, texts in data.errors.items()}
        form = {"values": dict(request.POST.items()), "errors": errors}
        return patient_page(request, pk, extra={"bone_form": form}, status=400)
    services.bone_health_update(patient=view.patient, data=data.validated_data, by=request.user)
    access_record(
        actor=request.user, patient_ids=[pk], action="dashboard-bone-health-change", request=request
    )
    messages.success(request, f"Bone-health record of {view.patient.initials} saved.")
    return redirect(_patient_section(pk))


@require_POST
@clinician_required
def letter_send(request, pk: int):
    """The button: download the letter and mark it sent (the same write as a PATCH of
    gp_letter_sent_on to the patient's today). The PDF is made first, so a letter that
    cannot be made is never marked sent."""
    from bonehealth import letter  # loaded on first use: it needs pango (README)

    view = _scoped(request, pk)
    try:
        pdf = letter.letter_pdf(view)
    except letter.PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect(_patient_section(pk))
    services.bone_health_update(
        patient=view.patient, data={"gp_letter_sent_on": view.today}, by=request.user
    )
    access_record(
        actor=request.user, patient_ids=[pk], action="dashboard-bone-health-letter", request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gp-letter-patient-{pk}.pdf"'
    return response


def dashboard_patterns():
    from django.urls import path

    return [
        path("bone-health/", team_page, name="bone-health"),
        path("patients/<int:pk>/bone-health/", record_update, name="bone-health-update"),
        path("patients/<int:pk>/bone-health/letter/", letter_send, name="bone-health-letter"),
    ]
