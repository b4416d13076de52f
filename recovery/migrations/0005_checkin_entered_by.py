import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    """Check-ins stored so far were all entered through the patient's own account. (On
    SQLite, AddField rebuilt recovery_checkin without its summary triggers;
    0010_summary_triggers_frozen installs them.)"""
    schema_editor.execute(
        "UPDATE recovery_checkin SET entered_by_id = "
        "(SELECT user_id FROM recovery_patient WHERE recovery_patient.id = recovery_checkin.patient_id) "
        "WHERE entered_by_id IS NULL",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0004_patient_language_team_phones"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
