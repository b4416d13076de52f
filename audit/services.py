"""Writing the audit trail. One INSERT per request, however many patients it showed."""

from collections.abc import Iterable

from django.http import HttpRequest

from accounts.models import User
from tracker.middleware import client_ip

from .models import AccessRecord

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def access_record(
    *,
    actor: User,
    patient_ids: Iterable[int],
    action: str,
    request: HttpRequest,
) -> list[AccessRecord]:
    """Record that `actor` read or changed these patients' data in `request`.

    `action` names what was done (a route name such as "patient-detail"); the method, time,
    address and request id come from the request. Duplicates collapse to one row each.
    """
    ids = list(dict.fromkeys(int(pk) for pk in patient_ids if pk is not None))
    if not ids:
        return []
    method = request.method or "GET"
    kind = AccessRecord.Kind.READ if method in READ_METHODS else AccessRecord.Kind.CHANGE
    common = {
        "actor_id": actor.pk,
        "kind": kind,
        "method": method,
        "action": action[:100],
        "ip": client_ip(request),
        "request_id": getattr(request, "request_id", "")[:64],
    }
    return AccessRecord.objects.bulk_create([AccessRecord(patient_id=pk, **common) for pk in ids])
