"""PostgreSQL restarted under load: in-flight check-ins fail cleanly (503 with Retry-After,
nothing half-written), later ones succeed, and every 201 is stored with its alert. And
concurrent replays of one offline check-in over several connections store it exactly once.

Runs the real stack: gunicorn serving the app on a throwaway PostgreSQL cluster (never the
shared one), check-ins fired from several threads while that cluster stops and starts.
"""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings

from tests.support.appserver import AppServer
from tests.support.postgres import ThrowawayPostgres

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = 4
THREADS = 8

SEED = """
import json
from tests.factories import PatientFactory, ProcedureFactory
from rest_framework_simplejwt.tokens import AccessToken
out = []
for n in range({patients}):
    patient = PatientFactory()
    ProcedureFactory(patient=patient)
    out.append({{"patient": patient.pk, "token": str(AccessToken.for_user(patient.user))}})
print("SEED=" + json.dumps(out))
"""


def app_env(database_url: str) -> dict:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",  # persistent connections: the restart must break them
        "CELERY_BROKER_URL": broker,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "THROTTLE_CHECKIN_RATE": "100000/min",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def cluster():
    from tests.support.worker import require_services

    require_services()
    pg = ThrowawayPostgres().start()
    yield pg
    pg.destroy()


@pytest.fixture
def app_server(cluster):
    cluster.create_database("tracker_fault")
    env = app_env(cluster.url("tracker_fault"))
    manage(env, "migrate", "--noinput")
    seed = manage(env, "shell", "-c", SEED.format(patients=PATIENTS))
    people = json.loads(seed.split("SEED=", 1)[1])
    server = AppServer(env).start()
    yield {"base": server.base, "people": people, "db": cluster.url("tracker_fault")}
    server.stop()


def checkin_body(n: int) -> dict:
    # A fever and steady low pain: every stored check-in fires exactly the fever rule.
    return {"id": str(uuid.uuid4()), "pain_score": 2, "temperature_c": 38.0 + (n % 10) / 10}


def post(session, base, person, body):
    return session.post(
        f"{base}/api/v1/checkins/",
        json=body,
        headers={"Authorization": f"Bearer {person['token']}"},
        timeout=30,
    )


def test_postgres_restart_under_load_fails_cleanly_and_recovers(app_server, cluster):
    base, people = app_server["base"], app_server["people"]
    results: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()

    def fire(worker: int) -> None:
        session = requests.Session()
        n = 0
        while not stop.is_set():
            person = people[(worker + n) % len(people)]
            body = checkin_body(n)
            n += 1
            try:
                response = post(session, base, person, body)
                outcome = {
                    "status": response.status_code,
                    "json": response.json(),
                    "retry_after": response.headers.get("Retry-After"),
                }
            except (requests.ConnectionError, ValueError) as exc:
                outcome = {"status": None, "error": repr(exc)}
            with lock:
                results.append({"person": person, "body": body, "at": time.monotonic(), **outcome})

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(2)  # load running against a healthy database
    down_at = time.monotonic()
    cluster.stop("fast")  # terminates the backends of in-flight requests
    time.sleep(1.5)  # requests keep arriving while it is down
    cluster.start()
    up_at = time.monotonic()
    time.sleep(3)  # and after it is back
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    statuses = [r["status"] for r in results]
    assert set(statuses) <= {201, 503}, [r for r in results if r["status"] not in (201, 503)][:3]
    failed = [r for r in results if r["status"] == 503]
    stored = [r for r in results if r["status"] == 201]
    print(f"{len(stored)} stored, {len(failed)} refused with 503")
    assert failed, "the restart never hit a request: the test proved nothing"
    assert any(r["at"] < down_at for r in stored)
    assert any(r["at"] > up_at for r in stored), "no check-in succeeded after the restart"
    for r in failed:
        assert r["retry_after"] and int(r["retry_after"]) > 0
        assert "detail" in r["json"]

    with psycopg.connect(app_server["db"]) as db:
        rows = dict(db.execute("SELECT id::text, patient_id FROM recovery_checkin").fetchall())
        links = dict(
            db.execute("SELECT checkin_id::text, alert_id FROM recovery_alert_checkins").fetchall()
        )
        occurrences = dict(
            db.execute(
                "SELECT patient_id, SUM(occurrences) FROM recovery_alert WHERE rule = 'fever'"
                " GROUP BY patient_id"
            ).fetchall()
        )
    # Every 201 is stored, linked to the alert its answer named.
    for r in stored:
        checkin_id = r["body"]["id"]
        assert rows.get(checkin_id) == r["person"]["patient"]
        assert [a["rule"] for a in r["json"]["alerts"]] == ["fever"]
        assert links.get(checkin_id) == r["json"]["alerts"][0]["id"]
    # Every 503 left nothing behind: no check-in, no alert link, no counted occurrence.
    for r in failed:
        assert r["body"]["id"] not in rows
        assert r["body"]["id"] not in links
    assert len(rows) == len(stored)
    per_patient = {p["patient"]: 0 for p in people}
    for patient_id in rows.values():
        per_patient[patient_id] += 1
    assert {k: v for k, v in per_patient.items() if v} == {
        k: int(v) for k, v in occurrences.items()
    }

    # Later requests succeed: the failed check-ins, sent again, are stored now (they were
    # never half-stored), and a successful one sent again is a replay.
    session = requests.Session()
    for r in failed[:10]:
        again = post(session, base, r["person"], r["body"])
        assert again.status_code == 201, again.text
    replay = post(session, base, stored[0]["person"], stored[0]["body"])
    assert replay.status_code == 200


def test_concurrent_replays_of_one_offline_checkin_store_it_once(app_server):
    base, person = app_server["base"], app_server["people"][0]
    body = {"id": str(uuid.uuid4()), "pain_score": 2, "temperature_c": 38.7}
    connections = 12
    barrier = threading.Barrier(connections)
    answers: list = [None] * connections

    def send(i: int) -> None:
        session = requests.Session()  # one connection each, as separate phones would
        barrier.wait(timeout=30)
        answers[i] = post(session, base, person, body)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * (connections - 1) + [201], statuses
    bodies = {json.dumps(a.json(), sort_keys=True) for a in answers}
    assert len(bodies) == 1, "every replay answers with the same representation"

    with psycopg.connect(app_server["db"]) as db:
        [(stored,)] = db.execute(
            "SELECT COUNT(*) FROM recovery_checkin WHERE id = %s", [body["id"]]
        ).fetchall()
        [(occurrences, links)] = db.execute(
            "SELECT a.occurrences, COUNT(l.id) FROM recovery_alert a"
            " LEFT JOIN recovery_alert_checkins l ON l.alert_id = a.id"
            " WHERE a.patient_id = %s AND a.rule = 'fever' GROUP BY a.id",
            [person["patient"]],
        ).fetchall()
    assert (stored, occurrences, links) == (1, 1, 1)
