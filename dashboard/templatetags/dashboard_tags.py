"""Small display helpers for the dashboard templates."""

from django import template

from recovery.rules import RULES_BY_CODE

register = template.Library()

# Clinician-facing names of the warning-sign rules, declared with each rule (PROTOCOL.md
# section 4).
RULE_LABELS = {code: rule.label for code, rule in RULES_BY_CODE.items()}


@register.filter
def code_label(code: str) -> str:
    """A contract code as words: "leg_numbness" -> "leg numbness"."""
    return str(code).replace("_", " ")


@register.filter
def rule_label(code: str) -> str:
    return RULE_LABELS.get(code, code_label(code).capitalize())


@register.filter
def display(obj, name: str) -> str:
    """obj.get_<name>_display() when the model has choices for it, else the code as words.

    The reminders app is built separately, so its model may or may not declare choices."""
    method = getattr(obj, f"get_{name}_display", None)
    value = method() if callable(method) else getattr(obj, name, "")
    return code_label(value)


@register.filter
def alert_values(alert) -> list[str]:
    """What raised the alert, in the clinician's words: the values of its latest check-in
    (dashboard.selectors annotates them) and the team's threshold it was judged by."""
    values = []
    if getattr(alert, "trigger_pain", None) is not None:
        values.append(f"pain {alert.trigger_pain}/10")
    temperature = getattr(alert, "trigger_temperature", None)
    if temperature is not None:
        values.append(f"{temperature:.1f} °C")
    values.extend(code_label(code) for code in getattr(alert, "trigger_symptoms", None) or [])
    parameters = alert.parameters or {}
    if "fever_threshold_c" in parameters:
        values.append(f"fever from {parameters['fever_threshold_c']:g} °C")
    if alert.rule == "missed_checkins" and alert.missed_through:
        values.append(f"no check-in through {alert.missed_through:%d %b}")
    return values


@register.filter
def fahrenheit_and_celsius(celsius) -> str:
    """ "101.3 °F (38.5 °C)": the dashboard shows both (API.md "Calling the patient back")."""
    if celsius is None:
        return ""
    return f"{celsius * 9 / 5 + 32:.1f} °F ({celsius:.1f} °C)"
