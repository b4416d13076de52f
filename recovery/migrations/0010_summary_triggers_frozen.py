"""The triggers that keep recovery_patientsummary (models.PatientSummary), frozen here.

Their SQL is the literal text below, one script per database we run on (PostgreSQL: plpgsql;
SQLite: the demo and the quick tests), readable whole. Nothing is imported from a live
module: what this migration installs is what it installed when it was written. A change to
the triggers is a new migration with its own text (DROP, then CREATE, then BACKFILL).

Until this migration, 0003-0008 installed the triggers from a live module on every table
change; they install nothing now (migrating from zero, this is the one installer). Databases
migrated before keep the triggers those migrations installed, which are the same text: here
they are dropped, created again and the summary rows refilled. Reversed, this leaves them in
place for the code of 0003-0009, which expects them.

What the triggers do (the same on both databases):
- A new patient gets an empty summary row.
- A new check-in replaces the latest one when it is not older; editing or deleting one reads
  the latest again. Written even when the check-in is older (it then changes nothing), so that
  every check-in locks its patient's summary row (see recovery/locks.py).
- Alerts count by steps: -1 for the old row if it was unresolved, +1 for the new row if it is.
  Steps stay right under concurrent changes, where a recount could read a stale snapshot.
- A new procedure replaces the latest when it is not older (by performed_on); editing or
  deleting one reads the latest again (by performed_on, then id).

Every writer takes recovery.locks.summary_lock() first: the triggers lock the summary row in
the middle of a statement, and one lock order for all writers keeps them from deadlocking.

Why triggers, not the services keeping the row (issue 16, bench/NOTES.md): a quiet check-in
stays one autocommitted INSERT (the services would need BEGIN, UPDATE, INSERT, COMMIT), and
served head to head the triggers' variant took 1.45 times the check-ins per second (1.00-1.76
over 8 interleaved rounds; p50 121 ms against 210 ms), the patient list the same within noise.
And every path that writes (admin, jobs, bulk inserts, SQL fixes, factories) keeps it right.

Two things a later migration must know:
- On SQLite, most schema changes to recovery_patient, recovery_checkin, recovery_alert or
  recovery_procedure rebuild the table (Django copies it), which drops its triggers.
- On PostgreSQL, a column named in a trigger's UPDATE OF list cannot change type while the
  trigger exists.
Such a migration drops the triggers first and creates them again after (from its own frozen
text). The check recovery.E010 (recovery/checks.py), run after every migrate and by
tests/recovery/test_summary_triggers.py on both databases, fails when one is missing.
"""

import sqlite3

from django.db import migrations

POSTGRESQL = r"""
CREATE OR REPLACE FUNCTION recovery_summary_patient() RETURNS trigger AS $$
BEGIN
    INSERT INTO recovery_patientsummary (patient_id) VALUES (NEW.id);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER recovery_summary_patient AFTER INSERT ON recovery_patient
    FOR EACH ROW EXECUTE FUNCTION recovery_summary_patient();

CREATE OR REPLACE FUNCTION recovery_summary_checkin() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE recovery_patientsummary SET
            latest_pain_score = CASE
                WHEN last_checkin_at IS NULL OR last_checkin_at <= NEW.recorded_at
                THEN NEW.pain_score ELSE latest_pain_score END,
            last_checkin_at = CASE
                WHEN last_checkin_at IS NULL OR last_checkin_at <= NEW.recorded_at
                THEN NEW.recorded_at ELSE last_checkin_at END
        WHERE patient_id = NEW.patient_id;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE recovery_patientsummary SET
            latest_pain_score = (SELECT c.pain_score FROM recovery_checkin c
                WHERE c.patient_id = recovery_patientsummary.patient_id
                ORDER BY c.recorded_at DESC LIMIT 1),
            last_checkin_at = (SELECT c.recorded_at FROM recovery_checkin c
                WHERE c.patient_id = recovery_patientsummary.patient_id
                ORDER BY c.recorded_at DESC LIMIT 1)
        WHERE patient_id IN (OLD.patient_id, NEW.patient_id);
    ELSE
        UPDATE recovery_patientsummary SET
            latest_pain_score = (SELECT c.pain_score FROM recovery_checkin c
                WHERE c.patient_id = recovery_patientsummary.patient_id
                ORDER BY c.recorded_at DESC LIMIT 1),
            last_checkin_at = (SELECT c.recorded_at FROM recovery_checkin c
                WHERE c.patient_id = recovery_patientsummary.patient_id
                ORDER BY c.recorded_at DESC LIMIT 1)
        WHERE patient_id = OLD.patient_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER recovery_summary_checkin
    AFTER INSERT OR DELETE OR UPDATE OF patient_id, recorded_at, pain_score ON recovery_checkin
    FOR EACH ROW EXECUTE FUNCTION recovery_summary_checkin();

CREATE OR REPLACE FUNCTION recovery_summary_alert() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE recovery_patientsummary SET
            open_emergency = open_emergency
                - (OLD.severity = 'emergency' AND OLD.status IN ('open', 'acknowledged'))::int,
            open_urgent = open_urgent
                - (OLD.severity = 'urgent' AND OLD.status IN ('open', 'acknowledged'))::int,
            open_warning = open_warning
                - (OLD.severity = 'warning' AND OLD.status IN ('open', 'acknowledged'))::int,
            open_info = open_info
                - (OLD.severity = 'info' AND OLD.status IN ('open', 'acknowledged'))::int
        WHERE patient_id = OLD.patient_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE recovery_patientsummary SET
            open_emergency = open_emergency
                + (NEW.severity = 'emergency' AND NEW.status IN ('open', 'acknowledged'))::int,
            open_urgent = open_urgent
                + (NEW.severity = 'urgent' AND NEW.status IN ('open', 'acknowledged'))::int,
            open_warning = open_warning
                + (NEW.severity = 'warning' AND NEW.status IN ('open', 'acknowledged'))::int,
            open_info = open_info
                + (NEW.severity = 'info' AND NEW.status IN ('open', 'acknowledged'))::int
        WHERE patient_id = NEW.patient_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER recovery_summary_alert
    AFTER INSERT OR DELETE OR UPDATE OF patient_id, severity, status ON recovery_alert
    FOR EACH ROW EXECUTE FUNCTION recovery_summary_alert();

CREATE OR REPLACE FUNCTION recovery_summary_procedure() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE recovery_patientsummary SET
            latest_performed_on = NEW.performed_on,
            latest_procedure_type = NEW.procedure_type,
            latest_levels = NEW.vertebral_levels
        WHERE patient_id = NEW.patient_id
            AND (latest_performed_on IS NULL OR latest_performed_on <= NEW.performed_on);
    ELSIF TG_OP = 'UPDATE' THEN
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
        WHERE patient_id IN (OLD.patient_id, NEW.patient_id);
    ELSE
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
        WHERE patient_id = OLD.patient_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER recovery_summary_procedure
    AFTER INSERT OR DELETE
        OR UPDATE OF patient_id, performed_on, procedure_type, vertebral_levels
    ON recovery_procedure
    FOR EACH ROW EXECUTE FUNCTION recovery_summary_procedure();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS recovery_summary_patient ON recovery_patient;
DROP TRIGGER IF EXISTS recovery_summary_checkin ON recovery_checkin;
DROP TRIGGER IF EXISTS recovery_summary_alert ON recovery_alert;
DROP TRIGGER IF EXISTS recovery_summary_procedure ON recovery_procedure;
DROP FUNCTION IF EXISTS recovery_summary_patient();
DROP FUNCTION IF EXISTS recovery_summary_checkin();
DROP FUNCTION IF EXISTS recovery_summary_alert();
DROP FUNCTION IF EXISTS recovery_summary_procedure();
"""

# SQLite has no trigger functions and one event per trigger: three triggers a table.
SQLITE = r"""
CREATE TRIGGER recovery_summary_patient AFTER INSERT ON recovery_patient BEGIN
    INSERT INTO recovery_patientsummary (patient_id) VALUES (NEW.id);
END;

CREATE TRIGGER recovery_summary_checkin_insert AFTER INSERT ON recovery_checkin BEGIN
    UPDATE recovery_patientsummary SET
        latest_pain_score = CASE
            WHEN last_checkin_at IS NULL OR last_checkin_at <= NEW.recorded_at
            THEN NEW.pain_score ELSE latest_pain_score END,
        last_checkin_at = CASE
            WHEN last_checkin_at IS NULL OR last_checkin_at <= NEW.recorded_at
            THEN NEW.recorded_at ELSE last_checkin_at END
    WHERE patient_id = NEW.patient_id;
END;

CREATE TRIGGER recovery_summary_checkin_update
    AFTER UPDATE OF patient_id, recorded_at, pain_score ON recovery_checkin BEGIN
    UPDATE recovery_patientsummary SET
        latest_pain_score = (SELECT c.pain_score FROM recovery_checkin c
            WHERE c.patient_id = recovery_patientsummary.patient_id
            ORDER BY c.recorded_at DESC LIMIT 1),
        last_checkin_at = (SELECT c.recorded_at FROM recovery_checkin c
            WHERE c.patient_id = recovery_patientsummary.patient_id
            ORDER BY c.recorded_at DESC LIMIT 1)
    WHERE patient_id IN (OLD.patient_id, NEW.patient_id);
END;

CREATE TRIGGER recovery_summary_checkin_delete AFTER DELETE ON recovery_checkin BEGIN
    UPDATE recovery_patientsummary SET
        latest_pain_score = (SELECT c.pain_score FROM recovery_checkin c
            WHERE c.patient_id = recovery_patientsummary.patient_id
            ORDER BY c.recorded_at DESC LIMIT 1),
        last_checkin_at = (SELECT c.recorded_at FROM recovery_checkin c
            WHERE c.patient_id = recovery_patientsummary.patient_id
            ORDER BY c.recorded_at DESC LIMIT 1)
    WHERE patient_id = OLD.patient_id;
END;

CREATE TRIGGER recovery_summary_alert_insert AFTER INSERT ON recovery_alert BEGIN
    UPDATE recovery_patientsummary SET
        open_emergency = open_emergency
            + (NEW.severity = 'emergency' AND NEW.status IN ('open', 'acknowledged')),
        open_urgent = open_urgent
            + (NEW.severity = 'urgent' AND NEW.status IN ('open', 'acknowledged')),
        open_warning = open_warning
            + (NEW.severity = 'warning' AND NEW.status IN ('open', 'acknowledged')),
        open_info = open_info
            + (NEW.severity = 'info' AND NEW.status IN ('open', 'acknowledged'))
    WHERE patient_id = NEW.patient_id;
END;

CREATE TRIGGER recovery_summary_alert_update
    AFTER UPDATE OF patient_id, severity, status ON recovery_alert BEGIN
    UPDATE recovery_patientsummary SET
        open_emergency = open_emergency
            - (OLD.severity = 'emergency' AND OLD.status IN ('open', 'acknowledged')),
        open_urgent = open_urgent
            - (OLD.severity = 'urgent' AND OLD.status IN ('open', 'acknowledged')),
        open_warning = open_warning
            - (OLD.severity = 'warning' AND OLD.status IN ('open', 'acknowledged')),
        open_info = open_info
            - (OLD.severity = 'info' AND OLD.status IN ('open', 'acknowledged'))
    WHERE patient_id = OLD.patient_id;
    UPDATE recovery_patientsummary SET
        open_emergency = open_emergency
            + (NEW.severity = 'emergency' AND NEW.status IN ('open', 'acknowledged')),
        open_urgent = open_urgent
            + (NEW.severity = 'urgent' AND NEW.status IN ('open', 'acknowledged')),
        open_warning = open_warning
            + (NEW.severity = 'warning' AND NEW.status IN ('open', 'acknowledged')),
        open_info = open_info
            + (NEW.severity = 'info' AND NEW.status IN ('open', 'acknowledged'))
    WHERE patient_id = NEW.patient_id;
END;

CREATE TRIGGER recovery_summary_alert_delete AFTER DELETE ON recovery_alert BEGIN
    UPDATE recovery_patientsummary SET
        open_emergency = open_emergency
            - (OLD.severity = 'emergency' AND OLD.status IN ('open', 'acknowledged')),
        open_urgent = open_urgent
            - (OLD.severity = 'urgent' AND OLD.status IN ('open', 'acknowledged')),
        open_warning = open_warning
            - (OLD.severity = 'warning' AND OLD.status IN ('open', 'acknowledged')),
        open_info = open_info
            - (OLD.severity = 'info' AND OLD.status IN ('open', 'acknowledged'))
    WHERE patient_id = OLD.patient_id;
END;

CREATE TRIGGER recovery_summary_procedure_insert AFTER INSERT ON recovery_procedure BEGIN
    UPDATE recovery_patientsummary SET
        latest_performed_on = NEW.performed_on,
        latest_procedure_type = NEW.procedure_type,
        latest_levels = NEW.vertebral_levels
    WHERE patient_id = NEW.patient_id
        AND (latest_performed_on IS NULL OR latest_performed_on <= NEW.performed_on);
END;

CREATE TRIGGER recovery_summary_procedure_update
    AFTER UPDATE OF patient_id, performed_on, procedure_type, vertebral_levels
    ON recovery_procedure BEGIN
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
    WHERE patient_id IN (OLD.patient_id, NEW.patient_id);
END;

CREATE TRIGGER recovery_summary_procedure_delete AFTER DELETE ON recovery_procedure BEGIN
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
    WHERE patient_id = OLD.patient_id;
END;
"""

SQLITE_DROP = """
DROP TRIGGER IF EXISTS recovery_summary_patient;
DROP TRIGGER IF EXISTS recovery_summary_checkin_insert;
DROP TRIGGER IF EXISTS recovery_summary_checkin_update;
DROP TRIGGER IF EXISTS recovery_summary_checkin_delete;
DROP TRIGGER IF EXISTS recovery_summary_alert_insert;
DROP TRIGGER IF EXISTS recovery_summary_alert_update;
DROP TRIGGER IF EXISTS recovery_summary_alert_delete;
DROP TRIGGER IF EXISTS recovery_summary_procedure_insert;
DROP TRIGGER IF EXISTS recovery_summary_procedure_update;
DROP TRIGGER IF EXISTS recovery_summary_procedure_delete;
"""

# Every patient's row afresh from the source tables (portable SQL), run after the triggers
# exist and inside this migration's transaction.
BACKFILL = """
DELETE FROM recovery_patientsummary;

INSERT INTO recovery_patientsummary (patient_id) SELECT id FROM recovery_patient;

UPDATE recovery_patientsummary SET
    latest_pain_score = (SELECT c.pain_score FROM recovery_checkin c
        WHERE c.patient_id = recovery_patientsummary.patient_id
        ORDER BY c.recorded_at DESC LIMIT 1),
    last_checkin_at = (SELECT c.recorded_at FROM recovery_checkin c
        WHERE c.patient_id = recovery_patientsummary.patient_id
        ORDER BY c.recorded_at DESC LIMIT 1),
    latest_performed_on = (SELECT pr.performed_on FROM recovery_procedure pr
        WHERE pr.patient_id = recovery_patientsummary.patient_id
        ORDER BY pr.performed_on DESC, pr.id DESC LIMIT 1),
    latest_procedure_type = (SELECT pr.procedure_type FROM recovery_procedure pr
        WHERE pr.patient_id = recovery_patientsummary.patient_id
        ORDER BY pr.performed_on DESC, pr.id DESC LIMIT 1),
    latest_levels = (SELECT pr.vertebral_levels FROM recovery_procedure pr
        WHERE pr.patient_id = recovery_patientsummary.patient_id
        ORDER BY pr.performed_on DESC, pr.id DESC LIMIT 1),
    open_emergency = (SELECT count(*) FROM recovery_alert a
        WHERE a.patient_id = recovery_patientsummary.patient_id
        AND a.severity = 'emergency' AND a.status IN ('open', 'acknowledged')),
    open_urgent = (SELECT count(*) FROM recovery_alert a
        WHERE a.patient_id = recovery_patientsummary.patient_id
        AND a.severity = 'urgent' AND a.status IN ('open', 'acknowledged')),
    open_warning = (SELECT count(*) FROM recovery_alert a
        WHERE a.patient_id = recovery_patientsummary.patient_id
        AND a.severity = 'warning' AND a.status IN ('open', 'acknowledged')),
    open_info = (SELECT count(*) FROM recovery_alert a
        WHERE a.patient_id = recovery_patientsummary.patient_id
        AND a.severity = 'info' AND a.status IN ('open', 'acknowledged'));
"""

SCRIPTS = {"postgresql": (POSTGRESQL_DROP, POSTGRESQL), "sqlite": (SQLITE_DROP, SQLITE)}


def run(schema_editor, script):
    if schema_editor.connection.vendor != "sqlite":
        schema_editor.execute(script, params=None)
        return
    # SQLite runs one statement per execute() (and executescript() would commit the
    # migration's transaction): cut the script where SQLite says a statement is complete,
    # since a trigger's body holds semicolons of its own.
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            schema_editor.execute(statement.strip(), params=None)
            statement = ""


def install(apps, schema_editor):
    drop, create = SCRIPTS[schema_editor.connection.vendor]
    run(schema_editor, drop)
    run(schema_editor, create)
    run(schema_editor, BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0009_patient_sms"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
