"""Teams run themselves: memberships with an admin flag, invitations, settings versions.

CareTeam.clinicians gets an explicit through model, TeamMembership, on the same table.

The state learns the model (SeparateDatabaseAndState: the table, its columns and its unique
pair stay as Django made them for the plain many-to-many, so every existing membership is
kept); the database only gains the two new columns. Existing members become admins: until
now every clinician of a team could do all there was to do with it, and create_clinician,
the only way in, now makes admins.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def existing_members_are_admins(apps, schema_editor):
    apps.get_model("recovery", "TeamMembership").objects.update(is_admin=True)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0006_patient_discharge"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TeamMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "careteam",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="recovery.careteam",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="team_memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "recovery_careteam_clinicians",
                        "unique_together": {("careteam", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="careteam",
                    name="clinicians",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="care_teams",
                        through="recovery.TeamMembership",
                        through_fields=("careteam", "user"),
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="teammembership",
            name="is_admin",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="teammembership",
            name="added_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(existing_members_are_admins, migrations.RunPython.noop),
        migrations.CreateModel(
            name="TeamInvitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField()),
                ("accepted_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "invited_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="recovery.careteam",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="TeamSettingsVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("old", models.JSONField(default=dict)),
                ("new", models.JSONField(default=dict)),
                (
                    "changed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="settings_versions",
                        to="recovery.careteam",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["team", "-changed_at"], name="recovery_te_team_id_c4a999_idx"
                    )
                ],
            },
        ),
    ]
