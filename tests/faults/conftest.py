"""Shared pieces of the fault tests (issue 6): a throwaway Redis that can be killed and
brought back on the same port, the test process pointed at another broker, patients whose
urgent check-ins email their care team, and a bounded poll on real components."""

import datetime as dt
import subprocess
import time
from collections import Counter

import pytest
import redis
from django.utils import timezone

from outbox.models import Message
from tests.factories import ClinicianFactory, PatientFactory, ProcedureFactory
from tests.support.smtp import free_port


class ThrowawayRedis:
    """A redis-server of our own on a free port (never the machine's 6379), without
    persistence: killing it loses every message it held, as a crashed broker would."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "ThrowawayRedis":
        self.proc = subprocess.Popen(  # noqa: S603 - fixed command line
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # SIGKILL: no goodbye to the clients, nothing saved
            self.proc.wait(timeout=10)

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.port).ping())
        except redis.ConnectionError:
            return False


@pytest.fixture
def throwaway_redis():
    server = ThrowawayRedis().start()
    yield server
    server.kill()


@pytest.fixture
def care_team(team, clinician):
    """Two clinicians on the team: each urgent check-in emails both."""
    return [clinician, ClinicianFactory(email="erin@clinic.test", teams=[team])]


@pytest.fixture
def operated_patients(team):
    def make(count: int) -> list:
        patients = []
        for n in range(count):
            patient = PatientFactory(team=team, user__email=f"p{n}@patient.test")
            ProcedureFactory(
                patient=patient, performed_on=timezone.now().date() - dt.timedelta(days=3)
            )
            patients.append(patient)
        return patients

    return make


def post_urgent_checkin(api, patient) -> None:
    """Through the API, as the app would: 201 with its fever alert and urgent guidance."""
    response = api(patient.user).post(
        "/api/v1/checkins/", {"pain_score": 2, "temperature_c": 38.6}, format="json"
    )
    assert response.status_code == 201, response.content
    assert [a["rule"] for a in response.json()["alerts"]] == ["fever"]
    assert response.json()["guidance"]["severity"] == "urgent"


def alert_emails():
    return Message.objects.filter(category="alert-urgent")


def outbox_ids(messages) -> Counter:
    return Counter(int(m["X-Outbox-Id"]) for m in messages)


def all_sent(ids) -> bool:
    return Message.objects.filter(pk__in=ids, status="sent").count() == len(ids)
