"""The app under gunicorn in a subprocess, for tests that need real worker processes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


class AppServer:
    def __init__(self, env: dict, *, workers: int = 2, threads: int = 4):
        self.env = env
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = Path(f"/tmp/tracker-gunicorn-{os.getpid()}-{self.port}.log")
        self.proc: subprocess.Popen | None = None

    def start(self) -> "AppServer":
        self.proc = subprocess.Popen(  # noqa: S603 - our own app server
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tracker.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--timeout",
                "60",
                # Its default control socket is one path per machine user: concurrent servers
                # (other test runs on this machine) would fight over it.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                # Any answer will do; this one needs neither the database nor a schema build.
                requests.get(f"{self.base}/api/v1/me/", timeout=10)
                return self
            except requests.RequestException:  # not listening yet, or slow on a busy machine
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError(
                        f"gunicorn did not start:\n{self.log.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
