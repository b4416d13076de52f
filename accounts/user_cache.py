"""The row a bearer token stands for (the user with their patient and care team), kept briefly
in the shared cache: most API requests then authenticate without a query (issue 17).

Every save or delete of a user, a patient or a care team forgets the rows it is part of
(the receivers here and in recovery/receivers.py), at once and again when the transaction
commits, so no worker can put back a row it read before the commit. A deactivation or a new
password therefore holds on the next request on every worker: the token's password claim is
checked against the cached row as against the database's (accounts/authentication.py). A
queryset's update() sends no signal: the querysets of the rows it carries forget them there
(ForgettingQuerySet); the short lifetime is only a safety net for a write that does neither.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction

logger = logging.getLogger(__name__)

SECONDS = 60


def _key(user_id: int) -> str:
    return f"auth:user:{user_id}"


def _shared() -> bool:
    """A process's own memory is no place for the row: another worker's forget() would not
    reach it (CACHE_URL unset means local memory, README "Configuration")."""
    return not settings.CACHES["default"]["BACKEND"].endswith(".LocMemCache")


# The cache only saves a query: with the cache server unreachable, authentication reads the
# database as it did before (a missed forget() is bounded by SECONDS).
def cached(user_id: int):
    if not _shared():
        return None
    try:
        return cache.get(_key(user_id))
    except Exception:
        logger.warning("user cache unreachable; reading the user from the database")
        return None


def remember(user) -> None:
    if not _shared():
        return
    try:
        cache.set(_key(user.pk), user, SECONDS)
    except Exception:
        logger.warning("user cache unreachable; the user row is not kept")


def forget(user_ids: Iterable[int | None]) -> None:
    keys = [_key(pk) for pk in user_ids if pk is not None]
    if not keys:
        return
    _delete(keys)
    transaction.on_commit(lambda: _delete(keys))


def _delete(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("user cache unreachable; %d rows may stay up to %d s", len(keys), SECONDS)


def forget_user(sender, instance, **kwargs) -> None:
    forget([instance.pk])


class ForgettingQuerySet(models.QuerySet):
    """update() forgets the cached rows of the users it touches, as a save's signal does.
    `user_field` names the user's id on the model (the patient's user_id)."""

    user_field = "pk"

    def update(self, **kwargs) -> int:
        user_ids = list(self.values_list(self.user_field, flat=True))
        count = super().update(**kwargs)
        forget(user_ids)
        return count
