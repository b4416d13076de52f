"""Demo patients at every stage of the bone-health pathway (called by seed_demo).

Ten patients of the demo team with osteoporotic fractures 100 to 350 days ago, so the nurse's
page shows a real worklist and, for the default period (the last year), indicators in all
three bands: assessed_90d 9/10 and on_treatment_52w 2/2 above 80 %; dxa_90d 5/10,
treatment_recommended 6/9 and treatment_started_16w 5/7 from 50 to 80 %; falls_assessed_16w
3/9 and monitored_16w 3/9 below 50 %. Idempotent on its own: it adds nothing once its
patients exist, so it also fills a demo database seeded before it was written.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from accounts.models import User
from recovery import services as recovery_services
from recovery.locks import summary_lock
from recovery.models import CareTeam, Procedure

from . import alerts, services

EMAIL_DOMAIN = "bone.demo.example"

# (first, last, days since the fracture, lowest T-score, record: milestone -> day after the
# index date; "t" is (treatment, decided on day, started on day), "r" (review day, still on)).
CAST = [
    (
        "Agnes",
        "Bell",
        350,
        -3.1,
        dict(a=30, d=40, f=60, t=("alendronate", 50, 55), m=100, r=(340, True), g=60),
    ),
    (
        "Bernard",
        "Cole",
        345,
        -2.9,
        dict(a=20, d=30, f=100, t=("denosumab", 40, 45), m=95, r=(338, True), g=50, dose=120),
    ),
    ("Clara", "Dunn", 300, -2.6, dict(a=45, d=50, t=("zoledronate", 60, 70), g=80)),
    ("Denis", "Ford", 260, -3.4, dict(a=60, d=100, f=130, t=("risedronate", 90, 100))),
    ("Edith", "Grant", 220, -1.2, dict(a=80, d=85, t=("none", 85, None), g=100)),
    ("Fred", "Hale", 200, None, dict(a=85, t=("declined", 88, None), m=90)),
    ("Grace", "Irwin", 180, -2.7, dict(a=88, d=95, t=("alendronate", 100, 130))),
    ("Henry", "James", 150, None, dict(a=90, f=110)),
    ("Iris", "Kent", 120, -3.8, dict(a=70, d=80, t=("teriparatide", 100, 110))),
    ("Jack", "Lowe", 100, None, dict()),
]


def seed_bone_health(*, team: CareTeam, clinician: User, password: str) -> bool:
    """Returns whether it added anything."""
    if User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists():
        return False
    with transaction.atomic():
        for first, last, days_ago, t_score, stages in CAST:
            _patient(team, clinician, password, first, last, days_ago, t_score, stages)
    alerts.denosumab_overdue_evaluate()
    return True


def _patient(team, clinician, password, first, last, days_ago, t_score, stages) -> None:
    patient, _code = recovery_services.patient_enroll(
        team=team,
        data={
            "email": f"{first}.{last}@{EMAIL_DOMAIN}".lower(),
            "first_name": first,
            "last_name": last,
            "date_of_birth": patient_birthday(days_ago),
            "timezone": "America/New_York",
            "has_osteoporosis": True,
        },
    )
    patient.user.set_password(password)
    patient.user.save(update_fields=["password"])
    index = patient.local_today() - timedelta(days=days_ago)
    # The row only, not procedure_record: a plan for a fracture this old would be a year of
    # reminders already due, and the worker would send them all at once. Like every writer of
    # procedures, the summary lock first (recovery/locks.py).
    summary_lock(patient.pk)
    Procedure.objects.create(
        patient=patient,
        procedure_type="kyphoplasty",
        performed_on=index + timedelta(days=3),
        fracture_date=index,
        vertebral_levels=["L1"],
        cause="osteoporosis",
        pre_procedure_pain=8,
    )

    def on(day):
        return None if day is None else index + timedelta(days=day)

    data: dict = {
        "gp_name": f"Dr {last[0]}. Moreau",
        "gp_address": "Riverside Surgery\n2 Mill Lane",
    }
    if "a" in stages:
        data |= {"assessed_on": on(stages["a"]), "risk": "high" if t_score else "very_high"}
    if "d" in stages:
        data |= {"dxa_done_on": on(stages["d"]), "dxa_lowest_t_score": t_score}
    if "f" in stages:
        data["falls_assessed_on"] = on(stages["f"])
    if "t" in stages:
        treatment, decided, started = stages["t"]
        data |= {
            "treatment": treatment,
            "treatment_recommended_on": on(decided),
            "treatment_started_on": on(started),
        }
    if "dose" in stages:
        data["last_dose_on"] = on(stages["dose"])
    if "m" in stages:
        data["monitored_on"] = on(stages["m"])
    if "r" in stages:
        data |= {"reviewed_52w_on": on(stages["r"][0]), "on_treatment_52w": stages["r"][1]}
    if "g" in stages:
        data["gp_letter_sent_on"] = on(stages["g"])
    services.bone_health_update(patient=patient, data=data, by=clinician)
    if first == "Grace":
        # The patient's side: she says she stopped her tablets (bone_medicine_stopped).
        recovery_services.checkin_record(
            patient=patient, data={"pain_score": 2, "bone_medicine": "stopped"}
        )


def patient_birthday(days_ago: int):
    from datetime import date

    return date(1946 + days_ago % 9, 1 + days_ago % 12, 1 + days_ago % 27)
