import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from . import emails
from .models import SECRET_PLACEHOLDER, OutgoingEmail, PipelineHeartbeat

logger = logging.getLogger(__name__)

Status = OutgoingEmail.Status

# Errors worth another try: the server refused, hung up, or the network failed.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


def email_queue(
    *,
    to: str,
    template: str,
    context: dict,
    category: str,
    urgent: bool = False,
    headers: dict | None = None,
    wake: bool = True,
    secret: str = "",
    cancelled_reason: str = "",
) -> OutgoingEmail:
    """Write one email row; its wake-up goes to the broker only after the transaction commits.

    A sign-in secret goes in `secret`, never in the context: the templates get a placeholder
    as `{{ secret }}`, the real value is put in at send time and forgotten once sent.
    `cancelled_reason` writes the row already cancelled (rendered and woken all the same: the
    work of a request must not tell whether anything was sent, see accounts/passwords.py).
    """
    if secret:
        context = {**context, "secret": SECRET_PLACEHOLDER}
    subject, text, html = emails.render(template, context)
    email = OutgoingEmail.objects.create(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers or {},
        category=category,
        urgent=urgent,
        secret="" if cancelled_reason else secret,
        status=Status.CANCELLED if cancelled_reason else Status.QUEUED,
        last_error=cancelled_reason,
    )
    if wake:
        outgoing_emails_wake_on_commit([email.pk])
    return email


def outgoing_emails_wake_on_commit(email_ids: Iterable[int]) -> None:
    ids = list(email_ids)
    if ids:
        transaction.on_commit(lambda: outgoing_emails_wake(ids))


# One task sends up to this many emails over one SMTP connection (bench/RESULTS.md: a task and
# a connection per email made delivery ~20x slower than Django's SMTP backend on one connection).
WAKE_BATCH = 50


def outgoing_emails_wake(email_ids: Iterable[int]) -> None:
    """Hand ids to the broker, in batches. A broker outage is logged, not raised: the sweeper
    retries."""
    from .tasks import outgoing_emails_send_task

    ids = list(email_ids)
    for start in range(0, len(ids), WAKE_BATCH):
        try:
            outgoing_emails_send_task.delay(ids[start : start + WAKE_BATCH])
        except Exception as exc:  # kombu raises many types when the broker is down
            logger.warning("broker unavailable, %s emails left for the sweeper: %r", len(ids), exc)
            return


def _with_secret(body: str, email: OutgoingEmail) -> str:
    return body.replace(SECRET_PLACEHOLDER, email.secret) if email.secret else body


def _message(email: OutgoingEmail, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=_with_secret(email.body_text, email),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={**email.headers, "X-Outbox-Id": str(email.pk)},
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(_with_secret(email.body_html, email), "text/html")
    return message


def outgoing_email_send(*, email_id: int) -> bool:
    """Send one queued email if this caller wins the claim. True when it was sent now.

    The one window for a duplicate: the worker dies after the SMTP server accepted the message
    and before the row says "sent". The sweeper then re-queues it after the lease.
    """
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status=Status.QUEUED, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False  # already sent, cancelled, not yet due, or another worker holds it
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _message(email).send()
    except TRANSIENT_ERRORS as exc:
        outgoing_email_failed_attempt(email=email, error=exc)
        return False
    OutgoingEmail.objects.filter(pk=email_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="", secret=""
    )
    logger.info("email %s sent (%s)", email_id, email.category)
    return True


def outgoing_emails_claim(*, email_ids: list[int]) -> list[int]:
    """Claim the due, queued emails among email_ids in one statement; return the claimed ids.

    UPDATE ... RETURNING (PostgreSQL, SQLite 3.35+) is the conditional update of a whole batch:
    a row another worker claimed first is simply not returned.
    """
    if not email_ids:
        return []
    now = timezone.now()
    table = connection.ops.quote_name(OutgoingEmail._meta.db_table)
    marks = ", ".join(["%s"] * len(email_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608 - our table name, values as parameters
            f"WHERE id IN ({marks}) AND status = %s AND next_attempt_at <= %s RETURNING id",
            [Status.SENDING, now, *email_ids, Status.QUEUED, now],
        )
        return [row[0] for row in cursor.fetchall()]


def outgoing_emails_send(*, email_ids: list[int]) -> int:
    """Send the emails of a batch that this caller claims, over one SMTP connection.

    Each is marked sent as soon as the server accepted it, so a worker dying mid-batch can
    duplicate at most the one message in flight; the rest stay "sending" until the sweeper's
    lease re-queues them. Returns how many were sent.
    """
    claimed = outgoing_emails_claim(email_ids=email_ids)
    if not claimed:
        return 0
    emails_ = OutgoingEmail.objects.filter(pk__in=claimed).order_by("-urgent", "pk")
    smtp = get_connection()
    sent = 0
    try:
        for email in emails_:
            try:
                smtp.open()  # no-op while open; reopens after a failure closed it
                _message(email, smtp).send()
            except TRANSIENT_ERRORS as exc:
                outgoing_email_failed_attempt(email=email, error=exc)
                smtp.close()
                continue
            OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
                status=Status.SENT, sent_at=timezone.now(), last_error="", secret=""
            )
            sent += 1
    finally:
        smtp.close()
    logger.info("%s of %s emails sent", sent, len(claimed))
    return sent


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base, ... capped at one hour."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 3600))


def outgoing_email_failed_attempt(*, email: OutgoingEmail, error: BaseException) -> None:
    reason = f"{type(error).__name__}: {error}"[:1000]
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
            status=Status.FAILED, last_error=reason, secret=""
        )
        logger.error("email %s failed after %s attempts", email.pk, email.attempts)
        return
    OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=Status.QUEUED,
        last_error=reason,
        next_attempt_at=timezone.now() + retry_delay(email.attempts),
    )
    logger.warning("email %s attempt %s failed, will retry", email.pk, email.attempts)


def outbox_sweep(*, batch: int = 500) -> list[int]:
    """Re-queue emails whose worker died mid-send and return the ids that are due now."""
    now = timezone.now()
    lease = timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    stuck = OutgoingEmail.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease)
    for email in stuck:
        outgoing_email_failed_attempt(
            email=email, error=TimeoutError("worker stopped while sending")
        )
    due = OutgoingEmail.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
    return list(due.order_by("-urgent", "next_attempt_at").values_list("pk", flat=True)[:batch])


def heartbeat_record(*, name: str) -> None:
    PipelineHeartbeat.objects.update_or_create(name=name, defaults={"ticked_at": timezone.now()})


def pipeline_status() -> dict:
    """What /health/ and the dashboard banner report about the notification pipeline."""
    now = timezone.now()
    beat = PipelineHeartbeat.objects.filter(name="outbox-sweep").first()
    oldest = (
        OutgoingEmail.objects.filter(urgent=True, status__in=[Status.QUEUED, Status.SENDING])
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return {
        "beat_last_tick": beat.ticked_at.isoformat() if beat else None,
        "beat_age_seconds": round((now - beat.ticked_at).total_seconds()) if beat else None,
        "oldest_undelivered_urgent_seconds": round((now - oldest).total_seconds())
        if oldest
        else None,
        "failed_emails": OutgoingEmail.objects.filter(status=Status.FAILED).count(),
    }


def pipeline_stalled(status: dict, *, limit_seconds: int = 300) -> bool:
    beat_age = status["beat_age_seconds"]
    urgent_age = status["oldest_undelivered_urgent_seconds"]
    return (beat_age is None or beat_age > limit_seconds) or (
        urgent_age is not None and urgent_age > limit_seconds
    )


def send_now_on_connection(emails_: list[OutgoingEmail]) -> None:
    """Send several rows over one SMTP connection (used by the benchmark's floor)."""
    with get_connection() as connection:
        for email in emails_:
            _message(email, connection).send()
