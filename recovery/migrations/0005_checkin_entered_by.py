import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from recovery import summary_sql


def backfill_and_install(apps, schema_editor):
    """Check-ins stored so far were all entered through the patient's own account; then the
    summary triggers again: on SQLite, AddField rebuilt recovery_checkin without them."""
    summary_sql.uninstall(schema_editor)
    schema_editor.execute(
        "UPDATE recovery_checkin SET entered_by_id = "
        "(SELECT user_id FROM recovery_patient WHERE recovery_patient.id = recovery_checkin.patient_id) "
        "WHERE entered_by_id IS NULL",
        params=None,
    )
    summary_sql.install(schema_editor)


def install(apps, schema_editor):
    summary_sql.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0004_patient_language_team_phones"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Reversed last: RemoveField rebuilds the table on SQLite, so the triggers go back on
        # after it.
        migrations.RunPython(migrations.RunPython.noop, install),
        migrations.AddField(
            model_name="checkin",
            name="entered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(backfill_and_install, migrations.RunPython.noop),
    ]
