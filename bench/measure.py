"""What the benchmark times: wrk against an URL, the outbox's dispatch of n emails, the floor's
n emails over one SMTP connection, a list's query count. Imported after django.setup()."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken

from accounts import user_cache
from accounts.models import User
from outbox import emails
from outbox.models import Message
from outbox.services import messages_wake

from .processes import ROOT, sink_count, wait_until

DURATION = int(os.environ.get("BENCH_DURATION", 10))  # seconds per wrk measurement
CONNECTIONS = 16


def wrk(
    url: str,
    script: str,
    *args: str,
    duration: int = DURATION,
    connections: int = CONNECTIONS,
    timeout: int = 10,
) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        f"{timeout}s",
        "-s",
        str(ROOT / "bench" / script),
        url,
        "--",
        *args,
    ]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=duration + timeout + 60, check=True
    )
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
    """The list's queries for a clinician of 500 patients and one of a single patient, each
    with the user row not in the shared cache (a token's first request), so the two compare."""
    counts = {}
    for label, user in users.items():
        user_cache.forget([user.pk])
        client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.content[:500]
        counts[label] = len(queries)
    return counts
