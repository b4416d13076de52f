"""A care team, a clinician and a dozen patients with a few weeks of realistic check-ins."""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from recovery import alerts, services
from recovery.models import CareTeam, Patient

DEMO_TEAM = "Spine Recovery Demo"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed in the README, demo data only
OTHER_TEAM = "Other Clinic Demo"

# (first, last, timezone, procedure type, days ago, levels, cause, pre-pain, course)
# course: how pain evolves: "good" recovers as expected, "slow" gradually, and the
# others end in a warning sign the dashboard should show.
CAST = [
    ("Margaret", "Hill", "America/New_York", "kyphoplasty", 20, ["L1"], "osteoporosis", 8, "good"),
    (
        "Walter",
        "Brooks",
        "America/New_York",
        "vertebroplasty",
        16,
        ["T12"],
        "osteoporosis",
        9,
        "good",
    ),
    (
        "Helen",
        "Ortiz",
        "America/Chicago",
        "kyphoplasty",
        12,
        ["L2", "L3"],
        "osteoporosis",
        8,
        "good",
    ),
    ("George", "Patel", "America/Chicago", "vertebroplasty", 25, ["T11"], "trauma", 7, "good"),
    (
        "Dorothy",
        "Nguyen",
        "America/Los_Angeles",
        "kyphoplasty",
        9,
        ["L1"],
        "osteoporosis",
        9,
        "slow",
    ),
    ("Frank", "Kowalski", "America/Denver", "vertebroplasty", 14, ["T8"], "tumor", 8, "good"),
    ("Ruth", "Andersen", "America/Phoenix", "kyphoplasty", 6, ["L4"], "osteoporosis", 8, "fever"),
    (
        "Harold",
        "Moreau",
        "America/Los_Angeles",
        "vertebroplasty",
        10,
        ["T10"],
        "osteoporosis",
        9,
        "new_fracture",
    ),
    (
        "Evelyn",
        "Rossi",
        "America/New_York",
        "kyphoplasty",
        4,
        ["L1"],
        "osteoporosis",
        9,
        "no_relief",
    ),
    (
        "Arthur",
        "Silva",
        "America/Anchorage",
        "vertebroplasty",
        3,
        ["T12", "L1"],
        "osteoporosis",
        8,
        "neuro",
    ),
    # Inside missed_checkins' window (days 1-14): last check-in on day 6, then nothing.
    ("Edith", "Fischer", "America/Chicago", "kyphoplasty", 9, ["L3"], "osteoporosis", 7, "missed"),
    (
        "Stanley",
        "Cohen",
        "America/New_York",
        "vertebroplasty",
        2,
        ["T9"],
        "osteoporosis",
        8,
        "embolism",
    ),
]


def pain_course(
    course: str, pre: int, day: int, rng: random.Random
) -> tuple[int, list[str], float]:
    """Pain, symptoms and temperature on a given day after the procedure."""
    temp = round(rng.uniform(36.4, 37.2), 1)
    if course == "slow":
        return max(1, round(pre * (1 - day / 24)) + rng.choice([0, 0, 1])), [], temp
    if course == "no_relief":
        return pre - rng.choice([0, 1]), [], temp
    base = 2 if day >= 1 else pre - 2
    pain = max(0, base + rng.choice([0, 0, 0, 1]) - (1 if day > 7 else 0))
    return pain, [], temp


# What a patient writes beside the warning sign on the day it fires (the card shows it).
FINAL_NOTES = {
    "fever": "Shivery since this afternoon.",
    "new_fracture": "Sharp pain when I bent to pick up the cat.",
    "neuro": "Left leg feels numb on the stairs.",
    "embolism": "Short of breath walking to the kitchen.",
}


class Command(BaseCommand):
    help = "Create demo data: a care team, a clinician and a dozen patients (idempotent)."

    def handle(self, *args, **options):
        if CareTeam.objects.filter(name=DEMO_TEAM).exists():
            self.stdout.write("demo data already present")
            self.seed_others()
            return
        with transaction.atomic():
            self.seed()
        self.seed_others()
        # Beat evaluates missed check-ins hourly; do it once now so the demo shows them.
        alerts.missed_checkins_evaluate()
        self.stdout.write(self.style.SUCCESS("demo data created"))
        self.stdout.write(f"clinician: clinician@demo.example / {DEMO_PASSWORD}")
        self.stdout.write(f"patient:   margaret.hill@demo.example / {DEMO_PASSWORD}")
        self.stdout.write(f"caregiver: ann.hill@demo.example / {DEMO_PASSWORD}")

    def seed_others(self) -> None:
        """The other apps' demo data (DEMO_SEEDERS: the caregiver, caregivers/demo.py; the
        bone-health patients, bonehealth/demo.py), named by dotted path so that recovery
        imports no app above it. Each is idempotent on its own, so a demo database seeded
        before one was written gains its data too."""
        team = CareTeam.objects.get(name=DEMO_TEAM)
        clinician = User.objects.get(email="clinician@demo.example")
        for path in settings.DEMO_SEEDERS:
            if import_string(path)(team=team, clinician=clinician, password=DEMO_PASSWORD):
                self.stdout.write(f"demo data added: {path}")

    def seed(self) -> None:
        rng = random.Random(2026)
        services.clinician_create_or_update(
            email="clinician@demo.example",
            password=DEMO_PASSWORD,
            team_name=DEMO_TEAM,
            full_name="Dana Reyes",
        )
        services.clinician_create_or_update(
            email="other@demo.example",
            password=DEMO_PASSWORD,
            team_name=OTHER_TEAM,
            full_name="Sam Other",
        )
        team = CareTeam.objects.get(name=DEMO_TEAM)
        # The patient app's "call your care team" button (a fictional number).
        team.phone = "+12025550100"
        # A team in the United States: its clock, 911, and patients in US time zones.
        team.timezone = "America/New_York"
        team.emergency_number = "911"
        team.save(update_fields=["phone", "timezone", "emergency_number"])
        now = timezone.now()
        for first, last, tz, kind, days_ago, levels, cause, pre, course in CAST:
            patient, _code = services.patient_enroll(
                team=team,
                data={
                    "email": f"{first}.{last}@demo.example".lower(),
                    "first_name": first,
                    "last_name": last,
                    "date_of_birth": now.date().replace(year=now.year - rng.randint(62, 84)),
                    "timezone": tz,
                    "reminder_hour": 9,
                    "has_osteoporosis": cause == "osteoporosis",
                },
            )
            # A phone for the nurse to call back: the fictional 555-01xx range.
            Patient.objects.filter(pk=patient.pk).update(
                phone=f"+1202555{200 + patient.pk % 800:04d}"
            )
            User.objects.filter(pk=patient.user_id).update(password="")
            patient.user.set_password(DEMO_PASSWORD)
            patient.user.save(update_fields=["password"])
            performed_on = patient.local_today() - timedelta(days=days_ago)
            Patient.objects.filter(pk=patient.pk).update(
                enrolled_at=now - timedelta(days=days_ago + 1)
            )
            patient.refresh_from_db()
            services.procedure_record(
                patient=patient,
                data={
                    "procedure_type": kind,
                    "performed_on": performed_on,
                    "vertebral_levels": levels,
                    "cause": cause,
                    "pre_procedure_pain": pre,
                    "lifting_restriction_days": 7,
                },
            )
            self.seed_checkins(patient, performed_on, days_ago, pre, course, rng)

    def seed_checkins(self, patient, performed_on, days_ago, pre, course, rng) -> None:
        last_day = days_ago - 3 if course == "missed" else days_ago
        for day in range(0, last_day + 1):
            local = datetime.combine(
                performed_on + timedelta(days=day), time(19, 0), tzinfo=patient.tz
            )
            recorded_at = min(local, timezone.now() - timedelta(minutes=5))
            pain, symptoms, temp = pain_course(course, pre, day, rng)
            notes = ""
            if day == last_day:
                pain, symptoms, temp = self.final_day(course, pain, symptoms, temp)
                notes = FINAL_NOTES.get(course, "")
            services.checkin_record(
                patient=patient,
                entered_by=patient.user,
                data={
                    "recorded_at": recorded_at,
                    "pain_score": pain,
                    "temperature_c": temp,
                    "symptoms": symptoms,
                    "notes": notes,
                },
            )

    @staticmethod
    def final_day(course, pain, symptoms, temp):
        if course == "fever":
            return 4, ["chills"], 38.6
        if course == "new_fracture":
            return 8, ["new_sudden_pain"], temp
        if course == "neuro":
            return 5, ["leg_numbness"], temp
        if course == "embolism":
            return 4, ["shortness_of_breath"], temp
        return pain, symptoms, temp
