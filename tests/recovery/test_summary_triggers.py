"""The summary triggers are frozen in migration 0010 and checked after every migrate.

The test database is migrated from zero (pytest-django), so the first test says that doing so
ends with every trigger present, on SQLite (the quick path) and on PostgreSQL (scripts/test).
"""

import ast
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db import connection

from recovery import checks

pytestmark = pytest.mark.django_db

MIGRATIONS = Path(checks.__file__).parent / "migrations"


def found_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(checks.FOUND[connection.vendor])
        return {name for (name,) in cursor.fetchall()}


def drop(name: str) -> None:
    table = "recovery_" + name.removeprefix("recovery_summary_").split("_")[0]
    on = f" ON {table}" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name}{on}")


def test_migrating_from_zero_installs_every_trigger():
    expected = checks.TRIGGERS[connection.vendor]
    assert set(expected) <= found_triggers()
    assert checks.missing_summary_triggers(connection) == []
    assert checks.summary_triggers_check(databases=["default"]) == []


@pytest.mark.parametrize("index", [0, 1, -1])
def test_a_missing_trigger_fails_the_check_and_the_migrate(index):
    # Inside the test's transaction: the DROP is rolled back afterwards (DDL is transactional
    # on both databases).
    name = checks.TRIGGERS[connection.vendor][index]
    drop(name)
    assert checks.missing_summary_triggers(connection) == [name]
    [error] = checks.summary_triggers_check(databases=["default"])
    assert error.id == "recovery.E010"
    assert name in error.msg
    with pytest.raises(CommandError, match=name):
        checks.after_migrate(sender=None, using="default", plan=[])


def test_the_migrations_import_no_live_module_for_their_sql():
    """A migration runs the SQL it was written with: nothing from the project's code, except
    the callable defaults Django writes into field definitions (recovery.models)."""
    root = MIGRATIONS.parents[1]
    ours = {path.parent.name for path in root.glob("*/__init__.py")}
    for path in sorted(MIGRATIONS.glob("0*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                live = name.split(".")[0] in ours and name != "recovery.models"
                assert not live, f"{path.name} imports {name}"


def test_the_installer_holds_its_sql_as_literal_text():
    """0010's scripts are string literals (no formatting, no names pieced in), naming every
    trigger the check looks for."""
    tree = ast.parse((MIGRATIONS / "0010_summary_triggers_frozen.py").read_text())
    scripts = {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    for name in ("POSTGRESQL", "POSTGRESQL_DROP", "SQLITE", "SQLITE_DROP", "BACKFILL"):
        assert isinstance(scripts[name], ast.Constant), name
    for vendor, script in (("postgresql", "POSTGRESQL"), ("sqlite", "SQLITE")):
        for trigger in checks.TRIGGERS[vendor]:
            assert f"CREATE TRIGGER {trigger}" in scripts[script].value
