"""OutgoingEmail becomes Message, the one outbox of every channel: the table is renamed and its
rows kept (all of them email), then the SMS fields and the STOP tables are added."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0002_email_secret_until_sent"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="outgoingemail", name="outgoing_email_status_valid"),
        migrations.RenameModel(old_name="OutgoingEmail", new_name="Message"),
        migrations.RenameIndex(
            model_name="message", new_name="message_due_idx", old_name="outgoing_email_due_idx"
        ),
        migrations.RenameIndex(
            model_name="message",
            new_name="message_sending_idx",
            old_name="outgoing_email_sending_idx",
        ),
        migrations.RenameIndex(
            model_name="message",
            new_name="message_urgent_idx",
            old_name="outgoing_email_urgent_idx",
        ),
        migrations.AddField(
            model_name="message",
            name="channel",
            field=models.CharField(
                choices=[("email", "Email"), ("sms", "Sms")], default="email", max_length=10
            ),
        ),
        migrations.AlterField(
            model_name="message", name="to", field=models.CharField(max_length=320)
        ),
        migrations.AlterField(
            model_name="message",
            name="subject",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.AddField(
            model_name="message",
            name="provider_id",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="message",
            name="delivery_status",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.AddField(
            model_name="message",
            name="delivery_updated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="message",
            name="ref_type",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.AddField(
            model_name="message",
            name="ref_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="message",
            constraint=models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed", "cancelled"]),
                name="message_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="message",
            constraint=models.CheckConstraint(
                condition=models.Q(channel__in=["email", "sms"]), name="message_channel_valid"
            ),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["ref_type", "ref_id"], name="message_ref_idx"),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=models.Q(("provider_id", ""), _negated=True),
                fields=["provider_id"],
                name="message_provider_idx",
            ),
        ),
        migrations.CreateModel(
            name="SmsOptOut",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=20, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name="SmsKeyword",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=20)),
                ("keyword", models.CharField(max_length=20)),
                ("action", models.CharField(choices=[("stop", "Stop"), ("start", "Start")], max_length=10)),
                ("received_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [models.Index(fields=["number", "received_at"], name="sms_keyword_number_idx")],
            },
        ),
    ]
