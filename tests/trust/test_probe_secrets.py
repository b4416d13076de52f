"""The probe's findings about secrets (issue 15): no enrollment code readable once sent (2),
no tokens in the access logs (3), the text part of an email not HTML-escaped (12)."""

import logging
import smtplib
from unittest import mock

from django.core import mail

from accounts.models import User
from outbox import sending as outbox
from outbox import transports
from outbox.models import Message
from tests.api.support import database_text, enroll
from tests.factories import PASSWORD
from tests.support.admin import admin_verified

from .probe import ROOT

# --- 2. No enrollment code can be read back from the database once sent ---------------------


def test_a_sent_enrollment_email_no_longer_holds_the_code(api, clinician):
    code = enroll(api, clinician)["enrollment_code"]
    email = Message.objects.get(category="enrollment")
    assert code not in email.body_text and code not in email.body_html

    assert outbox.messages_send(ids=[email.pk]) == 1
    [sent] = mail.outbox
    assert code in sent.body and code in sent.alternatives[0][0]
    assert code not in database_text()


def test_a_retry_after_a_failed_attempt_still_sends_the_code(api, clinician, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    code = enroll(api, clinician)["enrollment_code"]
    email = Message.objects.get(category="enrollment")
    with mock.patch.object(
        transports.EmailMultiAlternatives, "send", side_effect=smtplib.SMTPServerDisconnected()
    ):
        assert outbox.messages_send(ids=[email.pk]) == 0
    assert Message.objects.get(pk=email.pk).status == "queued"
    assert outbox.messages_send(ids=[email.pk]) == 1
    assert code in mail.outbox[0].body
    assert code not in database_text()


def test_a_failed_or_cancelled_enrollment_email_forgets_the_code(api, clinician, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    row = enroll(api, clinician)
    first = Message.objects.get(category="enrollment")
    second_code = (
        api(clinician)
        .post(f"/api/v1/patients/{row['id']}/enrollment-code/")
        .json()["enrollment_code"]
    )
    assert Message.objects.get(pk=first.pk).status == "cancelled"
    assert row["enrollment_code"] not in database_text()
    second = Message.objects.get(category="enrollment", status="queued")
    with mock.patch.object(transports.EmailMultiAlternatives, "send", side_effect=OSError("down")):
        outbox.messages_send(ids=[second.pk])
    assert Message.objects.get(pk=second.pk).status == "failed"
    assert second_code not in database_text()


def test_the_admin_never_shows_an_emails_secret(api, clinician, client):
    code = enroll(api, clinician)["enrollment_code"]
    email = Message.objects.get(category="enrollment")
    admin = User.objects.create_superuser("root@clinic.test", PASSWORD)
    admin_verified(client, admin)
    page = client.get(f"/admin/outbox/message/{email.pk}/change/")
    assert page.status_code == 200
    assert code not in page.content.decode()


# --- 3. No query strings or path tokens in the access logs ----------------------------------


def test_the_procfile_writes_no_gunicorn_access_log():
    [web] = [line for line in (ROOT / "Procfile").read_text().splitlines() if line[:4] == "web:"]
    assert "access-log" not in web and "--access-logformat" not in web


def test_django_request_warnings_mask_path_tokens(client, db, caplog):
    from lib.logging import RequestIdFilter

    handler_filter = RequestIdFilter()
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            handler_filter.filter(record)
            records.append(record.getMessage())

    handler = Keep()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/calendar/secret-calendar-token-abcdef123456.ics?x=search-term")
        client.get("/unsubscribe/secret-unsubscribe-token-abcdef/")
    finally:
        logger.removeHandler(handler)
    text = " ".join(records)
    assert records, "Django logs a warning for each 404"
    assert "secret-calendar-token" not in text and "secret-unsubscribe-token" not in text
    assert "search-term" not in text


def test_the_apps_own_access_log_names_the_route_not_the_path(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="tracker.access"):
        client.get("/app/password-reset/1-secret-reset-token-abc123/")
        client.get("/dashboard/?search=Margaret+Hill")
    lines = [r for r in caplog.records if r.name == "tracker.access"]
    assert len(lines) == 2
    assert [r.route for r in lines] == ["app-password-reset-confirm", "dashboard:patients"]
    text = " ".join(str(vars(r)) for r in lines)
    assert "secret-reset-token" not in text and "Margaret" not in text


# --- 12. The text part of an email is not HTML-escaped --------------------------------------


def test_the_text_part_of_the_enrollment_email_is_not_html_escaped(api, clinician):
    enroll(api, clinician, first_name="Mary-Kate O'Brien <Jr>")
    email = Message.objects.get(category="enrollment")
    assert "Mary-Kate O'Brien <Jr>" in email.body_text
    assert "&#x27;" not in email.body_text and "&lt;" not in email.body_text
    assert "O&#x27;Brien &lt;Jr&gt;" in email.body_html  # HTML is still escaped
