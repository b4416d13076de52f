"""The plan creation floor (bench/driver.py): the reminder rows the plan builder just wrote for
these procedures, deleted and written again with one COPY. Formatting the rows as COPY text is
timed with the COPY; reading them back (what the builder computed) is not."""

from __future__ import annotations

import time

from django.db import connection, transaction

from reminders.models import Reminder
from reminders.planning import PLAN_COLUMNS

COLUMNS = (*PLAN_COLUMNS,)


def _text(value) -> str:
    if value is None:
        return "\\N"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def copy_floor(procedure_ids: list[int]) -> dict:
    rows = list(Reminder.objects.filter(procedure_id__in=procedure_ids).values_list(*COLUMNS))
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with transaction.atomic():
        Reminder.objects.filter(procedure_id__in=procedure_ids).delete()
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        lines = ["\t".join(map(_text, row)) + "\n" for row in rows]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
            copy.write("".join(lines))
    seconds = time.monotonic() - started
    return {"seconds": seconds, "reminders": len(rows)}
