from datetime import timedelta

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import TruncMinute

from accounts.models import User

from .models import AccessRecord


def access_log_for(user: User) -> QuerySet[AccessRecord]:
    """A patient's own access log, newest first. Nobody else's, whoever asks.

    One line per reader, view and minute (issue 23: a list read seven times in a minute was
    seven lines): the newest record of each stands for the others, which stay in the table,
    the full trail, for an audit."""
    if not user.is_authenticated or not user.is_patient:
        return AccessRecord.objects.none()
    records = AccessRecord.objects.filter(patient__user=user).annotate(minute=TruncMinute("at"))
    newer_same_minute = AccessRecord.objects.filter(
        patient_id=OuterRef("patient_id"),
        actor_id=OuterRef("actor_id"),
        action=OuterRef("action"),
        kind=OuterRef("kind"),
        at__gte=OuterRef("minute"),
        at__lt=OuterRef("minute") + timedelta(minutes=1),
        id__gt=OuterRef("id"),
    )
    return (
        records.exclude(Exists(newer_same_minute))
        .select_related("actor")
        .order_by(F("at").desc(), F("id").desc())
    )
