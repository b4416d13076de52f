"""The bone-health section of the dashboard's patient page, as one inclusion tag, so the
dashboard's own view stays as it is: {% bone_health_section %}."""

from django import template

from bonehealth import selectors
from bonehealth.choices import PathwayOverride, Risk, Treatment
from bonehealth.pathway import MILESTONES_BY_CODE

register = template.Library()

HISTORY_SHOWN = 50


@register.inclusion_tag("bonehealth/_patient_section.html", takes_context=True)
def bone_health_section(context):
    """Two queries: the patient's pathway facts with their record, and the history."""
    request = context["request"]
    view = selectors.bone_health_get(request.user, patient_id=context["patient"].pk)
    return {
        "view": view,
        "record": view.record,
        "milestones": [(MILESTONES_BY_CODE[s.code], s) for s in view.milestones],
        "history": list(selectors.bone_health_changes(view.record)[:HISTORY_SHOWN]),
        "treatments": Treatment.choices,
        "risks": Risk.choices,
        "overrides": PathwayOverride.choices,
        "today": view.today,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.filter
def milestone_label(code: str) -> str:
    milestone = MILESTONES_BY_CODE.get(code)
    return milestone.label if milestone else str(code)
