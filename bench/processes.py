"""The benchmark's child processes: start one in its own session, wait for it, read its
peak memory, stop it with its workers (bench/driver.py starts them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench"
COUNT_FILE = OUT / "smtp-count"  # the SMTP sink's running count (bench/smtp_sink.py)


def say(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


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
