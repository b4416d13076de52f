"""SMS dispatch against its floor (bench/driver.py), both to the fake provider bench/sms_sink.py.

Service: n SMS outbox messages like a reminder's, queued and woken at once: broker, worker,
claim, the SMS transport's form POST, mark sent. Floor: the same n form POSTs, straight to the
provider over one httpx client, in one process. Imported after django.setup().
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from django.conf import settings

from outbox.models import Message
from outbox.services import messages_wake

from .processes import OUT, wait_until
from .sms_sink import ACCOUNT_SID, AUTH_TOKEN, SENDER

SMS_COUNT_FILE = OUT / "sms-count"
# Reminder-sized: one SMS segment and a sign-in link (reminders.messages.reminder_sms).
TEXT = (
    "Recovery tracker: time for today's check-in. It takes a minute: "
    "http://127.0.0.1:8000/app/s/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ Reply STOP to end."
)


def sms_count(path: Path = SMS_COUNT_FILE) -> int:
    try:
        return int(path.read_text() or 0)
    except (OSError, ValueError):
        return 0


def _number(i: int) -> str:
    return f"+1555{i % 10_000_000:07d}"


def sms_dispatch(n: int) -> dict:
    rows = Message.objects.bulk_create(
        [
            Message(channel=Message.Channel.SMS, to=_number(i), body_text=TEXT, category="bench")
            for i in range(n)
        ],
        batch_size=2000,
    )
    base = sms_count()
    started = time.monotonic()
    messages_wake([row.pk for row in rows])
    wait_until(lambda: sms_count() >= base + n, timeout=600, what=f"{n} SMS at the provider")
    seconds = time.monotonic() - started
    return {"per_second": n / seconds, "seconds": seconds}


def floor_sms(n: int) -> dict:
    """The same form POSTs (To, From, Body, StatusCallback), one client, one after another."""
    base = sms_count()
    callback = f"{settings.SITE_URL}/sms/status/?message="
    started = time.monotonic()
    with httpx.Client(
        base_url=settings.SMS_API_BASE_URL, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=10
    ) as client:
        for i in range(n):
            response = client.post(
                f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
                data={
                    "To": _number(i),
                    "From": SENDER,
                    "Body": TEXT,
                    "StatusCallback": f"{callback}{i}",
                },
            )
            response.raise_for_status()
            response.json()
    wait_until(lambda: sms_count() >= base + n, timeout=60, what="floor SMS at the provider")
    seconds = time.monotonic() - started
    return {"per_second": n / seconds, "seconds": seconds}
