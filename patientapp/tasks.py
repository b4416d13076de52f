from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def signin_links_prune_task() -> int:
    """Beat's daily clean-up of spent sign-in links (patientapp.services.signin_links_prune)."""
    return services.signin_links_prune()
