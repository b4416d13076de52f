"""The row a bearer token stands for (the user with their patient and care team), kept briefly
in the shared cache: most API requests then authenticate without a query (issue 17).

Every save or delete of a user, a patient or a care team forgets the rows it is part of
(the receivers here and in recovery/receivers.py), at once and again when the transaction
commits, so no worker can put back a row it read before the commit. A deactivation or a new
password therefore holds on the next request on every worker: the token's password claim is
checked against the cached row as against the database's (accounts/authentication.py). Writes
that bypass signals (a queryset's update()) call forget() themselves; the short lifetime is
only a safety net for one that does not.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

SECONDS = 60


def _key(user_id: int) -> str:
    return f"auth:user:{user_id}"


def cached(user_id: int):
    return cache.get(_key(user_id))


def remember(user) -> None:
    cache.set(_key(user.pk), user, SECONDS)


def forget(user_ids: Iterable[int | None]) -> None:
    keys = [_key(pk) for pk in user_ids if pk is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_user(sender, instance, **kwargs) -> None:
    forget([instance.pk])
