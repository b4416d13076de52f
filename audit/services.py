"""Writing the audit trail. One INSERT per request, however many patients it showed."""

from collections.abc import Iterable

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from lib.middleware import client_ip

from .models import AccessRecord

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
INSERT = (
    "INSERT INTO audit_accessrecord "
    "(patient_id, actor_id, kind, method, action, at, ip, request_id) "
)
# On PostgreSQL the patients are one array parameter and the rest shared: a 50-row VALUES
# list has 400 parameters, which psycopg parses and quotes afresh on every request (its
# query cache skips statements with over 50): a tenth of a served list request.
POSTGRES_ROWS = "SELECT unnest(%s::bigint[]), %s, %s, %s, %s, %s, %s, %s"
ROW = "(%s, %s, %s, %s, %s, %s, %s, %s)"


def access_record(
    *,
    actor: User,
    patient_ids: Iterable[int],
    action: str,
    request: HttpRequest,
) -> int:
    """Record that `actor` read or changed these patients' data in `request`; return how many
    patients that was.

    `action` names what was done (a route name such as "patient-detail"); the method, time,
    address and request id come from the request. Duplicates collapse to one row each.

    One multi-row INSERT, written by hand: every list page a clinician reads records 50
    patients, and bulk_create's model instances, per-field preparation and the transaction it
    wraps around a single statement were a third of the list's cost (bench/NOTES.md). One
    statement is atomic on its own.
    """
    ids = list(dict.fromkeys(int(pk) for pk in patient_ids if pk is not None))
    if not ids:
        return 0
    method = request.method or "GET"
    kind = AccessRecord.Kind.READ if method in READ_METHODS else AccessRecord.Kind.CHANGE
    common = [
        actor.pk,
        kind,
        method,
        action[:100],
        # Through the model's fields, as the ORM would: the time in the database's format,
        # an IPv6 address normalised.
        _field("at").get_db_prep_value(timezone.now(), connection),
        _field("ip").get_db_prep_value(client_ip(request), connection),
        getattr(request, "request_id", "")[:64],
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(INSERT + POSTGRES_ROWS, [ids, *common])
        else:  # SQLite, the demo's database: one VALUES row per patient
            rows = "VALUES " + ", ".join([ROW] * len(ids))
            cursor.execute(INSERT + rows, [value for pk in ids for value in (pk, *common)])
    return len(ids)


def _field(name: str):
    return AccessRecord._meta.get_field(name)
