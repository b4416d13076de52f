"""recovery.E010: the summary triggers (migration 0010_summary_triggers_frozen) are all there.

A SQLite table rebuild (most schema changes do one) drops a table's triggers without a word,
and the patient list would go on showing figures that no longer follow the check-ins. So the
triggers are looked up by name: by `manage.py check --database default`, at the end of every
`migrate` (recovery.apps), and by tests/recovery/test_summary_triggers.py on both databases.
While a recovery migration is pending the check waits (that migration may put them back, and
migrate's own checks run before it), and after_migrate looks once it ran.
"""

from __future__ import annotations

from django.core import checks
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

INSTALLER = ("recovery", "0010_summary_triggers_frozen")

# The names 0010 gives them: PostgreSQL has one trigger a table (INSERT OR UPDATE OR
# DELETE), SQLite one a table and event.
TRIGGERS = {
    "postgresql": [
        "recovery_summary_patient",
        "recovery_summary_checkin",
        "recovery_summary_alert",
        "recovery_summary_procedure",
    ],
    "sqlite": [
        "recovery_summary_patient",
        *(
            f"recovery_summary_{table}_{event}"
            for table in ("checkin", "alert", "procedure")
            for event in ("insert", "update", "delete")
        ),
    ],
}

FOUND = {
    "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'",
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
}


def missing_summary_triggers(connection) -> list[str]:
    """The summary triggers this database lacks; none before the installer migration ran."""
    expected = TRIGGERS.get(connection.vendor)
    if expected is None:
        return []
    recorder = MigrationRecorder(connection)
    if (
        not recorder.has_table()
        or not recorder.migration_qs.filter(app=INSTALLER[0], name=INSTALLER[1]).exists()
    ):
        return []
    with connection.cursor() as cursor:
        cursor.execute(FOUND[connection.vendor])
        found = {name for (name,) in cursor.fetchall()}
    return [name for name in expected if name not in found]


def recovery_migrations_pending(connection) -> bool:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return any(migration.app_label == INSTALLER[0] for migration, _backwards in plan)


@checks.register(checks.Tags.database)
def summary_triggers_check(app_configs=None, databases=None, **kwargs) -> list[checks.Error]:
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if recovery_migrations_pending(connection):
            continue  # one of them may put the triggers back: after_migrate looks again
        missing = missing_summary_triggers(connection)
        if missing:
            errors.append(
                checks.Error(
                    f"The patient summary triggers {', '.join(missing)} are missing from the "
                    f"database {alias!r}: the patient list's figures no longer follow the "
                    "check-ins, alerts and procedures.",
                    hint="A table rebuild (SQLite) or a dropped trigger removed them. The "
                    "migration that did it must create them again after its change (see "
                    "recovery/migrations/0010_summary_triggers_frozen.py).",
                    id="recovery.E010",
                )
            )
    return errors


def after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: fail the migrate command itself when a migration dropped a trigger.
    (flush sends post_migrate too, without a plan: it changes no schema.)"""
    if kwargs.get("plan") is None:
        return
    errors = summary_triggers_check(databases=[using])
    if errors:
        raise CommandError(f"{errors[0].msg} {errors[0].hint}")
