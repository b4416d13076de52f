"""The triggers that keep recovery_patientsummary (models.PatientSummary) true.

Every change to a check-in, an alert or a procedure updates its patient's summary row in the
same statement, so the row is right whichever path wrote the change. Written for the two
databases we run on: PostgreSQL (plpgsql) and SQLite (the demo and the quick tests).

- A new check-in replaces the latest one when it is not older (concurrent check-ins of one
  patient wait for each other on the summary row, so the later recorded_at wins either way).
  Editing or deleting one reads the latest again.
- Alerts count by steps: -1 for the old row if it was unresolved, +1 for the new row if it is.
  Steps stay right under concurrent changes, where a recount could read a stale snapshot.
- Procedures are clinicians' rare writes: a new one replaces the latest when it is not older;
  editing or deleting one reads the latest again.

Lock order: a change to an alert's status, severity or patient locks the patient's summary
row. Every transaction that writes alerts therefore locks that row first (a check-in does so
by being inserted; the other writers call recovery.alerts.summary_lock()), so two writers
never hold the alert and the summary row the other way round (a deadlock).

A migration that rebuilds recovery_checkin, recovery_alert or recovery_procedure on SQLite
(Django copies the table for most changes there) drops its triggers: such a migration must run
install() again. tests/recovery/test_patient_summary.py fails on any backend without them.
"""

import sqlite3

from .choices import SEVERITIES_BY_RANK as SEVERITIES
from .choices import UNRESOLVED

# Our own constants written into the triggers' SQL (no input reaches it).
UNRESOLVED_SQL = "(" + ", ".join(f"'{status}'" for status in UNRESOLVED) + ")"

# The latest procedure of each patient in `ids`, read again (portable SQL).
LATEST_PROCEDURE = """
UPDATE recovery_patientsummary SET
    latest_performed_on = (SELECT pr.performed_on FROM recovery_procedure pr
        WHERE pr.patient_id = recovery_patientsummary.patient_id
        ORDER BY pr.performed_on DESC, pr.id DESC LIMIT 1),
    latest_procedure_type = (SELECT pr.procedure_type FROM recovery_procedure pr
        WHERE pr.patient_id = recovery_patientsummary.patient_id
        ORDER BY pr.performed_on DESC, pr.id DESC LIMIT 1),
    latest_levels = (SELECT pr.vertebral_levels FROM recovery_procedure pr
        WHERE pr.patient_id = recovery_patientsummary.patient_id
        ORDER BY pr.performed_on DESC, pr.id DESC LIMIT 1)
WHERE patient_id IN ({ids});
"""

LATEST_CHECKIN = """
UPDATE recovery_patientsummary SET
    latest_pain_score = (SELECT c.pain_score FROM recovery_checkin c
        WHERE c.patient_id = recovery_patientsummary.patient_id
        ORDER BY c.recorded_at DESC LIMIT 1),
    last_checkin_at = (SELECT c.recorded_at FROM recovery_checkin c
        WHERE c.patient_id = recovery_patientsummary.patient_id
        ORDER BY c.recorded_at DESC LIMIT 1)
WHERE patient_id IN ({ids});
"""


def _alert_step(row: str, sign: str, as_int: str) -> str:
    """Add (sign "+") or take away ("-") the alert `row` (NEW or OLD) if it is unresolved."""
    counts = ",\n    ".join(
        f"open_{s} = open_{s} {sign} "
        f"({row}.severity = '{s}' AND {row}.status IN {UNRESOLVED_SQL}){as_int}"
        for s in SEVERITIES
    )
    return f"UPDATE recovery_patientsummary SET\n    {counts}\nWHERE patient_id = {row}.patient_id;"


# Every patient gets a summary row, and the backfill for patients that exist already.
NEW_PATIENT = "INSERT INTO recovery_patientsummary (patient_id) VALUES (NEW.id);"
BACKFILL = (
    "INSERT INTO recovery_patientsummary (patient_id) SELECT id FROM recovery_patient;\n"
    + LATEST_CHECKIN.format(ids="SELECT id FROM recovery_patient")
    + LATEST_PROCEDURE.format(ids="SELECT id FROM recovery_patient")
    + "UPDATE recovery_patientsummary SET\n    "
    + ",\n    ".join(
        f"open_{s} = (SELECT count(*) FROM recovery_alert a WHERE a.patient_id = "
        f"recovery_patientsummary.patient_id AND a.severity = '{s}' "
        f"AND a.status IN {UNRESOLVED_SQL})"
        for s in SEVERITIES
    )
    + ";\n"
)

CHECKIN_COLUMNS = "patient_id, recorded_at, pain_score"
ALERT_COLUMNS = "patient_id, severity, status"
PROCEDURE_COLUMNS = "patient_id, performed_on, procedure_type, vertebral_levels"

# Written even when the new check-in is older than the latest (it then changes nothing), so
# that every check-in locks its patient's summary row before anything else: a check-in that
# fires alerts then always takes that lock before the alerts' (see summary_lock()).
NEWER_CHECKIN = """
UPDATE recovery_patientsummary SET
    latest_pain_score = CASE WHEN last_checkin_at IS NULL OR last_checkin_at <= NEW.recorded_at
        THEN NEW.pain_score ELSE latest_pain_score END,
    last_checkin_at = CASE WHEN last_checkin_at IS NULL OR last_checkin_at <= NEW.recorded_at
        THEN NEW.recorded_at ELSE last_checkin_at END
WHERE patient_id = NEW.patient_id;
"""
NEWER_PROCEDURE = """
UPDATE recovery_patientsummary SET latest_performed_on = NEW.performed_on,
    latest_procedure_type = NEW.procedure_type, latest_levels = NEW.vertebral_levels
WHERE patient_id = NEW.patient_id
    AND (latest_performed_on IS NULL OR latest_performed_on <= NEW.performed_on);
"""

# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_latest(table: str, columns: str, newer: str, latest: str) -> str:
    """A check-in's or procedure's trigger: a new row may replace the latest; an edited or
    deleted one reads the latest again."""
    name = f"recovery_summary_{table.removeprefix('recovery_')}"
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {newer}
    ELSIF TG_OP = 'UPDATE' THEN
        {latest.format(ids="OLD.patient_id, NEW.patient_id")}
    ELSE
        {latest.format(ids="OLD.patient_id")}
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}();
"""


POSTGRESQL_INSTALL = f"""
CREATE OR REPLACE FUNCTION recovery_summary_patient() RETURNS trigger AS $$
BEGIN
    {NEW_PATIENT}
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER recovery_summary_patient AFTER INSERT ON recovery_patient
    FOR EACH ROW EXECUTE FUNCTION recovery_summary_patient();

CREATE OR REPLACE FUNCTION recovery_summary_alert() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_alert_step("OLD", "-", "::int")}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_alert_step("NEW", "+", "::int")}
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER recovery_summary_alert
    AFTER INSERT OR DELETE OR UPDATE OF {ALERT_COLUMNS} ON recovery_alert
    FOR EACH ROW EXECUTE FUNCTION recovery_summary_alert();
{_pg_latest("recovery_checkin", CHECKIN_COLUMNS, NEWER_CHECKIN, LATEST_CHECKIN)}
{_pg_latest("recovery_procedure", PROCEDURE_COLUMNS, NEWER_PROCEDURE, LATEST_PROCEDURE)}
"""

POSTGRESQL_UNINSTALL = """
DROP TRIGGER IF EXISTS recovery_summary_patient ON recovery_patient;
DROP TRIGGER IF EXISTS recovery_summary_checkin ON recovery_checkin;
DROP TRIGGER IF EXISTS recovery_summary_alert ON recovery_alert;
DROP TRIGGER IF EXISTS recovery_summary_procedure ON recovery_procedure;
DROP FUNCTION IF EXISTS recovery_summary_patient();
DROP FUNCTION IF EXISTS recovery_summary_checkin();
DROP FUNCTION IF EXISTS recovery_summary_alert();
DROP FUNCTION IF EXISTS recovery_summary_procedure();
"""

# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_triggers(table: str, columns: str, *, on_insert: str, on_update: str, on_delete: str):
    name = f"recovery_summary_{table.removeprefix('recovery_')}"
    return f"""
CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN
    {on_insert}
END;
CREATE TRIGGER {name}_update AFTER UPDATE OF {columns} ON {table} BEGIN
    {on_update}
END;
CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN
    {on_delete}
END;
"""


def _sqlite_latest(table: str, columns: str, newer: str, latest: str) -> str:
    return _sqlite_triggers(
        table,
        columns,
        on_insert=newer,
        on_update=latest.format(ids="OLD.patient_id, NEW.patient_id"),
        on_delete=latest.format(ids="OLD.patient_id"),
    )


SQLITE_INSTALL = (
    f"""
CREATE TRIGGER recovery_summary_patient AFTER INSERT ON recovery_patient BEGIN
    {NEW_PATIENT}
END;
"""
    + _sqlite_latest("recovery_checkin", CHECKIN_COLUMNS, NEWER_CHECKIN, LATEST_CHECKIN)
    + _sqlite_triggers(
        "recovery_alert",
        ALERT_COLUMNS,
        on_insert=_alert_step("NEW", "+", ""),
        on_update=_alert_step("OLD", "-", "") + "\n" + _alert_step("NEW", "+", ""),
        on_delete=_alert_step("OLD", "-", ""),
    )
    + _sqlite_latest("recovery_procedure", PROCEDURE_COLUMNS, NEWER_PROCEDURE, LATEST_PROCEDURE)
)

SQLITE_TRIGGERS = [
    "recovery_summary_patient",
    *(
        f"recovery_summary_{table}_{op}"
        for table in ("checkin", "alert", "procedure")
        for op in ("insert", "update", "delete")
    ),
]
SQLITE_UNINSTALL = "".join(f"DROP TRIGGER IF EXISTS {name};\n" for name in SQLITE_TRIGGERS)


def install(schema_editor) -> None:
    """(Re)create the triggers and fill every patient's summary afresh. A later migration that
    changes this module's SQL calls it again."""
    uninstall(schema_editor)
    vendor = schema_editor.connection.vendor
    script = {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL}[vendor]
    _run(schema_editor, script, vendor)
    _run(schema_editor, "DELETE FROM recovery_patientsummary;\n" + BACKFILL, vendor)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    script = {"postgresql": POSTGRESQL_UNINSTALL, "sqlite": SQLITE_UNINSTALL}[vendor]
    _run(schema_editor, script, vendor)


def _run(schema_editor, script: str, vendor: str) -> None:
    if vendor != "sqlite":
        schema_editor.execute(script, params=None)
        return
    # SQLite runs one statement per execute() (and executescript() would commit the
    # migration's transaction), so cut the script where SQLite says a statement is complete:
    # a trigger's body holds semicolons of its own.
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            schema_editor.execute(statement.strip(), params=None)
            statement = ""
