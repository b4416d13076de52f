"""The parts of the benchmark that depend on apps which may not exist yet.

The dashboard (GET /api/v1/dashboard/), the reminder plan builder and the reminder dispatcher
are measured when the code base has them and reported as absent otherwise; each probe below
says what it looks for.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

DASHBOARD = "/api/v1/dashboard/"


def dashboard_path(client, clinician) -> str | None:
    token = AccessToken.for_user(clinician)
    response = client.get(DASHBOARD, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    return DASHBOARD if response.status_code == 200 else None


def row_counts() -> dict[str, int]:
    """Exact row counts of every table but Django's own bookkeeping."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if not table.startswith(("django_", "auth_")):
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - table names
                counts[table] = cursor.fetchone()[0]
    counts["total"] = sum(counts.values())
    return counts


def _reminder_model():
    try:
        module = importlib.import_module("reminders.models")
    except ImportError:
        return None
    return getattr(module, "Reminder", None)


def _latest_procedures(limit: int):
    """The latest procedure of up to `limit` patients: what a plan is built for."""
    from recovery.models import Procedure

    return list(
        Procedure.objects.order_by("patient_id", "-performed_on", "-id")
        .distinct("patient_id")
        .select_related("patient")[:limit]
    )


class Planner:
    """Times the plan builder over many procedures (their old plans deleted first, untimed)."""

    def __init__(self, name: str, build: Callable[[list], None], model):
        self.name = name
        self.build = build
        self.model = model

    @classmethod
    def find(cls) -> Planner | None:
        model = _reminder_model()
        if model is None:
            return None
        services = importlib.import_module("reminders.planning")
        # A batch builder first (what 10,000 procedures need), then the per-procedure one.
        for name in ("plans_create", "plans_build", "plan_build_many"):
            batch = getattr(services, name, None)
            if batch is not None:
                return cls(
                    f"reminders.planning.{name}",
                    lambda procedures, batch=batch: batch(procedures=procedures),
                    model,
                )
        single = getattr(services, "plan_build", None)
        if single is None:
            raise RuntimeError("reminders has a Reminder model but no plan builder bench knows")

        def each(procedures):
            for procedure in procedures:
                single(procedure=procedure)

        return cls("reminders.planning.plan_build (one call per procedure)", each, model)

    def describe(self) -> str:
        return self.name

    def history(self) -> int:
        """Plans of the earlier procedures (history: all in the past), built once, untimed."""
        from recovery.models import Procedure

        latest = {p.pk for p in _latest_procedures(10**9)}
        earlier = [p for p in Procedure.objects.select_related("patient") if p.pk not in latest]
        self.model.objects.filter(procedure__in=earlier).delete()
        self.build(earlier)
        return len(earlier)

    def procedure_ids(self, count: int) -> list[int]:
        """The procedures run(count) plans: for the COPY floor (bench/plan_floor.py)."""
        return [p.pk for p in _latest_procedures(count)]

    def run(self, count: int) -> dict:
        procedures = _latest_procedures(count)
        self.model.objects.filter(procedure__in=procedures).delete()
        started = time.monotonic()
        self.build(procedures)
        seconds = time.monotonic() - started
        created = self.model.objects.filter(procedure__in=procedures).count()
        return {"seconds": seconds, "procedures": len(procedures), "reminders": created}


class ReminderDispatch:
    """n reminders made due now, the dispatcher task sent to the worker, timed to the sink:
    the dispatcher queues their outbox messages, the outbox's send tasks deliver them."""

    def __init__(self, task, model):
        self.task = task
        self.model = model

    @classmethod
    def find(cls) -> ReminderDispatch | None:
        model = _reminder_model()
        if model is None:
            return None
        tasks = importlib.import_module("reminders.tasks")
        names = [n for n in dir(tasks) if n.endswith("_task") and "dispatch" in n]
        if not names:
            raise RuntimeError("reminders has a Reminder model but no *dispatch*_task")
        return cls(getattr(tasks, names[0]), model)

    def sample(self) -> tuple[str, str, str, dict]:
        """One real reminder email (subject, text, HTML, headers): the floor sends its like."""
        messages = importlib.import_module("reminders.messages")
        placeholder = importlib.import_module("outbox.models").SECRET_PLACEHOLDER
        reminder = (
            self.model.objects.exclude(kind="checkin")
            .select_related("patient__user", "procedure")
            .first()
        )
        # Built, not saved; the sign-in token stands where the outbox puts the real one.
        message = messages.reminder_email(reminder=reminder, token="x" * 43)
        text = message.body_text.replace(placeholder, message.secret)
        html = message.body_html.replace(placeholder, message.secret)
        return message.subject, text, html, dict(message.headers)

    def prepare(self, count: int) -> None:
        now = timezone.now()
        rows = self.model.objects
        # Nothing else may be due: every earlier reminder counts as handled already.
        rows.filter(status="scheduled", due_at__lte=now + timedelta(hours=1)).update(
            status="cancelled"
        )
        # Check-in reminders are skipped when the patient checked in that day: leave them out
        # so that every chosen reminder becomes an email.
        chosen = list(
            rows.exclude(kind="checkin").order_by("due_at").values_list("pk", flat=True)[:count]
        )
        fresh = {"status": "scheduled", "due_at": now - timedelta(minutes=1), "reason": ""}
        for name in ("claimed_at", "sent_at"):
            if any(f.name == name for f in self.model._meta.fields):
                fresh[name] = None
        rows.filter(pk__in=chosen).update(**fresh)
        if len(chosen) < count:
            raise RuntimeError(f"only {len(chosen)} reminders to dispatch, {count} wanted")

    def run(self, count: int, sink_count: Callable[[], int]) -> dict:
        self.prepare(count)
        base = sink_count()
        started = time.monotonic()
        self.task.delay()
        deadline = started + 600
        while sink_count() < base + count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {sink_count() - base} of {count} reminders arrived")
            time.sleep(0.05)
        seconds = time.monotonic() - started
        return {"per_second": count / seconds, "seconds": seconds}
