"""Bearer-token authentication reads its row from the shared cache (accounts/user_cache.py),
and every change of the user, their patient or its team holds on the next request."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts import user_cache
from accounts.models import User
from accounts.services import account_password_set
from recovery import lifecycle
from recovery.choices import PatientStatus
from recovery.models import Patient
from tests.conftest import client_for

NEW_PASSWORD = "granite-ladder-orchid-41"


def me(client):
    return client.get("/api/v1/me/")


def user_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert me(client).status_code == 200
    return sum('FROM "accounts_user"' in query["sql"] for query in queries)


def test_a_cached_row_authenticates_without_reading_the_user(patient):
    client = client_for(patient.user)
    assert user_queries(client) == 1
    assert user_queries(client) == 0
    assert user_cache.cached(patient.user.pk) == patient.user


def test_deactivation_holds_on_the_next_request(patient):
    client = client_for(patient.user)
    assert me(client).status_code == 200
    patient.user.is_active = False
    patient.user.save(update_fields=["is_active"])
    assert me(client).status_code == 401


def test_a_new_password_ends_the_old_token_and_the_new_one_works(patient):
    old = client_for(patient.user)
    assert me(old).status_code == 200
    account_password_set(user=patient.user, password=NEW_PASSWORD, validate=False)
    assert me(old).status_code == 401
    assert me(client_for(patient.user)).status_code == 200


def test_a_token_newer_than_a_stale_cached_row_is_read_again(patient):
    # A row the cache did not forget (a write that bypassed signals): a token issued under
    # the new password is still let in, from the database.
    assert me(client_for(patient.user)).status_code == 200
    stale = user_cache.cached(patient.user.pk)
    account_password_set(user=patient.user, password=NEW_PASSWORD, validate=False)
    user_cache.remember(stale)
    assert me(client_for(User.objects.get(pk=patient.user.pk))).status_code == 200


def test_patient_and_team_saves_forget_the_row(patient, team):
    client = client_for(patient.user)
    assert me(client).status_code == 200
    patient.language = "es"
    patient.save()
    assert user_cache.cached(patient.user.pk) is None
    assert me(client).status_code == 200
    team.rule_settings = {"fever_threshold_c": 38.5}
    team.save()
    assert user_cache.cached(patient.user.pk) is None


def test_reactivation_by_update_forgets_the_row(patient):
    Patient.objects.filter(pk=patient.pk).update(status=PatientStatus.DISCHARGED)
    assert me(client_for(patient.user)).status_code == 200
    assert user_cache.cached(patient.user.pk) is not None
    assert lifecycle.patient_reactivate(patient=patient) is True
    assert user_cache.cached(patient.user.pk) is None


def test_a_row_put_back_before_the_commit_is_forgotten_after_it(
    patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        patient.user.first_name = "Robert"
        patient.user.save(update_fields=["first_name"])
        # Another worker's read of the row as committed so far, cached before this commit.
        user_cache.remember(User.objects.get(pk=patient.user.pk))
    assert user_cache.cached(patient.user.pk) is None


def test_an_unreachable_cache_server_falls_back_to_the_database(patient, settings):
    # A port nothing listens on: every cache call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    client = client_for(patient.user)
    assert user_queries(client) == 1
    assert user_queries(client) == 1  # read again each time, never refused
    patient.user.is_active = False
    patient.user.save(update_fields=["is_active"])  # forget() fails quietly
    assert me(client).status_code == 401


def test_a_cache_in_process_memory_keeps_no_row(patient, settings):
    # Another worker's forget() could not reach it: every request reads the database.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client = client_for(patient.user)
    assert user_queries(client) == 1
    assert user_queries(client) == 1


def test_a_patient_queryset_update_forgets_the_rows_it_touches(patient):
    client = client_for(patient.user)
    assert me(client).status_code == 200
    assert user_cache.cached(patient.user.pk) is not None
    # update() sends no post_save: the queryset forgets by itself (ForgettingQuerySet).
    assert Patient.objects.filter(pk=patient.pk).update(language="es") == 1
    assert user_cache.cached(patient.user.pk) is None
    assert user_queries(client) == 1  # the next request reads the row afresh
    assert user_cache.cached(patient.user.pk).patient.language == "es"
