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
