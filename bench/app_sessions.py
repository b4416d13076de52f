"""Who the new measurements act as (bench/driver.py): patients signed in to the patient app
with a session and a CSRF token, and a clinician of every big team (10,000 patients) for the
bone-health worklist and indicators. Imported after django.setup()."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils.crypto import get_random_string

from accounts.models import User
from bench.seed import TINY_CLINICIAN
from recovery.models import CareTeam

ALL_TEAMS_CLINICIAN = "bench-all-teams@clinic.test"


def session_file(patients: list[User], path: Path) -> Path:
    """One line per patient: its session id and a CSRF secret (cookie and form field alike;
    Django accepts the unmasked secret as the token). Sessions are made the way a login makes
    them (Client.force_login: the configured session engine, the auth hash)."""
    lines = []
    for user in patients:
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        lines.append(f"{session} {get_random_string(32)}")
    path.write_text("\n".join(lines) + "\n")
    return path


def all_teams_clinician() -> User:
    """A clinician on every team but the one-patient one: the seeded 10,000 patients."""
    user, _ = User.objects.get_or_create(
        email=ALL_TEAMS_CLINICIAN,
        defaults={"role": "clinician", "password": make_password(None)},
    )
    membership = CareTeam.clinicians.through
    teams = CareTeam.objects.exclude(clinicians__email=TINY_CLINICIAN).values_list("pk", flat=True)
    membership.objects.bulk_create(
        [membership(careteam_id=pk, user_id=user.pk) for pk in teams], ignore_conflicts=True
    )
    return user
