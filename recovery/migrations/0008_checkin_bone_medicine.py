from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0007_team_membership"),
    ]

    operations = [
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
        # On SQLite, AddField rebuilds recovery_checkin and drops the summary triggers on it;
        # 0010_summary_triggers_frozen installs them (this one no longer does).
    ]
