"""Who read or changed which patient's record, when and from where. Append-only."""

from django.conf import settings
from django.db import models
from django.utils.timezone import now


class AppendOnly(Exception):
    """The audit trail is never edited or deleted through the application."""


class AccessRecordQuerySet(models.QuerySet):
    # Bulk paths skip Model.save()/delete(), so they are closed here as well.
    def update(self, **kwargs):
        raise AppendOnly("Access records cannot be changed.")

    def delete(self):
        raise AppendOnly("Access records cannot be deleted.")

    # bulk_update goes through update(); named here so the refusal reads plainly.
    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("Access records cannot be changed.")


class AccessRecord(models.Model):
    class Kind(models.TextChoices):
        READ = "read"
        CHANGE = "change"

    # PROTECT on both: a user or patient with an audit history cannot vanish from it. No
    # index of their own: the two below lead with them, and every list page writes 50 rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_records",
        db_index=False,
    )
    patient = models.ForeignKey(
        "recovery.Patient", on_delete=models.PROTECT, related_name="access_records", db_index=False
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # What was done: the HTTP method and the route's name, e.g. "GET patient-detail".
    method = models.CharField(max_length=8)
    action = models.CharField(max_length=100)
    at = models.DateTimeField(default=now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["read", "change"]), name="access_record_kind_valid"
            )
        ]
        # "Who saw this patient's record", newest first, is the question this table answers.
        indexes = [models.Index(fields=["patient", "-at"]), models.Index(fields=["actor", "-at"])]

    def __str__(self) -> str:
        return f"Access {self.pk}: {self.method} {self.action} on patient {self.patient_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Access records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Access records cannot be deleted.")
