"""Writes of the recovery plan: planning, re-planning, dispatching and sending reminders.

Delivery in two leases, both on the row (the database is the source of truth, the broker
only carries wake-ups):

1. The dispatcher (beat, every REMINDER_DISPATCH_SECONDS) locks due rows with
   SELECT ... FOR UPDATE SKIP LOCKED, stamps `claimed_at` and, after commit, hands each id to
   a send task. A lost broker message is harmless: after the lease the row is due again.
2. The send task claims the row with a conditional UPDATE (`sending_at` from NULL), so a
   duplicated task sends nothing. No transaction is held open around SMTP. The row says
   `sent` only after the SMTP server accepted the message.

The one window for a duplicate email is a worker dying after the server accepted the message
and before the row says `sent`: after the lease the dispatcher hands the row out again.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.crypto import get_random_string, salted_hmac
from django.utils.translation import gettext

from lib.exceptions import DomainError
from lib.hooks import hook
from outbox import emails
from recovery.models import CheckIn, Patient, Procedure
from recovery.selectors import latest_procedure

from . import plan
from .models import CalendarFeed, Reminder, ReminderOptOut

logger = logging.getLogger(__name__)

Status = Reminder.Status

# Errors worth another try: the server refused, hung up, or the network failed.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)

UNSUBSCRIBE_SALT = "reminders.unsubscribe"
CALENDAR_SALT = "reminders.calendar"

REASON_LATE = "More than a day late: not sent."
REASON_LATE_WHEN_PLANNED = "More than a day in the past when the plan was made: not sent."
REASON_SUPERSEDED = "A newer procedure replaced this plan."
REASON_REPLANNED = "No longer in the plan after a change to the procedure or the patient."
REASON_CHECKED_IN = "The patient had already checked in that day."
REASON_OPTED_OUT = "The patient opted out of these reminder emails."
REASON_DISCHARGED = "The patient was discharged ({reason})."


def late_limit() -> timedelta:
    return timedelta(hours=settings.REMINDER_LATE_LIMIT_HOURS)


def lease() -> timedelta:
    return timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


# --- Planning ------------------------------------------------------------------------------


def _initial_state(due_at: datetime, now: datetime) -> tuple[str, str]:
    """A reminder already more than a day in the past is recorded as skipped, not sent late."""
    if due_at < now - late_limit():
        return Status.SKIPPED, REASON_LATE_WHEN_PLANNED
    return Status.SCHEDULED, ""


PLAN_COLUMNS = (
    "patient_id",
    "procedure_id",
    "kind",
    "offset_days",
    "due_at",
    "status",
    "reason",
    "attempts",
    "created_at",
    "updated_at",
)


def plans_create(*, procedures: Iterable[Procedure]) -> int:
    """Write the full plan of procedures that have none yet, in bulk. Returns rows written.

    Used for a newly recorded procedure and for bulk imports: 10,000 procedures are about
    half a million rows, which the ORM's bulk_create builds far too slowly (it prepares every
    value through its field); COPY on PostgreSQL writes them in a few seconds.
    """
    now = timezone.now()
    past = now - late_limit()
    rows = []
    for procedure in procedures:
        for kind, offset, due in plan.plan_items_cached(plan.PlanInput.of(procedure)):
            status, reason = (
                (Status.SKIPPED.value, REASON_LATE_WHEN_PLANNED)
                if due < past
                else (Status.SCHEDULED.value, "")
            )
            rows.append((procedure.patient_id, procedure.pk, kind, offset, due, status, reason))
    _insert_rows(rows, now=now)
    return len(rows)


def _insert_rows(rows: list[tuple], *, now: datetime) -> None:
    """Insert (patient, procedure, kind, offset, due, status, reason) rows, attempts 0."""
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in PLAN_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY's text format; our own values carry no tabs, newlines or backslashes.
            stamp = now.isoformat()
            lines = [
                f"{p}\t{pr}\t{k}\t{o}\t{d.isoformat()}\t{s}\t{r}\t0\t{stamp}\t{stamp}\n"
                for p, pr, k, o, d, s, r in rows
            ]
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
                for start in range(0, len(lines), 5000):
                    copy.write("".join(lines[start : start + 5000]))
        else:
            # SQLite keeps naive UTC text, as Django's adapt_datetimefield_value writes it.
            def naive(value: datetime) -> str:
                return str(value.astimezone(UTC).replace(tzinfo=None))

            stamp = naive(now)
            marks = ", ".join(["%s"] * len(PLAN_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                [(p, pr, k, o, naive(d), s, r, 0, stamp, stamp) for p, pr, k, o, d, s, r in rows],
            )


def _plan_apply(*, procedure: Procedure, now: datetime) -> None:
    """Bring the unsent reminders of the patient's current procedure in line with the plan.

    Sent, skipped and failed rows are history and stay as they are. Scheduled and cancelled
    rows follow the plan again (a cancelled one comes back when its item does); rows a send
    task holds right now are left to finish.
    """
    planned = {(r.kind, r.offset_days): r for r in plan.plan_for(plan.PlanInput.of(procedure))}
    existing = {
        (row.kind, row.offset_days): row
        for row in Reminder.objects.select_for_update().filter(procedure=procedure)
    }
    if not existing:
        plans_create(procedures=[procedure])
        return
    to_create, to_update = [], []
    for key, item in planned.items():
        row = existing.get(key)
        status, reason = _initial_state(item.due_at, now)
        if row is None:
            to_create.append(
                Reminder(
                    patient_id=procedure.patient_id,
                    procedure=procedure,
                    kind=item.kind,
                    offset_days=item.offset_days,
                    due_at=item.due_at,
                    status=status,
                    reason=reason,
                )
            )
        elif (
            row.status in (Status.SCHEDULED, Status.CANCELLED)
            and row.sending_at is None
            and (row.due_at != item.due_at or row.status != status)
        ):
            row.due_at, row.status, row.reason = item.due_at, status, reason
            # A task already handed this row finds it unclaimed and does nothing.
            row.claimed_at = row.next_attempt_at = None
            row.attempts = 0
            to_update.append(row)
    for key, row in existing.items():
        if key not in planned and row.status == Status.SCHEDULED and row.sending_at is None:
            row.status, row.reason, row.claimed_at = Status.CANCELLED, REASON_REPLANNED, None
            to_update.append(row)
    Reminder.objects.bulk_create(to_create)
    fields = ["due_at", "status", "reason", "claimed_at", "next_attempt_at", "attempts"]
    for row in to_update:
        row.updated_at = now
    Reminder.objects.bulk_update(to_update, [*fields, "updated_at"], batch_size=500)


@transaction.atomic
def plan_sync(*, patient: Patient) -> None:
    """Re-plan the patient: the latest procedure gets its full plan, older ones lose theirs.

    Called in the transaction that records or changes a procedure, or changes the patient's
    time zone, reminder hour or osteoporosis flag (PROTOCOL.md section 5).
    """
    # Serialise re-plans of one patient (two PATCHes at once would otherwise both insert).
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    patient.refresh_from_db(
        fields=["timezone", "reminder_hour", "has_osteoporosis", "status", "discharge_reason"]
    )
    now = timezone.now()
    if patient.is_discharged:
        # Follow-up has ended: no re-plan brings a reminder back (a new procedure makes the
        # patient active first, recovery.lifecycle).
        reminders_cancel_for_discharge(patient=patient, reason=patient.discharge_reason)
        return
    current = latest_procedure(patient)
    older = Reminder.objects.filter(patient=patient, status=Status.SCHEDULED, sending_at=None)
    if current is not None:
        older = older.exclude(procedure=current)
    older.update(status=Status.CANCELLED, reason=REASON_SUPERSEDED, claimed_at=None, updated_at=now)
    if current is not None:
        current.patient = patient
        _plan_apply(procedure=current, now=now)


def reminders_cancel_for_discharge(*, patient: Patient, reason: str) -> int:
    """Cancel every unsent reminder of the patient, saying why. Rows a send task holds right
    now (sending_at set) are already at the SMTP server and finish; a task handed a row that
    is cancelled here finds it no longer scheduled and sends nothing. Returns rows cancelled."""
    unsent = Reminder.objects.filter(patient=patient, status=Status.SCHEDULED, sending_at=None)
    return unsent.update(
        status=Status.CANCELLED,
        reason=REASON_DISCHARGED.format(reason=reason),
        claimed_at=None,
        updated_at=timezone.now(),
    )


def plan_build(*, procedure: Procedure) -> None:
    """A procedure was recorded: it gets a full plan, and older procedures' unsent reminders
    are cancelled."""
    plan_sync(patient=procedure.patient)


def plan_changed(*, patient: Patient, changed: Iterable[str], fields: Iterable[str]) -> None:
    """Re-plan when one of the plan's inputs (`fields`) is among what changed."""
    if set(changed) & set(fields):
        plan_sync(patient=patient)


# --- Dispatching ---------------------------------------------------------------------------


def reminders_dispatch(*, batch: int | None = None, max_batches: int = 50) -> int:
    """Hand every due reminder to a send task, batch by batch. Returns how many were handed.

    Several dispatchers (beat on several machines) can run at once: SKIP LOCKED gives each
    its own rows, and `claimed_at` keeps a handed row from being handed again within the lease.
    """
    batch = batch or settings.REMINDER_DISPATCH_BATCH
    total = 0
    for _ in range(max_batches):
        handed, seen = _dispatch_batch(batch=batch)
        total += handed
        if seen < batch:
            break
    return total


def _dispatch_batch(*, batch: int) -> tuple[int, int]:
    with transaction.atomic():
        now = timezone.now()
        expired = now - lease()
        due = (
            Reminder.objects.filter(status=Status.SCHEDULED, due_at__lte=now)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=expired))
            .filter(Q(sending_at__isnull=True) | Q(sending_at__lt=expired))
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("due_at")
        )
        rows = list(due.values_list("pk", "due_at", "sending_at", "attempts")[:batch])
        late, dead, handed = [], [], []
        for pk, due_at, sending_at, attempts in rows:
            if due_at < now - late_limit():
                late.append(pk)
            elif sending_at is not None and attempts >= settings.REMINDER_MAX_ATTEMPTS:
                dead.append(pk)  # its worker died on the last attempt
            else:
                handed.append(pk)
        if late:
            Reminder.objects.filter(pk__in=late).update(
                status=Status.SKIPPED,
                reason=REASON_LATE,
                claimed_at=None,
                sending_at=None,
                updated_at=now,
            )
        if dead:
            Reminder.objects.filter(pk__in=dead).update(
                status=Status.FAILED,
                reason="The worker stopped while sending, on the last attempt.",
                claimed_at=None,
                sending_at=None,
                updated_at=now,
            )
        if handed:
            # A row whose worker died mid-send is handed out again (sending_at cleared): the
            # message it was sending is the one that may arrive twice.
            Reminder.objects.filter(pk__in=handed).update(claimed_at=now, sending_at=None)
            transaction.on_commit(lambda: reminders_wake(handed))
    return len(handed), len(rows)


# One send task takes up to this many reminders and sends them over one SMTP connection
# (bench/RESULTS.md: a task and a connection per email made delivery several times slower than
# Django's SMTP backend on one connection).
WAKE_BATCH = 50


def reminders_wake(reminder_ids: Iterable[int]) -> None:
    """Hand ids to the broker, in batches. A broker outage is logged: the rows are due again
    after the lease, so the dispatcher retries them."""
    from .tasks import reminders_send_task

    ids = list(reminder_ids)
    for start in range(0, len(ids), WAKE_BATCH):
        try:
            reminders_send_task.delay(ids[start : start + WAKE_BATCH])
        except Exception as exc:  # kombu raises many types when the broker is down
            logger.warning("broker down, %s reminders left for the lease: %r", len(ids), exc)
            return


# --- Sending -------------------------------------------------------------------------------


def reminders_send(*, reminder_ids: list[int]) -> dict[str, int]:
    """Send a batch of dispatched reminders: claimed in one statement, read in one query, sent
    over one SMTP connection. Returns how many ended in each outcome.

    The checks and writes are reminder_send's, and each reminder is marked the moment the SMTP
    server accepted it, so the duplicate window stays one message (bench/RESULTS.md: one task,
    four queries and one SMTP connection per reminder delivered several times slower than
    Django's SMTP backend on one connection).
    """
    now = timezone.now()
    Reminder.objects.filter(
        pk__in=reminder_ids,
        status=Status.SCHEDULED,
        claimed_at__isnull=False,
        sending_at__isnull=True,
        due_at__lte=now,
    ).update(sending_at=now, attempts=F("attempts") + 1)
    # As in reminder_send, the claim's time names the rows this caller won.
    ours = list(
        Reminder.objects.filter(pk__in=reminder_ids, sending_at=now)
        .select_related("patient__user", "procedure")
        .order_by("due_at", "pk")
    )
    opted_out = set(
        ReminderOptOut.objects.filter(patient_id__in={r.patient_id for r in ours}).values_list(
            "patient_id", "kind"
        )
    )
    # Caregivers who get copies (caregivers/), read once for the whole batch.
    copy_links = reminder_copy_links({r.patient_id for r in ours}) if ours else {}
    outcomes: dict[str, int] = {}
    if len(ours) < len(set(reminder_ids)):
        outcomes["not-claimed"] = len(set(reminder_ids)) - len(ours)
    smtp = get_connection()
    try:
        for reminder in ours:
            outcome = _reminder_deliver(
                reminder=reminder,
                claim=now,
                connection=smtp,
                opted_out=opted_out,
                copy_links=copy_links,
            )
            if outcome not in (Status.SENT, Status.SKIPPED):
                smtp.close()  # the failure may have broken the connection: the next reopens
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        smtp.close()
    return outcomes


def _reminder_deliver(
    *,
    reminder: Reminder,
    claim: datetime,
    connection=None,
    opted_out: set | None = None,
    copy_links: dict | None = None,
) -> str:
    """Skip or send one claimed reminder: on a batch's SMTP connection when given, else on a
    connection of its own. Every write is conditional on the claim, so a re-dispatch after the
    lease cannot be overwritten by a task that outlived it.

    `copy_links`: a batch's caregivers who get copies (caregivers.selectors), else read here."""
    ours = Reminder.objects.filter(pk=reminder.pk, sending_at=claim)
    reason = skip_reason(reminder=reminder, now=claim, opted_out=opted_out)
    if reason:
        ours.update(
            status=Status.SKIPPED,
            reason=reason,
            claimed_at=None,
            sending_at=None,
            updated_at=timezone.now(),
        )
        return Status.SKIPPED
    message = reminder_message(reminder=reminder)
    try:
        if connection is not None:
            message.connection = connection
            # A no-op while open: the connection stays open for the whole batch.
            connection.open()
        message.send()
    except TRANSIENT_ERRORS as exc:
        return reminder_failed_attempt(reminder=reminder, claim=claim, error=exc)
    sent_at = timezone.now()
    with transaction.atomic():
        marked = ours.update(
            status=Status.SENT,
            sent_at=sent_at,
            updated_at=sent_at,
            reason="",
            claimed_at=None,
            sending_at=None,
            next_attempt_at=None,
        )
        # The caregivers' copies are outbox rows written with the `sent` mark, so they exist
        # exactly when the patient's message was accepted (caregivers/copies.py).
        if marked:
            if copy_links is None:
                copy_links = reminder_copy_links([reminder.patient_id])
            links = copy_links.get(reminder.patient_id, [])
            if links:
                reminder_copies_queue(
                    reminder=reminder,
                    context=reminder_context(reminder=reminder, signin=False),
                    links=links,
                )
    return Status.SENT


def reminder_copy_links(patient_ids: Iterable[int]) -> dict:
    """Patient id -> who gets copies of their reminders, for a batch (caregivers/, named by
    REMINDER_COPY_RECIPIENTS: reminders imports no app above it)."""
    links = hook("REMINDER_COPY_RECIPIENTS")
    return links(patient_ids) if links else {}


def reminder_copies_queue(**kwargs) -> int:
    queue = hook("REMINDER_COPIES_QUEUE")
    return queue(**kwargs) if queue else 0


def reminder_send(*, reminder_id: int) -> str:
    """Send one dispatched reminder if this caller wins the claim. Returns the outcome."""
    now = timezone.now()
    claimed = Reminder.objects.filter(
        pk=reminder_id,
        status=Status.SCHEDULED,
        claimed_at__isnull=False,
        sending_at__isnull=True,
        due_at__lte=now,
    ).update(sending_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "not-claimed"  # sent, re-planned, or another task holds it: nothing to do
    reminder = Reminder.objects.select_related("patient__user", "procedure").get(pk=reminder_id)
    outcome = _reminder_deliver(reminder=reminder, claim=now)
    logger.info("reminder %s: %s", reminder_id, outcome)
    return outcome


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base, ... capped at one hour."""
    seconds = settings.REMINDER_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 3600))


def reminder_failed_attempt(*, reminder: Reminder, claim: datetime, error: BaseException) -> str:
    ours = Reminder.objects.filter(pk=reminder.pk, sending_at=claim)
    reason = f"Attempt {reminder.attempts} failed: {type(error).__name__}: {error}"[:500]
    if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        ours.update(
            status=Status.FAILED,
            reason=reason,
            claimed_at=None,
            sending_at=None,
            updated_at=timezone.now(),
        )
        logger.error("reminder %s failed after %s attempts", reminder.pk, reminder.attempts)
        return Status.FAILED
    ours.update(
        reason=reason,
        claimed_at=None,
        sending_at=None,
        next_attempt_at=timezone.now() + retry_delay(reminder.attempts),
    )
    logger.warning("reminder %s attempt %s failed, will retry", reminder.pk, reminder.attempts)
    return "retry"


def skip_reason(*, reminder: Reminder, now: datetime, opted_out: set | None = None) -> str:
    """Why this reminder should not go out now, or "" to send it.

    `opted_out`: the (patient id, kind) opt-outs of a batch, read once for all of it.
    """
    if now - reminder.due_at > late_limit():
        return REASON_LATE
    if opted_out is None:
        opted_out = set(
            ReminderOptOut.objects.filter(patient_id=reminder.patient_id).values_list(
                "patient_id", "kind"
            )
        )
    if {(reminder.patient_id, reminder.kind), (reminder.patient_id, ReminderOptOut.ALL)} & (
        opted_out
    ):
        return REASON_OPTED_OUT
    if reminder.kind == plan.Kind.CHECKIN:
        tz = reminder.patient.tz
        day = reminder.due_at.astimezone(tz).date()
        start = datetime.combine(day, time.min, tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
        if CheckIn.objects.filter(
            patient_id=reminder.patient_id, recorded_at__gte=start, recorded_at__lt=end
        ).exists():
            return REASON_CHECKED_IN
    return ""


# --- The email -----------------------------------------------------------------------------


def unsubscribe_token(*, patient_id: int, kind: str) -> str:
    return signing.dumps({"p": patient_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, patient_id: int, kind: str) -> str:
    return f"{settings.SITE_URL}/unsubscribe/{unsubscribe_token(patient_id=patient_id, kind=kind)}/"


def reminder_context(*, reminder: Reminder, signin: bool = True) -> dict:
    """What a reminder email says, in the language active (reminder_message: the patient's).
    `signin=False`: without the patient's sign-in link (a caregiver's copy gets its own)."""
    patient = reminder.patient
    signin_url = hook("REMINDER_SIGNIN_URL") if signin else None
    item = plan.ITEMS[reminder.kind]
    due_day = reminder.due_at.astimezone(patient.tz).date()
    until = reminder.procedure.lifting_restriction_until
    return {
        "first_name": patient.first_name,
        "title": gettext(item.title),
        "text": plan.text_for(reminder.kind, until=until, due=due_day),
        "kind_label": gettext(plan.Kind(reminder.kind).label),
        # "Check in now": a single-use sign-in link to the patient app (patientapp/).
        "signin_url": signin_url(patient=patient) if signin_url else "",
        "due_day": plan.format_day(due_day),
        "lifting_restriction_until": plan.format_day(until),
        # Other reminders repeat the restriction while it holds; its own two name it already.
        "restriction_holds": due_day < until
        and reminder.kind not in (plan.Kind.LIFTING_RESTRICTION, plan.Kind.LIFTING_RESTRICTION_END),
        "unsubscribe_kind_url": unsubscribe_url(patient_id=patient.pk, kind=reminder.kind),
        "unsubscribe_all_url": unsubscribe_url(patient_id=patient.pk, kind=ReminderOptOut.ALL),
    }


def reminder_message(*, reminder: Reminder) -> EmailMultiAlternatives:
    with translation.override(reminder.patient.language):
        context = reminder_context(reminder=reminder)
        subject, text, html = emails.render("reminders/email/reminder", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.patient.user.email],
        headers={
            # RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" here.
            "List-Unsubscribe": f"<{context['unsubscribe_kind_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Reminder-Id": str(reminder.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# --- Opting out ----------------------------------------------------------------------------


class BadUnsubscribeLink(DomainError):
    default_detail = "This unsubscribe link is not valid."


def unsubscribe_parse(*, token: str) -> tuple[Patient, str]:
    """The patient and kind a link names; a tampered or unknown link is a BadUnsubscribeLink."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise BadUnsubscribeLink() from None
    if not isinstance(data, dict) or data.get("k") not in [*plan.Kind.values, ReminderOptOut.ALL]:
        raise BadUnsubscribeLink()
    patient = Patient.objects.filter(pk=data.get("p")).first()
    if patient is None:
        raise BadUnsubscribeLink()
    return patient, data["k"]


def reminder_opt_out(*, patient: Patient, kind: str) -> ReminderOptOut:
    """Stop reminder emails of one kind (or "all") for the patient. Idempotent.

    Alerts to clinicians do not read opt-outs, so this can never silence them.
    """
    opt_out, _ = ReminderOptOut.objects.get_or_create(patient=patient, kind=kind)
    return opt_out


@transaction.atomic
def reminder_kinds_set(*, patient: Patient, wanted: Iterable[str]) -> None:
    """Get exactly the reminder kinds in `wanted` by email: the others are opted out, and an
    earlier opt-out of a wanted kind (or of all reminders) is lifted (subscribing again)."""
    wanted = set(wanted)
    unwanted = [kind for kind in plan.Kind.values if kind not in wanted]
    patient.reminder_opt_outs.exclude(kind__in=unwanted).delete()
    for kind in unwanted:
        ReminderOptOut.objects.get_or_create(patient=patient, kind=kind)


def reminder_kinds_wanted(*, patient: Patient) -> set[str]:
    """The reminder kinds the patient gets by email (none after "stop all")."""
    opted_out = set(patient.reminder_opt_outs.values_list("kind", flat=True))
    if ReminderOptOut.ALL in opted_out:
        return set()
    return {kind for kind in plan.Kind.values if kind not in opted_out}


# --- Calendar feed -------------------------------------------------------------------------


def _calendar_token(*, patient_id: int, nonce: str) -> str:
    return salted_hmac(CALENDAR_SALT, f"{patient_id}:{nonce}", algorithm="sha256").hexdigest()


def calendar_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _calendar_feed_values(patient_id: int) -> dict:
    nonce = get_random_string(32)
    token = _calendar_token(patient_id=patient_id, nonce=nonce)
    return {"nonce": nonce, "token_digest": calendar_digest(token), "created_at": timezone.now()}


def calendar_feed_get_or_create(*, patient: Patient) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(patient=patient).first()
    if feed is None:
        feed, _ = CalendarFeed.objects.get_or_create(
            patient=patient, defaults=_calendar_feed_values(patient.pk)
        )
    return feed


@transaction.atomic
def calendar_feed_rotate(*, patient: Patient) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    feed, _ = CalendarFeed.objects.update_or_create(
        patient=patient, defaults=_calendar_feed_values(patient.pk)
    )
    return feed


def calendar_url(*, feed: CalendarFeed) -> str:
    token = _calendar_token(patient_id=feed.patient_id, nonce=feed.nonce)
    return f"{settings.SITE_URL}/calendar/{token}.ics"
