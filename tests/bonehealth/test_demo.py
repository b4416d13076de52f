"""The demo's bone-health patients: a real worklist and indicators in all three bands."""

import datetime as dt

from bonehealth import selectors
from bonehealth.demo import seed_bone_health
from recovery.models import Alert

from .conftest import TODAY


def test_the_demo_lands_in_all_three_bands_and_is_idempotent(team, clinician):
    assert seed_bone_health(team=team, clinician=clinician, password="x-demo-password-1")
    result = selectors.indicators_for(
        clinician, start=TODAY - dt.timedelta(days=365), end=TODAY + dt.timedelta(days=1)
    )
    figures = {f.code: (f.numerator, f.denominator, f.band) for f in result.figures}
    assert figures == {
        "assessed_90d": (9, 10, "above_80"),
        "dxa_90d": (5, 10, "50_to_80"),
        "falls_assessed_16w": (3, 9, "below_50"),
        "treatment_recommended": (6, 9, "50_to_80"),
        "treatment_started_16w": (5, 7, "50_to_80"),
        "monitored_16w": (3, 9, "below_50"),
        "on_treatment_52w": (2, 2, "above_80"),
    }
    worklist = selectors.worklist_for(clinician)
    assert len({row.patient for row in worklist}) >= 6
    assert worklist[0].days_overdue >= worklist[-1].days_overdue
    assert set(Alert.objects.values_list("rule", flat=True)) == {
        "denosumab_overdue",
        "bone_medicine_stopped",
    }
    assert not seed_bone_health(team=team, clinician=clinician, password="x-demo-password-1")
