from django.db.models import QuerySet

from accounts.models import User

from .models import AccessRecord


def access_log_for(user: User) -> QuerySet[AccessRecord]:
    """A patient's own access log, newest first. Nobody else's, whoever asks."""
    if not user.is_authenticated or not user.is_patient:
        return AccessRecord.objects.none()
    return (
        AccessRecord.objects.filter(patient__user=user)
        .select_related("actor")
        .order_by("-at", "-id")
    )
