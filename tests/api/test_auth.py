"""Authentication, enrolment with a one-time code, /me/ and the create_clinician command."""

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.apps import apps
from django.core import serializers as django_serializers
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from outbox.models import Message
from recovery import codes
from recovery.models import CareTeam, EnrollmentCode, Patient
from tests.api.support import field_errors, nothing_created
from tests.factories import PASSWORD

NEW_PASSWORD = "granite-ladder-orchid-41"


def login(email, password):
    return APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
    )


def bearer(access) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


# --- JWT ----------------------------------------------------------------------------------


def test_login_answers_a_token_pair_that_authenticates(patient):
    response = login("bob@patient.test", PASSWORD)
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}
    me = bearer(response.json()["access"]).get("/api/v1/me/")
    assert me.json()["patient_id"] == patient.pk


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("bob@patient.test", "wrong-password"),
        ("nobody@patient.test", PASSWORD),
        ("bob@patient.test", PASSWORD.upper()),
    ],
)
def test_login_with_bad_credentials_is_401(patient, email, password):
    response = login(email, password)
    assert response.status_code == 401
    assert "access" not in response.json()


def test_login_ignores_the_case_of_the_email(patient):
    # Phone keyboards capitalise the first letter; the account's email is stored lower-cased.
    assert login("Bob@Patient.TEST", PASSWORD).status_code == 200


def test_login_without_a_password_is_a_field_error(patient):
    assert "password" in field_errors(login("bob@patient.test", ""))


def test_refresh_rotates_and_the_old_refresh_stops_working(patient):
    pair = login("bob@patient.test", PASSWORD).json()
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    )
    assert response.status_code == 200, response.content
    fresh = response.json()
    assert set(fresh) == {"access", "refresh"}
    assert fresh["refresh"] != pair["refresh"]
    assert bearer(fresh["access"]).get("/api/v1/me/").status_code == 200
    again = client.post("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert again.status_code == 401
    assert (
        client.post("/api/v1/auth/token/refresh/", {"refresh": "junk"}, format="json").status_code
        == 401
    )


def test_logout_revokes_the_refresh_token(patient):
    pair = login("bob@patient.test", PASSWORD).json()
    client = APIClient()
    response = client.post("/api/v1/auth/logout/", {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 204
    assert response.content == b""
    refresh = client.post(
        "/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    )
    assert refresh.status_code == 401
    bad = client.post("/api/v1/auth/logout/", {"refresh": "junk"}, format="json")
    assert "refresh" in field_errors(bad)


# --- Enrolment ----------------------------------------------------------------------------


def enroll(api, clinician, **extra):
    body = {
        "email": "nina@patient.test",
        "first_name": "Nina",
        "last_name": "New",
        "date_of_birth": "1948-02-03",
        **extra,
    }
    response = api(clinician).post("/api/v1/patients/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def activate(code, password=NEW_PASSWORD):
    return APIClient().post(
        "/api/v1/auth/activate/", {"code": code, "password": password}, format="json"
    )


def database_text() -> str:
    """Every row of every model, as text: what someone with a copy of the database reads."""
    return "".join(
        django_serializers.serialize("json", model.objects.all()) for model in apps.get_models()
    )


def test_enrolment_code_is_twelve_crockford_characters_shown_once(api, clinician):
    row = enroll(api, clinician)
    code = row["enrollment_code"]
    plain = codes.normalise(code)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", plain), code  # 12 x 5 bits = 60 bits
    patient_url = f"/api/v1/patients/{row['id']}/"
    assert "enrollment_code" not in api(clinician).get(patient_url).json()
    listed = api(clinician).get("/api/v1/patients/").json()["results"]
    assert all("enrollment_code" not in r for r in listed)
    # Codes are random, not derived from anything about the patient.
    assert len({codes.generate() for _ in range(200)}) == 200


def test_only_a_keyed_hash_of_the_code_is_stored(api, clinician):
    code = enroll(api, clinician)["enrollment_code"]
    plain = codes.normalise(code)
    stored = EnrollmentCode.objects.get()
    assert stored.code_hash == codes.digest(code)
    assert stored.code_hash != hashlib.sha256(plain.encode()).hexdigest()  # keyed, not bare
    # The only copy in the database is the queued email's secret, until it is sent (the
    # bodies hold a placeholder for it: tests/trust/test_probe_findings.py, finding 2).
    email = Message.objects.get(category="enrollment")
    assert email.to == "nina@patient.test"
    assert email.secret == code
    assert code not in email.body_text and code not in email.body_html
    Message.objects.all().delete()
    text = database_text()
    assert code not in text and plain not in text


def test_activation_sets_the_password_once(api, clinician):
    row = enroll(api, clinician)
    code = row["enrollment_code"]
    assert login("nina@patient.test", NEW_PASSWORD).status_code == 401
    response = activate(code.lower().replace("-", ""))  # typed loosely: still the code
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}
    me = bearer(response.json()["access"]).get("/api/v1/me/").json()
    assert (me["role"], me["patient_id"]) == ("patient", row["id"])
    assert login("nina@patient.test", NEW_PASSWORD).status_code == 200
    assert EnrollmentCode.objects.get().used_at is not None

    again = activate(code, "another-strong-passphrase-9")
    assert "code" in field_errors(again)
    assert login("nina@patient.test", NEW_PASSWORD).status_code == 200


def test_a_wrong_code_is_a_400(api, clinician):
    code = enroll(api, clinician)["enrollment_code"]
    wrong = ("0" if code[0] != "0" else "1") + code[1:]
    for attempt in (wrong, "", "x" * 41, 123456789012):
        assert field_errors(activate(attempt))
    assert EnrollmentCode.objects.get().used_at is None


def test_an_expired_code_is_a_400(api, clinician):
    code = enroll(api, clinician)["enrollment_code"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=14, seconds=1)):
        assert "code" in field_errors(activate(code))
    with time_machine.travel(timezone.now() + dt.timedelta(days=13, hours=23)):
        assert activate(code).status_code == 200


def test_a_new_code_voids_the_old_one(api, clinician):
    row = enroll(api, clinician)
    old = row["enrollment_code"]
    response = api(clinician).post(f"/api/v1/patients/{row['id']}/enrollment-code/")
    assert response.status_code == 201, response.content
    new = response.json()["enrollment_code"]
    assert new != old
    emails = Message.objects.filter(category="enrollment").order_by("id")
    assert [e.status for e in emails] == ["cancelled", "queued"]  # the void code is not sent
    assert (emails[0].secret, emails[1].secret) == ("", new)  # a cancelled one forgets it
    assert "code" in field_errors(activate(old))
    assert activate(new).status_code == 200


def test_a_weak_password_is_a_400_and_keeps_the_code(api, clinician):
    code = enroll(api, clinician)["enrollment_code"]
    for weak in ("short", "password123", "12345678901", "nina@patient.test"):
        response = activate(code, weak)
        assert "password" in field_errors(response), response.content
    assert EnrollmentCode.objects.get().used_at is None
    assert activate(code).status_code == 200


# --- /me/ ---------------------------------------------------------------------------------


def test_me_for_a_patient_carries_the_patient_id(api, patient):
    body = api(patient.user).get("/api/v1/me/").json()
    assert body["id"] == patient.user.pk
    assert body["email"] == "bob@patient.test"
    assert body["role"] == "patient"
    assert body["patient_id"] == patient.pk
    assert api(patient.user).get(f"/api/v1/patients/{body['patient_id']}/").status_code == 403


def test_me_for_a_clinician_names_the_teams(api, clinician, team):
    body = api(clinician).get("/api/v1/me/").json()
    assert (body["id"], body["email"], body["role"]) == (clinician.pk, clinician.email, "clinician")
    assert "patient_id" not in body
    assert body["teams"] == [{"id": team.pk, "name": team.name}]


# --- create_clinician ---------------------------------------------------------------------


def test_create_clinician_creates_the_team_and_the_account(db, capsys):
    call_command(
        "create_clinician",
        "--email=Erin@Clinic.test",
        "--password=first-passphrase-1",
        "--team=East Team",
        "--name=Erin Example",
    )
    erin = User.objects.get(email="erin@clinic.test")
    assert erin.role == "clinician"
    assert (erin.first_name, erin.last_name) == ("Erin", "Example")
    assert erin.check_password("first-passphrase-1")
    assert list(erin.care_teams.values_list("name", flat=True)) == ["East Team"]
    assert login("erin@clinic.test", "first-passphrase-1").status_code == 200


def test_create_clinician_again_adds_the_team_and_updates_the_password(db):
    call_command("create_clinician", "--email=erin@clinic.test", "--password=one-1-one", "--team=A")
    call_command("create_clinician", "--email=erin@clinic.test", "--password=two-2-two", "--team=B")
    call_command("create_clinician", "--email=erin@clinic.test", "--password=two-2-two", "--team=B")
    erin = User.objects.get(email="erin@clinic.test")
    assert sorted(erin.care_teams.values_list("name", flat=True)) == ["A", "B"]
    assert CareTeam.objects.count() == 2
    assert User.objects.count() == 1
    assert erin.check_password("two-2-two") and not erin.check_password("one-1-one")


def test_create_clinician_refuses_a_patients_email(patient):
    with nothing_created(), pytest.raises(CommandError):
        call_command(
            "create_clinician", "--email=bob@patient.test", "--password=x-y-z-1", "--team=Z"
        )
    patient.user.refresh_from_db()
    assert patient.user.role == "patient"
    assert Patient.objects.get().user.check_password(PASSWORD)
