"""Where the CPU of one check-in and one patient-list page goes, step by step, in-process.

Usage, on a database that bench/run kept (BENCH_KEEP_DB=1), with the environment bench/run
sets (DATABASE_URL, DJANGO_SECRET_KEY, DJANGO_HTTPS=0 ...):

    python -m bench.profile            # both breakdowns, CPU milliseconds per request
    python -m bench.profile --pyinstrument list|checkin   # a pyinstrument call tree
    python -m bench.profile --pyinstrument-get PATH       # one GET's tree, as the clinician
                                                          # of every team (10,000 patients)
    python -m bench.profile --pyinstrument-form           # the patient app's check-in form POST

The steps are the service's own calls in the order a request makes them; what a request costs
beyond their sum is Django's and DRF's request handling (middleware, parsing, negotiation).
For a sampled profile of a live gunicorn worker under wrk load: py-spy record -p WORKER_PID.
"""

import os
import sys
import time
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "*")
django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.seed import BENCH_CLINICIAN  # noqa: E402
from recovery import alerts, rules, selectors, services  # noqa: E402
from recovery.api import checkin_serializers, patient_serializers  # noqa: E402
from recovery.models import CheckIn  # noqa: E402

ORDER = selectors.PATIENT_ORDERINGS["risk"] if hasattr(selectors, "PATIENT_ORDERINGS") else None
if ORDER is None:
    from recovery.api.scoping import ORDERINGS

    ORDER = ORDERINGS["risk"]


class Steps:
    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.last = 0.0

    def start(self) -> None:
        self.last = time.process_time()

    def step(self, name: str) -> None:
        now = time.process_time()
        self.totals[name] = self.totals.get(name, 0.0) + now - self.last
        self.last = now

    def report(self, title: str, n: int) -> None:
        parts = ", ".join(f"{k} {v / n * 1000:.2f}" for k, v in self.totals.items())
        total = sum(self.totals.values()) / n * 1000
        print(f"{title}: {parts}; sum {total:.2f} ms CPU per request", flush=True)


def checkin_steps(steps: Steps, user_id: int) -> None:
    steps.start()
    user = User.objects.select_related("patient__team").get(pk=user_id)
    steps.step("auth query")
    patient = user.patient
    data = checkin_serializers.CheckInInputSerializer(
        data={"id": str(uuid.uuid4()), "pain_score": 2, "symptoms": []},
        context={"patient": patient},
    )
    data.is_valid(raise_exception=True)
    steps.step("validate")
    checkin = CheckIn(
        id=data.validated_data["id"],
        patient=patient,
        recorded_at=timezone.now(),
        pain_score=2,
        symptoms=[],
        client_payload=services.checkin_payload(data.validated_data),
    )
    context = alerts.checkin_context(checkin=checkin)
    steps.step("history+procedure queries")
    rules.evaluate(context)
    steps.step("rules")
    checkin.save(force_insert=True)
    steps.step("insert")
    body = checkin_serializers.CheckInResultSerializer(
        checkin, context={"alerts": [], "guidance": None}
    ).data
    JSONRenderer().render(body)
    steps.step("serialize+render")


def list_steps(steps: Steps, user: User) -> None:
    if hasattr(selectors, "patient_page_for"):  # issue 17: one hand-written query, tuples
        steps.start()
        count, rows = selectors.patient_page_for(user, limit=50)
        steps.step("page query with count")
        data = patient_serializers.patient_page_data(rows)
        steps.step("serialize")
        JSONRenderer().render({"count": count, "results": data})
        steps.step("render")
        return
    steps.start()
    queryset = selectors.patient_list_for(user).order_by(*ORDER)
    steps.step("build queryset")
    count = queryset.count()
    steps.step("count query")
    rows = list(queryset[:50])
    steps.step("page query+rows")
    data = patient_serializers.PatientSerializer(rows, many=True).data
    steps.step("serialize")
    JSONRenderer().render({"count": count, "results": data})
    steps.step("render")


def whole_requests(n: int, clinician: User, patient_ids: list[int]) -> None:
    """The same requests through Django's test client: the handling around the steps."""
    lister = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(clinician)}")
    # Whole users: a token carries a hash of its user's password (CHECK_REVOKE_TOKEN).
    users = User.objects.filter(pk__in=patient_ids).order_by("id")
    tokens = [f"Bearer {AccessToken.for_user(user)}" for user in users]
    poster = Client()
    # The patient app's review POST (session login), as bench/post_checkin_form.lua sends it.
    form_posters = []
    for user in users[:20]:
        form_posters.append(Client())
        form_posters[-1].force_login(user)
    for name, call in (
        ("list request", lambda i: lister.get("/api/v1/patients/?page_size=50")),
        ("dashboard request", lambda i: lister.get("/api/v1/dashboard/")),
        (
            "check-in request",
            lambda i: poster.post(
                "/api/v1/checkins/",
                {"id": str(uuid.uuid4()), "pain_score": 2, "symptoms": []},
                content_type="application/json",
                HTTP_AUTHORIZATION=tokens[i % len(tokens)],
            ),
        ),
        (
            "check-in form POST",
            lambda i: form_posters[i % len(form_posters)].post(
                "/app/checkin/review/", {"id": str(uuid.uuid4()), "pain_score": "2"}
            ),
        ),
    ):
        if call(0).status_code >= 400:
            continue  # not in this code base (the dashboard before issue 5)
        for i in range(10):
            call(i)
        started = time.process_time()
        for i in range(n):
            call(i)
        per = (time.process_time() - started) / n * 1000
        print(f"{name} through the test client: {per:.2f} ms CPU per request", flush=True)


def request_tree(call, n: int) -> None:
    """A pyinstrument tree of n whole requests through the test client (after one warm-up)."""
    from pyinstrument import Profiler

    call(0)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for i in range(n):
        response = call(i + 1)
        assert response.status_code in (200, 302), response.status_code
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


def main() -> None:
    clinician = User.objects.get(email=BENCH_CLINICIAN)
    patient_ids = list(
        User.objects.filter(role="patient").order_by("id").values_list("pk", flat=True)[:200]
    )
    if "--pyinstrument-get" in sys.argv:
        from bench.app_sessions import all_teams_clinician

        client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(all_teams_clinician())}")
        request_tree(lambda i: client.get(sys.argv[-1]), 5)
        return
    if "--pyinstrument-form" in sys.argv:
        clients = []
        for user in User.objects.filter(pk__in=patient_ids[:20]):
            clients.append(Client())
            clients[-1].force_login(user)
        request_tree(
            lambda i: clients[i % len(clients)].post(
                "/app/checkin/review/", {"id": str(uuid.uuid4()), "pain_score": "2"}
            ),
            100,
        )
        return
    if "--pyinstrument" in sys.argv:
        from pyinstrument import Profiler

        which = sys.argv[-1]
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for i in range(100):
            if which == "list":
                list_steps(Steps(), clinician)
            else:
                checkin_steps(Steps(), patient_ids[i % len(patient_ids)])
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
        return
    n = 100
    for title, run in (
        ("check-in", lambda i, s: checkin_steps(s, patient_ids[i % len(patient_ids)])),
        ("patient list", lambda i, s: list_steps(s, clinician)),
    ):
        for i in range(10):
            run(i, Steps())
        steps = Steps()
        for i in range(n):
            run(i, steps)
        steps.report(title, n)
    whole_requests(n, clinician, patient_ids)


if __name__ == "__main__":
    main()
