"""End to end on PostgreSQL, Redis, a real worker with beat and an SMTP server on loopback:
a discharged patient's reminders never go out while an active one's do, and a team
invitation arrives by email and its link lets the clinician join."""

import re
import time

import pytest
from django.test import Client

from accounts.models import User
from recovery import lifecycle
from recovery.models import TeamMembership
from reminders.models import Reminder
from tests.reminders.conftest import start_worker  # noqa: F401  (the fixture)
from tests.reminders.test_e2e import make_due, planned_patient
from tests.support.worker import wait_until

pytestmark = pytest.mark.e2e


def test_a_discharged_patients_reminders_never_go_out(start_worker, smtp_server, team):  # noqa: F811
    active, active_procedure = planned_patient(team, email="stays@patient.test")
    gone, gone_procedure = planned_patient(team, email="gone@patient.test")
    active_due = make_due(active_procedure, 2)
    gone_due = make_due(gone_procedure, 2)
    lifecycle.patient_discharge(patient=gone, by=None, reason="deceased")
    start_worker(smtp_server.port)
    assert wait_until(
        lambda: Reminder.objects.filter(pk__in=active_due, status="sent").count() == 2
    )
    time.sleep(3)  # more dispatcher ticks
    assert {m["To"] for m in smtp_server.inbox.messages} == {"stays@patient.test"}
    assert set(Reminder.objects.filter(pk__in=gone_due).values_list("status", flat=True)) == {
        "cancelled"
    }


def test_an_invitation_arrives_and_its_link_joins_the_team(
    start_worker,  # noqa: F811
    smtp_server,
    team,
    clinician,
):
    TeamMembership.objects.filter(careteam=team, user=clinician).update(is_admin=True)
    start_worker(smtp_server.port)
    admin = Client()
    admin.force_login(clinician)
    response = admin.post(f"/dashboard/team/{team.pk}/invite/", {"email": "dan@clinic.test"})
    assert response.status_code == 302
    [message] = smtp_server.inbox.wait_for(1, timeout=20)
    assert message["To"] == "dan@clinic.test"
    text = message.get_body(("plain",)).get_content()
    assert team.name in message["Subject"]
    path = re.search(r"https?://[^/\s]+(/dashboard/invite/[\w-]+/)", text).group(1)
    assert path in message.get_body(("html",)).get_content()

    newcomer = Client()
    assert newcomer.get(path).status_code == 200
    done = newcomer.post(path, {"first_name": "Dan", "password": "a-long-enough-pass-phrase"})
    assert done.status_code == 302
    dan = User.objects.get(email="dan@clinic.test")
    assert TeamMembership.objects.filter(careteam=team, user=dan, is_admin=False).exists()
    assert newcomer.get(f"/dashboard/team/{team.pk}/").status_code == 200
