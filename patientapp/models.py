from django.conf import settings
from django.db import models
from django.utils import timezone

from recovery.models import Patient


class SignInLink(models.Model):
    """A "Check in now" link from a reminder email: single use, for one patient and purpose.

    The token in the URL is random; only its SHA-256 is stored, so the table alone signs
    nobody in. `used_at` is set by the one conditional UPDATE that wins (single use).
    """

    class Purpose(models.TextChoices):
        CHECKIN = "checkin"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="signin_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.CHECKIN)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The prune (patientapp.tasks) deletes by age.
        indexes = [models.Index(fields=["expires_at"], name="signinlink_expires_idx")]

    def __str__(self) -> str:
        return f"Sign-in link {self.pk}"

    @property
    def signs_in(self):
        """The account this link signs in."""
        return self.user if self.user_id else self.patient.user
