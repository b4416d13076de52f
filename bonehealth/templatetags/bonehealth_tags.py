"""The bone-health section of the dashboard's patient page, as one inclusion tag, so the
dashboard's own view stays as it is: {% bone_health_section %}."""

from datetime import date
from types import SimpleNamespace

from django import template
from django.utils.html import format_html

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
    form = context.get("bone_form") or {}
    return {
        "view": view,
        # After a refused save: what was typed, over the stored record.
        "record": _as_typed(view.record, form.get("values")) if form else view.record,
        "errors": form.get("errors", {}),
        "milestones": [(MILESTONES_BY_CODE[s.code], s) for s in view.milestones],
        "history": list(selectors.bone_health_changes(view.record)[:HISTORY_SHOWN]),
        "treatments": Treatment.choices,
        "risks": Risk.choices,
        "overrides": PathwayOverride.choices,
        "today": view.today,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


def _as_typed(record, values: dict):
    """The record with the form's typed values in place (dates parsed where they parse)."""
    typed = SimpleNamespace(**{f.name: getattr(record, f.name) for f in record._meta.fields})
    for name, raw in values.items():
        if not hasattr(typed, name) or name == "csrfmiddlewaretoken":
            continue
        raw = raw.strip()
        current = getattr(record, name)
        if name.endswith("_on"):
            try:
                value = date.fromisoformat(raw) if raw else None
            except ValueError:
                value = None
        elif name == "on_treatment_52w":
            value = {"yes": True, "no": False}.get(raw)
        else:
            value = raw if raw or not isinstance(current, float) else None
        setattr(typed, name, value)
    return typed


@register.filter
def field_error(errors: dict, name: str) -> str:
    """The error beside a field, with the id its input's aria-describedby names."""
    text = errors.get(name)
    if not text:
        return ""
    return format_html(
        '<span class="error-message" id="bh-{}-error"><span class="visually-hidden">Error:'
        "</span> {}</span>",
        name,
        text,
    )


@register.filter
def invalid_attrs(errors: dict, name: str) -> str:
    if not errors.get(name):
        return ""
    return format_html(' aria-invalid="true" aria-describedby="bh-{}-error"', name)


@register.filter
def milestone_label(code: str) -> str:
    milestone = MILESTONES_BY_CODE.get(code)
    return milestone.label if milestone else str(code)
