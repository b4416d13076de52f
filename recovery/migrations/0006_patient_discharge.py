from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0005_checkin_entered_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="status",
            field=models.CharField(
                choices=[("active", "Active"), ("discharged", "Discharged")],
                default="active",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="patient",
            name="discharged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="patient",
            name="discharge_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("recovered", "Recovered"),
                    ("transferred", "Transferred"),
                    ("withdrew", "Withdrew"),
                    ("deceased", "Deceased"),
                    ("other", "Other"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="patient",
            name="discharge_note",
            field=models.TextField(blank=True, default="", max_length=2000),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["active", "discharged"])),
                name="patient_status_valid",
            ),
        ),
        # On SQLite the AddFields above rebuild recovery_patient, which drops its summary
        # trigger; 0010_summary_triggers_frozen installs the triggers (this one no longer does).
    ]
