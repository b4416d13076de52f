"""Friction a newcomer met on a fresh clone (issue 15)."""

from pathlib import Path

from django.core.management import call_command

from recovery.models import Alert

ROOT = Path(__file__).resolve().parents[2]


def test_the_root_sends_people_to_a_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    # The patient app's door when this build has one, else the care team's.
    assert response["Location"] in ("/app/", "/dashboard/login/")
    assert client.get(response["Location"]).status_code in (200, 302)


def test_the_demos_stopped_checking_in_patient_is_flagged(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", verbosity=0)
    flagged = Alert.objects.filter(rule="missed_checkins").values_list(
        "patient__first_name", flat=True
    )
    assert "Edith" in set(flagged)


def test_the_demo_runs_on_its_port_with_text_logs_and_says_how_to_stop():
    script = (ROOT / "scripts" / "run").read_text()
    assert "export PORT=" in script  # settings derive SITE_URL from it
    assert "export LOG_FORMAT=${LOG_FORMAT:-text}" in script
    assert "Ctrl-C" in script
    assert "Ctrl-C stops the demo" in (ROOT / "README.md").read_text()


def test_the_demo_is_coherent_and_the_readme_counts_it(db, settings):
    """Issue 23: the README said twelve patients where the list had 22, and a London patient
    sat on a US team in UTC. The demo team is in the United States: its clock, 911, and
    every patient in a US time zone; the README's count is the seeder's."""
    from recovery.models import CareTeam, Patient

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", verbosity=0)
    team = CareTeam.objects.get(name="Spine Recovery Demo")
    assert (team.timezone, team.emergency_number) == ("America/New_York", "911")
    patients = Patient.objects.filter(team=team)
    zones = set(patients.values_list("timezone", flat=True))
    assert all(zone.startswith(("America/", "Pacific/Honolulu")) for zone in zones), zones
    readme = (ROOT / "README.md").read_text()
    assert f"{patients.count()} patients" in readme
