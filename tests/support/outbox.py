"""Reading a sign-in secret the way its owner does: in the message that left, not in the
database (the stored bodies hold only outbox.models.SECRET_PLACEHOLDER)."""

from django.apps import apps
from django.core import mail

from outbox import sending
from outbox.models import Message


def sent_message(email: Message) -> mail.EmailMultiAlternatives:
    """Send the row now if it is still queued (as the worker would) and return the message
    that left, from Django's test outbox."""
    if Message.objects.filter(pk=email.pk, status="queued").exists():
        assert sending.messages_send(ids=[email.pk]) == 1
    [message] = [m for m in mail.outbox if m.extra_headers.get("X-Outbox-Id") == str(email.pk)]
    return message


def html_of(message: mail.EmailMultiAlternatives) -> str:
    return next(content for content, kind in message.alternatives if kind == "text/html")


def rows_holding(secret: str) -> list[str]:
    """Every row of every table of the project that holds `secret`, as "model id"."""
    found = []
    for model in apps.get_models():
        for row in model.objects.values():
            if secret in str(row):
                found.append(f"{model._meta.label} {row.get('id', row)}")
    return found
