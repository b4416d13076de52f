from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        # Emails are stored lower-cased; phones capitalise the first letter typed at login.
        return self.get(email=self.normalize_email(username).lower())

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """An account that logs in by email. The role decides which half of the API it may use."""

    class Role(models.TextChoices):
        PATIENT = "patient"
        CLINICIAN = "clinician"
        ADMIN = "admin"
        # Helps one or more patients who invited them (caregivers/); sees only those patients.
        CAREGIVER = "caregiver"

    username = None
    email = models.EmailField(unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT)
    # A clinician's mobile in E.164 (validated where it is edited: dashboard/account_views.py),
    # and whether they also want urgent and emergency alerts by SMS (notifications/).
    # Defaults in the database too: code (or a migration test) that predates them still inserts.
    phone = models.CharField(max_length=20, blank=True, default="", db_default="")
    alert_sms = models.BooleanField(default=False, db_default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["patient", "clinician", "admin", "caregiver"]),
                name="user_role_valid",
            )
        ]

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == self.Role.CLINICIAN

    @property
    def is_caregiver(self) -> bool:
        return self.role == self.Role.CAREGIVER
