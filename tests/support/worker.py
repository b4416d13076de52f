"""A real Celery worker (and beat) in a subprocess, on the test database and a Redis broker."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from tracker.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def require_services() -> None:
    """End-to-end tests fail, never skip, when scripts/test promised the services."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        raise RuntimeError("end-to-end tests need CELERY_BROKER_URL=redis://... (scripts/test)")
    if connection.vendor != "postgresql":
        raise RuntimeError("end-to-end tests need DATABASE_URL=postgres://... (scripts/test)")


def test_database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def purge_broker(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


@contextlib.contextmanager
def broker(url: str):
    """Point this process's Celery app at another broker, as if Redis had gone away.

    Celery reads CELERY_BROKER_URL from the environment before its own configuration, so the
    variable is what must change; the cached connection pools are dropped both ways.
    """
    from unittest import mock

    def reset():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    with mock.patch.dict(os.environ, {"CELERY_BROKER_URL": url}):
        original = celery_app.conf.broker_url
        celery_app.conf.broker_url = url
        reset()
        try:
            yield
        finally:
            celery_app.conf.broker_url = original
    reset()


def wait_until(predicate, timeout: float = 60.0) -> bool:
    """A bounded poll on a real worker's progress."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


class Worker:
    def __init__(
        self,
        *,
        smtp_port: int,
        broker_url: str,
        beat: bool = True,
        extra_env: dict | None = None,
        concurrency: int = 2,
        name: str = "w1",
    ):
        self.env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "OUTBOX_SWEEP_SECONDS": "1",
            "OUTBOX_SENDING_LEASE_SECONDS": "5",
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            **(extra_env or {}),
        }
        self.beat = beat
        self.concurrency = concurrency
        self.name = name
        self.proc: subprocess.Popen | None = None
        self.log = Path(f"/tmp/tracker-worker-{os.getpid()}-{name}.log")

    def start(self) -> "Worker":
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            str(self.concurrency),
            "--pool",
            "prefork",
            "--hostname",
            f"{self.name}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if self.beat:
            cmd += ["--beat", "--schedule", f"/tmp/tracker-beat-{os.getpid()}-{self.name}"]
        self.proc = subprocess.Popen(  # noqa: S603 - our own command line
            cmd,
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text():
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"Celery worker did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole process group (main process and pool children)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
