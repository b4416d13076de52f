"""The benchmark: the service against its floor, interleaved, on one seeded database.

Run by bench/run after it created, migrated and seeded the database (bench/seed.py). This
process starts everything it measures and stops it again:

- an SMTP sink on loopback (bench/smtp_sink.py),
- gunicorn serving the service (tracker.wsgi) and, with the same command line, the floor
  (bench.floor.wsgi): sync workers, 2 of them, persistent database connections,
- a Celery worker (prefork, concurrency 2) on the Redis broker, sending to the sink,
- a fake SMS provider on loopback (bench/sms_sink.py) the worker's SMS transport posts to.

Each round measures every pair (service, floor) back to back, alternating which goes first,
because this machine's speed drifts by tens of percent within minutes: only same-round ratios
mean anything. Results go to var/bench/results.json and bench/RESULTS.md.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sys
from datetime import UTC, datetime

from bench.processes import (
    COUNT_FILE,
    OUT,
    ROOT,
    Service,
    celery_worker,
    children,
    gunicorn,
    peak_rss_mib,
    say,
    sink_count,
    wait_until,
)
from bench.sms_sink import settings_env  # noqa: E402 - no Django in it

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
MESSAGES = int(os.environ.get("BENCH_MESSAGES", 10_000))  # reminders / emails per dispatch
SINGLE = {"connections": 2, "timeout": 60}  # the bone-health measurements' wrk
PLAN_PROCEDURES = int(os.environ.get("BENCH_PLAN_PROCEDURES", 10_000))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SMTP_PORT = free_port()
SERVICE_PORT = free_port()
FLOOR_PORT = free_port()
SMS_PORT = free_port()

# The driver (tokens, floor email, plan round) and every child share these.
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(SMTP_PORT),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        **settings_env(SMS_PORT),
    }
)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import plugins  # noqa: E402
from bench.app_sessions import all_teams_clinician, session_file  # noqa: E402
from bench.measure import (  # noqa: E402
    floor_email,
    outbox_dispatch,
    query_counts,
    wait_outbox_idle,
    wrk,
)
from bench.plan_floor import copy_floor  # noqa: E402
from bench.seed import BENCH_CLINICIAN, TINY_CLINICIAN  # noqa: E402
from bench.sms import SMS_COUNT_FILE, floor_sms, sms_dispatch  # noqa: E402


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
        SMS_COUNT_FILE.unlink(missing_ok=True)
        sms_sink = Service(
            "sms-sink", [sys.executable, "-m", "bench.sms_sink", str(SMS_PORT), str(SMS_COUNT_FILE)]
        )
        services.append(sms_sink)
        wait_until(SMS_COUNT_FILE.exists, timeout=20, what="the SMS sink", service=sms_sink)
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
        # Whole users: a token carries a hash of its user's password (CHECK_REVOKE_TOKEN).
        patient_users = list(User.objects.filter(role="patient").order_by("id"))[::25][:400]
        tokens_file = OUT / "patient-tokens.txt"
        tokens_file.write_text(
            "\n".join(str(AccessToken.for_user(user)) for user in patient_users) + "\n"
        )
        # The same 400 patients signed in to the patient app (session cookie, CSRF token).
        sessions = session_file(patient_users, OUT / "patient-sessions.txt")
        everyone = all_teams_clinician()
        everyone_token = str(AccessToken.for_user(everyone))
        svc = f"http://127.0.0.1:{SERVICE_PORT}"
        flr = f"http://127.0.0.1:{FLOOR_PORT}"
        pairs = {
            "checkin": (
                (f"{svc}/api/v1/checkins/", "post_checkin.lua", str(tokens_file)),
                (f"{flr}/floor/checkins/", "post_checkin.lua", str(tokens_file)),
            ),
            # The patient app's form against the same floor as the API's check-in.
            "checkin_form": (
                (f"{svc}/app/checkin/review/", "post_checkin_form.lua", str(sessions)),
                (f"{flr}/floor/checkins/", "post_checkin.lua", str(tokens_file)),
            ),
            "patient_list": (
                (f"{svc}/api/v1/patients/?page_size=50", "get_auth.lua", clinician_token),
                (f"{flr}/floor/patients/", "get_auth.lua", clinician_token),
            ),
        }
        dashboard = plugins.dashboard_path(Client(), clinician)
        today = datetime.now(UTC).date()
        year_ago = today.replace(year=today.year - 1)
        # Service-only like the dashboard, but one connection per web worker (a request takes
        # seconds at 10,000 patients; 16 queued would time out): compared with the floor list's
        # p50 measured the same way in the same round (list2_floor).
        singles = {
            "worklist": "/api/v1/bone-health/worklist/",
            "indicators": f"/api/v1/bone-health/indicators/?from={year_ago}&to={today}",
        }
        results["query_counts"] = {
            "patient_list": query_counts(
                "/api/v1/patients/?page_size=50", {"500 patients": clinician, "1 patient": tiny}
            )
        }
        if dashboard:
            results["query_counts"]["dashboard"] = query_counts(
                dashboard, {"500 patients": clinician, "1 patient": tiny}
            )
        for name, path in singles.items():
            results["query_counts"][name] = query_counts(
                path, {"10,000 patients": everyone, "1 patient": tiny}
            )
        say(f"query counts: {results['query_counts']}")

        # Warm-up: imports, connections, caches; not recorded.
        for service_side, floor_side in pairs.values():
            wrk(*service_side, duration=2)
            wrk(*floor_side, duration=2)
        if dashboard:
            wrk(f"{svc}{dashboard}", "get_auth.lua", clinician_token, duration=2)
        for path in singles.values():
            wrk(f"{svc}{path}", "get_auth.lua", everyone_token, duration=2, **SINGLE)
        floor_email(200)
        floor_sms(200)
        wait_outbox_idle()
        outbox_dispatch(200)
        sms_dispatch(200)

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
                rnd["plan_floor"] = copy_floor(planner.procedure_ids(PLAN_PROCEDURES))
                say(f"  plan floor (one COPY): {rnd['plan_floor']}")
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
            rnd["list2_floor"] = wrk(
                f"{flr}/floor/patients/", "get_auth.lua", clinician_token, **SINGLE
            )
            for name, path in singles.items():
                rnd[f"{name}_service"] = wrk(
                    f"{svc}{path}", "get_auth.lua", everyone_token, **SINGLE
                )
                say(f"  {name}: {rnd[f'{name}_service']}")
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
            for side in order:
                key = f"sms_{side}"
                rnd[key] = floor_sms(MESSAGES) if side == "floor" else sms_dispatch(MESSAGES)
                say(f"  SMS dispatch {side}: {rnd[key]}")
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
        results["sizes"] = {
            "rounds": ROUNDS,
            "seconds per wrk run": int(os.environ.get("BENCH_DURATION", 10)),
            "messages per dispatch": MESSAGES,
            "procedures per plan": PLAN_PROCEDURES,
            "patients": int(os.environ.get("BENCH_PATIENTS", 10_000)),
        }
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
