from django.db import migrations, models

from recovery import summary_sql


def install(apps, schema_editor):
    summary_sql.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0007_team_membership"),
    ]

    operations = [
        # Reversed, this runs last, after RemoveField rebuilt the table on SQLite.
        migrations.RunPython(migrations.RunPython.noop, install),
        migrations.AddField(
            model_name="checkin",
            name="bone_medicine",
            field=models.CharField(
                blank=True,
                choices=[
                    ("as_prescribed", "As Prescribed"),
                    ("missed_some", "Missed Some"),
                    ("stopped", "Stopped"),
                    ("not_prescribed", "Not Prescribed"),
                ],
                max_length=20,
                null=True,
            ),
        ),
        # On SQLite, AddField rebuilds recovery_checkin and drops the summary triggers on it
        # (recovery/summary_sql.py): install them again. On PostgreSQL this re-creates the same
        # triggers and refills the summary rows.
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
