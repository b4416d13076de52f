"""The benchmark: the service against its floor, interleaved, on one seeded database.

Run by bench/run after it created, migrated and seeded the database (bench/seed.py). This
process starts everything it measures and stops it again:

- an SMTP sink on loopback (bench/smtp_sink.py),
- gunicorn serving the service (tracker.wsgi) and, with the same command line, the floor
  (bench.floor.wsgi): sync workers, 2 of them, persistent database connections,
- a Celery worker (prefork, concurrency 2) on the Redis broker, sending to the sink.

Each round measures every pair (service, floor) back to back, alternating which goes first,
because this machine's speed drifts by tens of percent within minutes: only same-round ratios
mean anything. Results go to var/bench/results.json and bench/RESULTS.md.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
DURATION = int(os.environ.get("BENCH_DURATION", 10))  # seconds per wrk measurement
CONNECTIONS = 16
MESSAGES = int(os.environ.get("BENCH_MESSAGES", 10_000))  # reminders / emails per dispatch
PLAN_PROCEDURES = int(os.environ.get("BENCH_PLAN_PROCEDURES", 10_000))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SMTP_PORT = free_port()
SERVICE_PORT = free_port()
FLOOR_PORT = free_port()
COUNT_FILE = OUT / "smtp-count"

# The driver (tokens, floor email, plan round) and every child share these.
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(SMTP_PORT),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.mail import EmailMultiAlternatives, get_connection  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import plugins  # noqa: E402
from bench.seed import BENCH_CLINICIAN, TINY_CLINICIAN  # noqa: E402
from outbox import emails  # noqa: E402
from outbox.models import Message  # noqa: E402
from outbox.services import messages_wake  # noqa: E402


def say(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# --- Processes -----------------------------------------------------------------------------


class Service:
    """A child process in its own session, so stopping it stops its workers too."""

    def __init__(self, name: str, cmd: list[str], env: dict | None = None):
        self.name = name
        self.log = OUT / f"{name}.log"
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def fail(self, why: str) -> None:
        raise RuntimeError(f"{self.name}: {why}\n{self.log.read_text()[-3000:]}")


def wait_until(predicate, *, timeout: float, what: str, service: Service | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if service is not None and not service.alive():
            service.fail("exited early")
        time.sleep(0.1)
    if service is not None:
        service.fail(f"timed out waiting for {what}")
    raise RuntimeError(f"timed out waiting for {what}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except OSError:
        return False


def gunicorn(name: str, app: str, port: int) -> Service:
    # The one command line both the service and the floor are served with.
    cmd = [
        str(VENV_BIN / "gunicorn"),
        app,
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "512",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    service = Service(name, cmd)
    wait_until(
        lambda: http_ok(f"http://127.0.0.1:{port}/nowhere/"),
        timeout=60,
        what="gunicorn",
        service=service,
    )
    return service


def celery_worker() -> Service:
    cmd = [
        str(VENV_BIN / "celery"),
        "-A",
        "tracker",
        "worker",
        "--loglevel",
        "WARNING",
        "--concurrency",
        "2",
        "--pool",
        "prefork",
        "--hostname",
        "bench@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    service = Service("celery", cmd)
    # The worker logs "ready." at INFO only; ask it over the broker instead.
    from tracker.celery import app

    wait_until(
        lambda: bool(app.control.ping(timeout=0.5)), timeout=60, what="worker", service=service
    )
    return service


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the peak resident set size of the process over its life."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sink_count() -> int:
    try:
        return int(COUNT_FILE.read_text() or 0)
    except (OSError, ValueError):
        return 0


# --- Measurements --------------------------------------------------------------------------


def wrk(url: str, script: str, *args: str, duration: int = DURATION) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / script),
        url,
        "--",
        *args,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True)
    match = re.search(r"^BENCH (\{.*\})$", out.stdout, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk gave no summary:\n{out.stdout}\n{out.stderr}")
    raw = json.loads(match.group(1))
    errors = raw["non2xx"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    if errors:
        # Any refused request makes the throughput meaningless; say so loudly.
        raise RuntimeError(f"wrk {url}: {errors} failed requests: {raw}\n{out.stdout}")
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "requests": raw["requests"],
    }


def wait_outbox_idle(timeout: float = 120) -> None:
    """Let the worker finish what the check-in rounds queued before timing a dispatch."""
    busy = Message.objects.filter(status__in=["queued", "sending"])
    wait_until(lambda: not busy.exists(), timeout=timeout, what="the outbox to drain")


def sample_email() -> tuple[str, str, str]:
    # Realistic size and shape: the enrollment email, text and HTML.
    return emails.render(
        "recovery/email/enrollment",
        {"first_name": "Pat", "code": "ABCD-EFGH-JKMN", "days": 14},
    )


def outbox_dispatch(n: int) -> dict:
    """n queued emails woken at once: broker, worker, claim, SMTP, mark sent."""
    subject, text, html = sample_email()
    rows = Message.objects.bulk_create(
        [
            Message(
                to=f"p{i:05d}@bench.test",
                subject=subject,
                body_text=text,
                body_html=html,
                category="bench",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    base = sink_count()
    started = time.monotonic()
    messages_wake([row.pk for row in rows])
    wait_until(lambda: sink_count() >= base + n, timeout=600, what=f"{n} emails at the sink")
    seconds = time.monotonic() - started
    return {"per_second": n / seconds, "seconds": seconds}


def floor_email(n: int, sample: tuple[str, str, str, dict] | None = None) -> dict:
    """Django's SMTP backend, one reused connection, n emails like the service's."""
    subject, text, html, headers = sample or (*sample_email(), {})
    base = sink_count()
    started = time.monotonic()
    with get_connection("django.core.mail.backends.smtp.EmailBackend") as conn:
        for i in range(n):
            message = EmailMultiAlternatives(
                subject,
                text,
                settings.DEFAULT_FROM_EMAIL,
                [f"p{i:05d}@bench.test"],
                headers=headers,
                connection=conn,
            )
            message.attach_alternative(html, "text/html")
            message.send()
    wait_until(lambda: sink_count() >= base + n, timeout=60, what="floor emails at the sink")
    seconds = time.monotonic() - started
    return {"per_second": n / seconds, "seconds": seconds}


def query_counts(path: str, users: dict[str, User]) -> dict[str, int]:
    """The list's queries for a clinician of 500 patients and one of a single patient."""
    counts = {}
    for label, user in users.items():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.content[:500]
        counts[label] = len(queries)
    return counts


# --- The run -------------------------------------------------------------------------------


def summarize(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "values": values,
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now(UTC)
    services: list[Service] = []
    results: dict = {"rounds": [], "started_at": started_at.isoformat()}
    try:
        COUNT_FILE.unlink(missing_ok=True)
        sink = Service(
            "smtp-sink", [sys.executable, "-m", "bench.smtp_sink", str(SMTP_PORT), str(COUNT_FILE)]
        )
        services.append(sink)
        wait_until(COUNT_FILE.exists, timeout=20, what="the SMTP sink", service=sink)
        web = gunicorn("gunicorn-service", "tracker.wsgi:application", SERVICE_PORT)
        services.append(web)
        floor = gunicorn("gunicorn-floor", "bench.floor.wsgi:application", FLOOR_PORT)
        services.append(floor)
        worker = celery_worker()
        services.append(worker)
        say(f"up: service :{SERVICE_PORT}, floor :{FLOOR_PORT}, smtp :{SMTP_PORT}, worker")

        clinician = User.objects.get(email=BENCH_CLINICIAN)
        tiny = User.objects.get(email=TINY_CLINICIAN)
        clinician_token = str(AccessToken.for_user(clinician))
        # 400 patients spread over every team post the check-ins.
        # Whole users: a token carries a hash of the password (CHECK_REVOKE_TOKEN).
        patient_users = list(User.objects.filter(role="patient").order_by("id"))[::25][:400]
        tokens_file = OUT / "patient-tokens.txt"
        tokens_file.write_text(
            "\n".join(str(AccessToken.for_user(user)) for user in patient_users) + "\n"
        )
        svc = f"http://127.0.0.1:{SERVICE_PORT}"
        flr = f"http://127.0.0.1:{FLOOR_PORT}"
        pairs = {
            "checkin": (
                (f"{svc}/api/v1/checkins/", "post_checkin.lua", str(tokens_file)),
                (f"{flr}/floor/checkins/", "post_checkin.lua", str(tokens_file)),
            ),
            "patient_list": (
                (f"{svc}/api/v1/patients/?page_size=50", "get_auth.lua", clinician_token),
                (f"{flr}/floor/patients/", "get_auth.lua", clinician_token),
            ),
        }
        dashboard = plugins.dashboard_path(Client(), clinician)
        results["query_counts"] = {
            "patient_list": query_counts(
                "/api/v1/patients/?page_size=50", {"500 patients": clinician, "1 patient": tiny}
            )
        }
        if dashboard:
            results["query_counts"]["dashboard"] = query_counts(
                dashboard, {"500 patients": clinician, "1 patient": tiny}
            )
        say(f"query counts: {results['query_counts']}")

        # Warm-up: imports, connections, caches; not recorded.
        for service_side, floor_side in pairs.values():
            wrk(*service_side, duration=2)
            wrk(*floor_side, duration=2)
        if dashboard:
            wrk(f"{svc}{dashboard}", "get_auth.lua", clinician_token, duration=2)
        floor_email(200)
        wait_outbox_idle()
        outbox_dispatch(200)

        planner = plugins.Planner.find()
        dispatcher = plugins.ReminderDispatch.find()
        if planner:
            say(f"plans of {planner.history()} earlier procedures written (untimed)")
        if dispatcher and not planner:
            raise RuntimeError("reminder dispatch needs the plan builder to make reminders")
        sample = None  # a real reminder email, once the first plan round made reminders
        for number in range(ROUNDS):
            rnd: dict = {"load_before": os.getloadavg()[0]}
            service_first = number % 2 == 0
            say(f"round {number + 1}/{ROUNDS} ({'service' if service_first else 'floor'} first)")
            if planner:
                rnd["plan"] = planner.run(PLAN_PROCEDURES)
                say(f"  plan: {rnd['plan']}")
            for name, (service_side, floor_side) in pairs.items():
                order = [("service", service_side), ("floor", floor_side)]
                if not service_first:
                    order.reverse()
                for side, args in order:
                    rnd[f"{name}_{side}"] = wrk(*args)
                    say(f"  {name} {side}: {rnd[f'{name}_{side}']}")
            if dashboard:
                rnd["dashboard_service"] = wrk(f"{svc}{dashboard}", "get_auth.lua", clinician_token)
                say(f"  dashboard: {rnd['dashboard_service']}")
            wait_outbox_idle()
            if dispatcher and sample is None:
                sample = dispatcher.sample()
            order = ["service", "floor"] if service_first else ["floor", "service"]
            for side in order:
                if side == "floor":
                    rnd["dispatch_floor"] = floor_email(MESSAGES, sample)
                elif dispatcher:
                    rnd["dispatch_service"] = dispatcher.run(MESSAGES, sink_count)
                else:
                    rnd["dispatch_service"] = outbox_dispatch(MESSAGES)
                say(f"  dispatch {side}: {rnd[f'dispatch_{side}']}")
            rnd["load_after"] = os.getloadavg()[0]
            results["rounds"].append(rnd)

        results["peak_rss_mib"] = {
            "gunicorn service worker": max(peak_rss_mib(p) for p in children(web.proc.pid)),
            "gunicorn floor worker": max(peak_rss_mib(p) for p in children(floor.proc.pid)),
            "celery worker (main)": peak_rss_mib(worker.proc.pid),
            "celery worker (pool child)": max(
                [peak_rss_mib(p) for p in children(worker.proc.pid)] or [0.0]
            ),
        }
        results["dispatch_kind"] = (
            "reminders" if dispatcher else "outbox emails (reminders app not present)"
        )
        results["plan"] = planner.describe() if planner else None
        results["dashboard_path"] = dashboard
        results["throttle_env"] = os.environ.get("BENCH_THROTTLE_ENV", "")
        results["rows"] = plugins.row_counts()
        results["finished_at"] = datetime.now(UTC).isoformat()
    finally:
        for service in reversed(services):
            service.stop()
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str))
    from bench import report

    report.write(results, ROOT / "bench" / "RESULTS.md")
    say(f"wrote bench/RESULTS.md and {OUT / 'results.json'}")


if __name__ == "__main__":
    random.seed(8)
    sys.exit(main())
