"""Seed the benchmark database at scale with bulk inserts (run by bench/run after migrate).

10,000 patients in 20 care teams of 500 (the benchmark clinician has one of them), plus a
one-patient team whose clinician shows that the list's query count does not grow with data;
one procedure each over the past year (and an earlier one, 400 days before, for every other one);
30 check-ins each (300,000); open and resolved alerts linked to check-ins; a bone-health record
for a third of the patients, some milestones recorded, some late. A year of reminders
is built by the plan round of bench/driver.py when the reminders app exists. ORM bulk_create
keeps this correct when the models gain columns; it takes under a minute here.
"""

import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from bonehealth.models import BoneHealthRecord  # noqa: E402
from recovery.models import Alert, CareTeam, CheckIn, Patient, Procedure  # noqa: E402

PASSWORD = "bench-password-2026"  # noqa: S105 - throwaway benchmark data
PATIENTS = int(os.environ.get("BENCH_PATIENTS", 10_000))
TEAM_SIZE = 500
CHECKINS_EACH = int(os.environ.get("BENCH_CHECKINS_EACH", 30))
ZONES = ["UTC", "Europe/London", "America/New_York", "Europe/Berlin", "America/Chicago"]
BENCH_CLINICIAN = "bench@clinic.test"
TINY_CLINICIAN = "tiny@clinic.test"
SEVERITY_OF_RULE = {
    "embolism_signs": "emergency",
    "fever": "urgent",
    "new_fracture_suspected": "urgent",
    "worsening_pain": "warning",
    "no_relief": "warning",
    "site_infection": "warning",
    "missed_checkins": "info",
}


def log(message: str, started: float) -> None:
    print(f"  seed: {message} ({time.monotonic() - started:.1f} s)", flush=True)


def main() -> None:
    rng = random.Random(8)
    started = time.monotonic()
    now = datetime.now(UTC)
    today = now.date()
    password = make_password(PASSWORD)
    teams_count = max(PATIENTS // TEAM_SIZE, 1)

    with transaction.atomic():
        teams = CareTeam.objects.bulk_create(
            [CareTeam(name=f"Bench Team {i:02d}") for i in range(teams_count)]
            + [CareTeam(name="Bench Tiny Team")]
        )
        tiny_team = teams[-1]
        clinicians = User.objects.bulk_create(
            [
                User(email=f"clin{i:02d}@clinic.test", role="clinician", password=password)
                for i in range(teams_count)
            ]
        )
        clinicians[0].email = BENCH_CLINICIAN
        clinicians[0].save(update_fields=["email"])
        tiny = User.objects.create(email=TINY_CLINICIAN, role="clinician", password=password)
        membership = CareTeam.clinicians.through
        membership.objects.bulk_create(
            [
                membership(careteam_id=team.pk, user_id=clinician.pk)
                for team, clinician in zip(teams[:-1], clinicians, strict=True)
            ]
            + [membership(careteam_id=tiny_team.pk, user_id=tiny.pk)]
        )
        log("teams and clinicians", started)

        users = User.objects.bulk_create(
            [
                User(
                    email=f"p{i:05d}@bench.test",
                    role="patient",
                    password=password,
                    first_name=f"Pat{i:05d}",
                    last_name=f"Ient{(i * 7919) % 100000:05d}",
                )
                for i in range(PATIENTS + 1)
            ],
            batch_size=5000,
        )
        days_ago = [(i * 7919) % 365 for i in range(PATIENTS + 1)]
        patients = Patient.objects.bulk_create(
            [
                Patient(
                    user=user,
                    team=teams[i // TEAM_SIZE] if i < PATIENTS else tiny_team,
                    first_name=user.first_name,
                    last_name=user.last_name,
                    date_of_birth=date(1935 + i % 40, 1 + i % 12, 1 + i % 28),
                    timezone=ZONES[i % len(ZONES)],
                    reminder_hour=8 + i % 4,
                    has_osteoporosis=i % 3 != 0,
                    enrolled_at=now - timedelta(days=days_ago[i] + 3),
                )
                for i, user in enumerate(users)
            ],
            batch_size=5000,
        )
        log(f"{len(patients)} patients", started)

        procedures = []
        for i, patient in enumerate(patients):
            pre_pain = 6 + i % 5
            if i % 2 == 0:  # an earlier procedure, for an earlier fracture
                procedures.append(
                    Procedure(
                        patient=patient,
                        procedure_type="vertebroplasty",
                        performed_on=today - timedelta(days=days_ago[i] + 400),
                        vertebral_levels=["T11"],
                        cause="osteoporosis",
                        pre_procedure_pain=pre_pain,
                    )
                )
            procedures.append(
                Procedure(
                    patient=patient,
                    procedure_type="kyphoplasty" if i % 2 else "vertebroplasty",
                    performed_on=today - timedelta(days=days_ago[i]),
                    vertebral_levels=[["L1"], ["T12", "L1"], ["L2"], ["T8"]][i % 4],
                    cause=["osteoporosis", "osteoporosis", "trauma", "tumor", "other"][i % 5],
                    pre_procedure_pain=pre_pain,
                    height_loss_percent=None if i % 3 else 25,
                    lifting_restriction_days=7 if i % 4 else 14,
                )
            )
        Procedure.objects.bulk_create(procedures, batch_size=5000)
        log(f"{len(procedures)} procedures", started)

    # Check-ins in batches, each its own transaction, so memory stays flat.
    latest_checkin = {}
    batch: list[CheckIn] = []
    total = 0
    for i, patient in enumerate(patients):
        start = datetime.combine(today - timedelta(days=days_ago[i]), datetime.min.time(), UTC)
        span = max((now - start).total_seconds() - 3600, 3600.0)
        span = min(span, 120 * 86400)  # most check-ins fall in the first four months
        pre_pain = 6 + i % 5
        for k in range(CHECKINS_EACH):
            at = min(start + timedelta(seconds=span * (k + 1) / (CHECKINS_EACH + 1)), now)
            course = pre_pain * (1 - min(k / 6, 1) * 0.75)  # relief over the first few days
            pain = max(0, min(10, round(course + rng.choice((-1, 0, 0, 1)))))
            checkin = CheckIn(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                patient=patient,
                recorded_at=at,
                pain_score=pain,
                temperature_c=round(36.4 + rng.random(), 1) if k % 3 == 0 else None,
                symptoms=[],
                received_at=at,
                client_payload={"pain_score": pain},
            )
            batch.append(checkin)
            latest_checkin[patient.pk] = checkin.id
        if len(batch) >= 20_000 or i == len(patients) - 1:
            CheckIn.objects.bulk_create(batch, batch_size=5000)
            total += len(batch)
            batch = []
    log(f"{total} check-ins", started)

    with transaction.atomic():
        alerts = []
        rules = list(SEVERITY_OF_RULE)
        for i, patient in enumerate(patients):
            if i % 7 == 0:  # one in seven patients has something unresolved
                rule = rules[(i // 7) % len(rules)]
                alerts.append(
                    Alert(
                        patient=patient,
                        rule=rule,
                        severity=SEVERITY_OF_RULE[rule],
                        status="open" if i % 2 else "acknowledged",
                        message="seeded",
                        created_at=now - timedelta(hours=i % 200),
                        last_triggered_at=now - timedelta(hours=i % 100),
                    )
                )
            if i % 4 == 0:  # and history: resolved alerts
                alerts.append(
                    Alert(
                        patient=patient,
                        rule="worsening_pain",
                        severity="warning",
                        status="resolved",
                        message="seeded",
                        created_at=now - timedelta(days=30),
                        resolved_at=now - timedelta(days=29),
                        resolution_note="Reviewed by phone.",
                    )
                )
        Alert.objects.bulk_create(alerts, batch_size=5000)
        through = Alert.checkins.through
        through.objects.bulk_create(
            [through(alert_id=a.pk, checkin_id=latest_checkin[a.patient_id]) for a in alerts],
            batch_size=5000,
        )
        log(f"{len(alerts)} alerts", started)

    records = bone_health_records(patients, [today - timedelta(days=d) for d in days_ago], today)
    BoneHealthRecord.objects.bulk_create(records, batch_size=5000)
    log(f"{len(records)} bone-health records", started)

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else None
    log("analyzed", started)
    counts = {
        model.__name__: model.objects.count()
        for model in (User, Patient, Procedure, CheckIn, Alert)
    }
    print("  seed: rows " + ", ".join(f"{k}={v}" for k, v in counts.items()), flush=True)


def bone_health_records(patients: list, index_dates: list[date], today: date) -> list:
    """A third of the patients with some of the pathway recorded, on time, late or not yet
    (index_dates: each patient's latest procedure, its index date). The rest have no record,
    so the worklist's LEFT JOIN meets both."""
    records = []
    for i, (patient, index) in enumerate(zip(patients, index_dates, strict=True)):
        if i % 3 != 1:
            continue

        def on(day: int, index=index) -> date | None:
            return index + timedelta(days=day) if index + timedelta(days=day) <= today else None

        late = 30 if i % 4 == 1 else 0  # a quarter of them late on every milestone
        treatment = ["alendronate", "denosumab", "none", "declined", "zoledronate"][i % 5]
        records.append(
            BoneHealthRecord(
                patient=patient,
                pathway_override="on" if i % 31 == 1 else None,
                assessed_on=on(20 + late),
                risk="high",
                dxa_done_on=on(60 + late) if i % 2 else None,
                dxa_not_needed_on=None if i % 2 else on(30),
                falls_assessed_on=on(100 + late) if i % 7 else None,
                treatment=treatment if on(80) else None,
                treatment_recommended_on=on(80),
                treatment_started_on=on(95 + late)
                if treatment not in ("none", "declined")
                else None,
                monitored_on=on(110) if i % 5 else None,
                reviewed_52w_on=on(340) if i % 2 else None,
                on_treatment_52w=True if on(340) and i % 2 else None,
                gp_letter_sent_on=on(60 + late) if i % 3 else None,
            )
        )
    return records


if __name__ == "__main__":
    sys.exit(main())
