"""Query filters of the list endpoints (django-filter): a bad value is a 400, never a 500."""

import django_filters
from django import forms

from recovery.choices import AlertStatus, Severity
from recovery.models import Alert
from recovery.rules import RULES_BY_CODE


class IdFilter(django_filters.Filter):
    """A database id: a whole number in bigint range ("1.5" or 10**30 is a 400, not a lookup
    that rounds or overflows)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class AlertFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    rule = django_filters.ChoiceFilter(choices=[(code, code) for code in RULES_BY_CODE])
    # Scoping happens before filtering, so another team's patient id gives an empty list.
    patient = IdFilter(field_name="patient_id")

    class Meta:
        model = Alert
        fields = ["status", "severity", "rule", "patient"]
