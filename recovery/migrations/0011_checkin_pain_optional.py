"""A check-in's pain may be null: the app stores a check-in at an emergency "yes", asked
before the pain (issue 23).

On SQLite the AlterField rebuilds recovery_checkin, which drops its summary triggers
(0010's docstring): they are dropped first and created again after, from 0010's frozen text
(a migration's text never changes, so reading it is reading frozen history), and the summary
rows refilled. On PostgreSQL the column only drops NOT NULL and the triggers stay."""

import importlib

from django.db import migrations, models

frozen = importlib.import_module("recovery.migrations.0010_summary_triggers_frozen")


def sqlite_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        frozen.run(schema_editor, frozen.SQLITE_DROP)


def sqlite_create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        frozen.run(schema_editor, frozen.SQLITE)
        frozen.run(schema_editor, frozen.BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0010_summary_triggers_frozen"),
    ]

    operations = [
        migrations.RunPython(sqlite_drop, sqlite_create),
        migrations.AlterField(
            model_name="checkin",
            name="pain_score",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(sqlite_create, sqlite_drop),
    ]
