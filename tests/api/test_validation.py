"""Every bad input API.md names is a 400 with field errors (415, 413 where it says so), never a
500, and changes nothing."""

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from recovery.models import CheckIn, Patient, Procedure
from tests.api.support import field_errors, nothing_created
from tests.factories import CareTeamFactory, ClinicianFactory, PatientFactory

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


# --- Check-ins ----------------------------------------------------------------------------

BAD_CHECKINS = [
    ({"pain_score": "7"}, "pain_score"),
    ({"pain_score": 7.5}, "pain_score"),
    ({"pain_score": 7.0}, "pain_score"),
    ({"pain_score": True}, "pain_score"),
    ({"pain_score": None}, "pain_score"),
    ({"pain_score": [7]}, "pain_score"),
    ({"pain_score": -1}, "pain_score"),
    ({"pain_score": 11}, "pain_score"),
    ({"pain_score": 10**30}, "pain_score"),
    ({}, "pain_score"),
    ({"pain_score": 3, "temperature_c": "37.2"}, "temperature_c"),
    ({"pain_score": 3, "temperature_c": True}, "temperature_c"),
    ({"pain_score": 3, "temperature_c": 33.9}, "temperature_c"),
    ({"pain_score": 3, "temperature_c": 43.1}, "temperature_c"),
    ({"pain_score": 3, "temperature_c": 10**400}, "temperature_c"),
    ({"pain_score": 3, "symptoms": ["fever", "headache"]}, "symptoms"),
    ({"pain_score": 3, "symptoms": "fever"}, "symptoms"),
    ({"pain_score": 3, "symptoms": [True]}, "symptoms"),
    ({"pain_score": 3, "symptoms": None}, "symptoms"),
    ({"pain_score": 3, "symptoms": {"fever": True}}, "symptoms"),
    ({"pain_score": 3, "notes": "x" * 2001}, "notes"),
    ({"pain_score": 3, "notes": 5}, "notes"),
    ({"pain_score": 3, "notes": None}, "notes"),
    ({"pain_score": 3, "notes": "a\x00b"}, "notes"),
    ({"pain_score": 3, "id": "not-a-uuid"}, "id"),
    ({"pain_score": 3, "id": 12345}, "id"),
    ({"pain_score": 3, "recorded_at": "2026-03-10T11:00:00"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": "2026-03-10"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": "yesterday"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": 1773140400}, "recorded_at"),
    (
        {"pain_score": 3, "recorded_at": iso(NOW + dt.timedelta(minutes=5, seconds=1))},
        "recorded_at",
    ),
    ({"pain_score": 3, "recorded_at": "2026-03-10T13:06:00+01:00"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": "0001-01-01T00:00:00+14:00"}, "recorded_at"),
    ({"pain_score": 3, "recorded_at": "9999-12-31T23:59:59-14:00"}, "recorded_at"),
]


@pytest.fixture
def enrolled(patient):
    """The patient enrolled ten days before NOW."""
    Patient.objects.filter(pk=patient.pk).update(enrolled_at=NOW - dt.timedelta(days=10))
    patient.refresh_from_db()
    return patient


@pytest.mark.parametrize(("body", "field"), BAD_CHECKINS, ids=[repr(b) for b, _ in BAD_CHECKINS])
def test_bad_checkin_is_a_400_naming_the_field(api, enrolled, body, field):
    with time_machine.travel(NOW, tick=False), nothing_created():
        response = api(enrolled.user).post("/api/v1/checkins/", body, format="json")
    assert field in field_errors(response)


def test_recorded_at_before_enrolment_minus_one_day_is_refused(api, enrolled):
    too_early = enrolled.enrolled_at - dt.timedelta(days=1, seconds=1)
    with time_machine.travel(NOW, tick=False):
        client = api(enrolled.user)
        with nothing_created():
            response = client.post(
                "/api/v1/checkins/", {"pain_score": 3, "recorded_at": iso(too_early)}, format="json"
            )
        assert "recorded_at" in field_errors(response)
        just_in = enrolled.enrolled_at - dt.timedelta(days=1)
        response = client.post(
            "/api/v1/checkins/", {"pain_score": 3, "recorded_at": iso(just_in)}, format="json"
        )
    assert response.status_code == 201, response.content


def test_recorded_at_up_to_five_minutes_ahead_is_accepted(api, enrolled):
    with time_machine.travel(NOW, tick=False):
        response = api(enrolled.user).post(
            "/api/v1/checkins/",
            {"pain_score": 3, "recorded_at": "2026-03-10T13:05:00+01:00"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_at"] == "2026-03-10T12:05:00Z"
    assert CheckIn.objects.get().recorded_at == NOW + dt.timedelta(minutes=5)


def test_good_checkin_at_the_edges_is_accepted(api, enrolled):
    body = {
        "pain_score": 10,
        "temperature_c": 43,
        "symptoms": ["leg_numbness", "leg_numbness"],
        "notes": "x" * 2000,
    }
    response = api(enrolled.user).post("/api/v1/checkins/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["temperature_c"] == 43.0
    assert response.json()["symptoms"] == ["leg_numbness"]
    body = {"pain_score": 0, "temperature_c": 34.0, "symptoms": []}
    assert api(enrolled.user).post("/api/v1/checkins/", body, format="json").status_code == 201


# --- Procedures ---------------------------------------------------------------------------


def good_procedure(**changes):
    body = {
        "procedure_type": "kyphoplasty",
        "performed_on": "2026-03-08",
        "vertebral_levels": ["L1", "T12"],
        "cause": "osteoporosis",
        "pre_procedure_pain": 8,
        "height_loss_percent": 35.5,
        "fracture_date": "2026-02-20",
        "lifting_restriction_days": 7,
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


BAD_PROCEDURES = [
    (good_procedure(procedure_type="vertebroplasty_x"), "procedure_type"),
    (good_procedure(procedure_type=1), "procedure_type"),
    (good_procedure(procedure_type=...), "procedure_type"),
    (good_procedure(vertebral_levels=["L6"]), "vertebral_levels"),
    (good_procedure(vertebral_levels=["L1", "L1"]), "vertebral_levels"),
    (good_procedure(vertebral_levels=[]), "vertebral_levels"),
    (good_procedure(vertebral_levels="L1"), "vertebral_levels"),
    (good_procedure(vertebral_levels=[1]), "vertebral_levels"),
    (good_procedure(cause="fall"), "cause"),
    (good_procedure(pre_procedure_pain="8"), "pre_procedure_pain"),
    (good_procedure(pre_procedure_pain=8.0), "pre_procedure_pain"),
    (good_procedure(pre_procedure_pain=True), "pre_procedure_pain"),
    (good_procedure(pre_procedure_pain=11), "pre_procedure_pain"),
    (good_procedure(height_loss_percent=101), "height_loss_percent"),
    (good_procedure(height_loss_percent=-1), "height_loss_percent"),
    (good_procedure(height_loss_percent="35"), "height_loss_percent"),
    (good_procedure(height_loss_percent=10**400), "height_loss_percent"),
    (good_procedure(performed_on="2026-03-11"), "performed_on"),
    (good_procedure(performed_on="2026-02-30"), "performed_on"),
    (good_procedure(performed_on=20260308), "performed_on"),
    (good_procedure(performed_on="2026-03-08T10:00:00Z"), "performed_on"),
    (good_procedure(fracture_date="2026-03-09"), "fracture_date"),
    (good_procedure(lifting_restriction_days=0), "lifting_restriction_days"),
    (good_procedure(lifting_restriction_days=91), "lifting_restriction_days"),
    (good_procedure(lifting_restriction_days=7.0), "lifting_restriction_days"),
    (good_procedure(lifting_restriction_days="7"), "lifting_restriction_days"),
]


@pytest.mark.parametrize(("body", "field"), BAD_PROCEDURES, ids=[f for _, f in BAD_PROCEDURES])
def test_bad_procedure_is_a_400_naming_the_field(api, patient, clinician, body, field):
    with time_machine.travel(NOW, tick=False), nothing_created():
        response = api(clinician).post(
            f"/api/v1/patients/{patient.pk}/procedures/", body, format="json"
        )
    assert field in field_errors(response)


def test_performed_on_is_judged_in_the_patients_time_zone(api, clinician, team):
    # 23:30 UTC on 10 March is already 11 March in Auckland and still 10 March in Honolulu.
    late = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)
    auckland = PatientFactory(team=team, timezone="Pacific/Auckland")
    honolulu = PatientFactory(team=team, timezone="Pacific/Honolulu")
    body = good_procedure(performed_on="2026-03-11")
    with time_machine.travel(late, tick=False):
        ok = api(clinician).post(f"/api/v1/patients/{auckland.pk}/procedures/", body, format="json")
        with nothing_created():
            bad = api(clinician).post(
                f"/api/v1/patients/{honolulu.pk}/procedures/", body, format="json"
            )
    assert ok.status_code == 201, ok.content
    assert ok.json()["lifting_restriction_until"] == "2026-03-18"
    assert "performed_on" in field_errors(bad)


def test_good_procedure_is_recorded_with_its_restriction_end(api, patient, clinician):
    with time_machine.travel(NOW, tick=False):
        body = good_procedure(lifting_restriction_days=..., fracture_date="2026-03-08")
        response = api(clinician).post(
            f"/api/v1/patients/{patient.pk}/procedures/", body, format="json"
        )
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["vertebral_levels"] == ["T12", "L1"]
    assert row["lifting_restriction_days"] == 7
    assert row["lifting_restriction_until"] == "2026-03-15"
    assert row["height_loss_percent"] == 35.5
    assert Procedure.objects.get().patient == patient


def test_height_loss_is_answered_as_stored(api, patient, clinician):
    body = good_procedure(height_loss_percent=33.333)
    created = api(clinician).post(f"/api/v1/patients/{patient.pk}/procedures/", body, format="json")
    assert created.status_code == 201, created.content
    read = api(clinician).get(f"/api/v1/procedures/{created.json()['id']}/").json()
    assert created.json()["height_loss_percent"] == read["height_loss_percent"] == 33.33


BAD_PROCEDURE_PATCHES = [
    ({"performed_on": "2026-03-11"}, "performed_on"),
    ({"performed_on": "2026-02-19"}, "fracture_date"),  # before the stored fracture date
    ({"fracture_date": "2026-03-09"}, "fracture_date"),
    ({"lifting_restriction_days": 91}, "lifting_restriction_days"),
    ({"lifting_restriction_days": None}, "lifting_restriction_days"),
    ({"vertebral_levels": []}, "vertebral_levels"),
    ({"height_loss_percent": 100.5}, "height_loss_percent"),
]


@pytest.mark.parametrize(("body", "field"), BAD_PROCEDURE_PATCHES)
def test_bad_procedure_patch_is_a_400_and_changes_nothing(api, patient, clinician, body, field):
    with time_machine.travel(NOW, tick=False):
        created = api(clinician).post(
            f"/api/v1/patients/{patient.pk}/procedures/", good_procedure(), format="json"
        )
        before = Procedure.objects.values().get()
        response = api(clinician).patch(
            f"/api/v1/procedures/{created.json()['id']}/", body, format="json"
        )
    assert field in field_errors(response)
    assert Procedure.objects.values().get() == before


# --- Patients -----------------------------------------------------------------------------


def good_patient(**changes):
    body = {
        "email": "nina@patient.test",
        "first_name": "Nina",
        "last_name": "New",
        "date_of_birth": "1948-02-03",
        "timezone": "Europe/Berlin",
        "reminder_hour": 9,
        "has_osteoporosis": True,
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


BAD_PATIENTS = [
    (good_patient(timezone="Mars/Olympus"), "timezone"),
    (good_patient(timezone=""), "timezone"),
    (good_patient(timezone=1), "timezone"),
    (good_patient(reminder_hour=24), "reminder_hour"),
    (good_patient(reminder_hour=-1), "reminder_hour"),
    (good_patient(reminder_hour="9"), "reminder_hour"),
    (good_patient(reminder_hour=9.0), "reminder_hour"),
    (good_patient(has_osteoporosis="true"), "has_osteoporosis"),
    (good_patient(has_osteoporosis=1), "has_osteoporosis"),
    (good_patient(email="bob@patient.test"), "email"),
    (good_patient(email="BOB@patient.test"), "email"),
    (good_patient(email="not-an-email"), "email"),
    (good_patient(email=...), "email"),
    (good_patient(first_name=""), "first_name"),
    (good_patient(first_name=7), "first_name"),
    (good_patient(first_name="A\x00"), "first_name"),
    (good_patient(last_name="x" * 151), "last_name"),
    (good_patient(date_of_birth="2999-01-01"), "date_of_birth"),
    (good_patient(date_of_birth="03/02/1948"), "date_of_birth"),
    (good_patient(team="1"), "team"),
    (good_patient(team=999999), "team"),
]


@pytest.mark.parametrize(("body", "field"), BAD_PATIENTS, ids=[f for _, f in BAD_PATIENTS])
def test_bad_patient_is_a_400_naming_the_field(api, patient, clinician, body, field):
    with nothing_created():
        response = api(clinician).post("/api/v1/patients/", body, format="json")
    assert field in field_errors(response)


def test_a_team_outside_the_callers_scope_is_a_field_error(api, clinician, other_team):
    with nothing_created():
        response = api(clinician).post(
            "/api/v1/patients/", good_patient(team=other_team.pk), format="json"
        )
    assert "team" in field_errors(response)


def test_team_is_required_when_the_clinician_has_two(api, clinician, team):
    second = CareTeamFactory()
    clinician.care_teams.add(second)
    with nothing_created():
        response = api(clinician).post("/api/v1/patients/", good_patient(), format="json")
    assert "team" in field_errors(response)
    response = api(clinician).post("/api/v1/patients/", good_patient(team=second.pk), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["team"] == second.pk


def test_team_is_optional_for_a_clinician_with_one(api, clinician, team):
    response = api(clinician).post("/api/v1/patients/", good_patient(), format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["team"] == team.pk
    assert row["timezone"] == "Europe/Berlin"
    assert row["has_osteoporosis"] is True
    body = good_patient(email="min@patient.test", timezone=..., reminder_hour=...)
    row = api(clinician).post("/api/v1/patients/", body, format="json").json()
    assert (row["timezone"], row["reminder_hour"]) == ("UTC", 9)


BAD_PATIENT_PATCHES = [
    ({"timezone": "Nowhere/City"}, "timezone"),
    ({"reminder_hour": 24}, "reminder_hour"),
    ({"email": "alice@clinic.test"}, "email"),
    ({"team": None}, "team"),
    ({"first_name": None}, "first_name"),
    ({"has_osteoporosis": None}, "has_osteoporosis"),
]


@pytest.mark.parametrize(("body", "field"), BAD_PATIENT_PATCHES)
def test_bad_patient_patch_is_a_400_and_changes_nothing(api, patient, clinician, body, field):
    before = Patient.objects.values().get(pk=patient.pk)
    response = api(clinician).patch(f"/api/v1/patients/{patient.pk}/", body, format="json")
    assert field in field_errors(response)
    assert Patient.objects.values().get(pk=patient.pk) == before


def test_patch_to_a_team_outside_scope_is_a_field_error(api, patient, clinician, other_team):
    response = api(clinician).patch(
        f"/api/v1/patients/{patient.pk}/", {"team": other_team.pk}, format="json"
    )
    assert "team" in field_errors(response)
    patient.refresh_from_db()
    assert patient.team_id != other_team.pk


def test_patch_keeps_own_email_and_changes_the_login_email(api, patient, clinician):
    url = f"/api/v1/patients/{patient.pk}/"
    assert (
        api(clinician).patch(url, {"email": "bob@patient.test"}, format="json").status_code == 200
    )
    response = api(clinician).patch(url, {"email": "Robert@Patient.test"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "robert@patient.test"
    patient.user.refresh_from_db()
    assert patient.user.email == "robert@patient.test"


# --- The request itself -------------------------------------------------------------------

WRITES = [
    ("post", "/api/v1/checkins/", "patient"),
    ("post", "/api/v1/patients/", "clinician"),
    ("patch", "/api/v1/patients/{patient}/", "clinician"),
    ("post", "/api/v1/patients/{patient}/procedures/", "clinician"),
    ("patch", "/api/v1/procedures/{procedure}/", "clinician"),
    ("post", "/api/v1/auth/token/", None),
    ("post", "/api/v1/auth/token/refresh/", None),
    ("post", "/api/v1/auth/logout/", None),
    ("post", "/api/v1/auth/activate/", None),
]

BAD_BODIES = [
    ("application/json", b'{"pain_score": 3,', 400),
    ("application/json", b"[1, 2, 3]", 400),
    ("application/json", b'[{"pain_score": 3}]', 400),
    ("application/json", b'"hello"', 400),
    ("application/json", b"null", 400),
    ("application/json", b"", 400),
    ("application/json", b'{"pain_score": NaN, "temperature_c": NaN}', 400),
    ("application/json", b'{"pain_score": 3, "temperature_c": Infinity}', 400),
    ("application/json", b"\xff\xfe{}", 400),
    ("application/json", b"[" * 30000 + b"]" * 30000, 400),
    ("application/json", b'{"a":' * 10000 + b"1" + b"}" * 10000, 400),
    ("text/plain", b'{"pain_score": 3}', 415),
    ("application/x-www-form-urlencoded", b"pain_score=3", 415),
    ("multipart/form-data; boundary=x", b"--x--", 415),
    ("application/json", b'{"notes": "' + b"x" * (64 * 1024) + b'"}', 413),
]


@pytest.mark.parametrize(("method", "path", "role"), WRITES)
@pytest.mark.parametrize(("content_type", "raw", "expected"), BAD_BODIES)
def test_malformed_requests_are_refused_with_json(
    api, patient, procedure, clinician, method, path, role, content_type, raw, expected
):
    client = api({"patient": patient.user, "clinician": clinician, None: None}[role])
    url = path.format(patient=patient.pk, procedure=procedure.pk)
    if method == "patch" and raw == b"":
        expected = 200  # DRF reads an empty body as {}: a PATCH that changes nothing
    before_patient = Patient.objects.values().get(pk=patient.pk)
    before_procedure = Procedure.objects.values().get(pk=procedure.pk)
    with nothing_created():
        response = client.generic(method.upper(), url, raw, content_type=content_type)
    assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)
    assert Patient.objects.values().get(pk=patient.pk) == before_patient
    after_procedure = Procedure.objects.values().get(pk=procedure.pk)
    if expected == 200:  # the empty PATCH saved the row unchanged
        del before_procedure["updated_at"], after_procedure["updated_at"]
    assert after_procedure == before_procedure


def test_a_body_just_under_the_limit_is_read(api, patient):
    body = json.dumps({"pain_score": 3, "notes": "y" * 2000, "pad": "z" * 60000}).encode()
    assert len(body) < 64 * 1024
    response = api(patient.user).generic(
        "POST", "/api/v1/checkins/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_an_unknown_ordering_is_a_400(api, clinician, patient):
    response = api(clinician).get("/api/v1/patients/", {"ordering": "password"})
    assert "ordering" in field_errors(response)


@pytest.mark.parametrize(
    "query",
    [
        {"page": "0"},
        {"page": "abc"},
        {"page": "99"},
        {"page_size": "-1"},
        {"page_size": "abc"},
        {"page_size": "100000"},
        {"search": "\x00"},
        {"search": "x" * 5000},
    ],
)
def test_odd_list_queries_never_500(api, clinician, patient, query):
    for path in ("/api/v1/patients/", "/api/v1/procedures/"):
        response = api(clinician).get(path, query)
        assert response.status_code in (200, 400, 404), (path, query, response.content)
        assert response.json()


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/patients/", "search=a%00b", "search"),
        ("/api/v1/patients/", "ordering=risk%00", "ordering"),
        ("/api/v1/procedures/", "page=1%00", "page"),
        ("/health/", "x%00=1", "x"),
    ],
)
def test_a_nul_in_the_query_string_is_a_400_naming_it(api, clinician, patient, path, query, field):
    # PostgreSQL refuses NUL in any text value, so it must be stopped before a query is built.
    response = api(clinician).get(f"{path}?{query}")
    assert response.status_code == 400, response.content
    assert response.json() == {field: ["Null characters are not allowed."]}


def test_page_size_is_capped_at_200(api, clinician, team):
    PatientFactory.create_batch(201, team=team)
    response = api(clinician).get("/api/v1/patients/", {"page_size": 500})
    assert response.json()["count"] == 201
    assert len(response.json()["results"]) == 200
    response = api(clinician).get("/api/v1/patients/", {"page_size": 3})
    assert len(response.json()["results"]) == 3
    assert response.json()["next"]


def test_a_clinician_with_no_team_cannot_create_patients(api, db):
    loner = ClinicianFactory()
    with nothing_created():
        response = api(loner).post("/api/v1/patients/", good_patient(), format="json")
    assert "team" in field_errors(response)


def test_timestamps_in_answers_carry_an_offset(api, enrolled):
    response = api(enrolled.user).post("/api/v1/checkins/", {"pain_score": 3}, format="json")
    recorded = dt.datetime.fromisoformat(response.json()["recorded_at"])
    assert recorded.utcoffset() == dt.timedelta(0)
    assert abs(recorded - timezone.now()) < dt.timedelta(minutes=1)


def test_ids_beyond_bigint_are_not_found(api, clinician, patient):
    huge = 10**20
    client = api(clinician)
    assert client.get(f"/api/v1/patients/{huge}/").status_code == 404
    assert client.get(f"/api/v1/procedures/{huge}/").status_code == 404
    assert client.get(f"/api/v1/patients/{huge}/checkins/").status_code == 404
    with nothing_created():
        response = client.post("/api/v1/patients/", good_patient(team=huge), format="json")
    assert "team" in field_errors(response)


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-10T10:00:00+25:00",
        "2026-02-30T10:00:00Z",
        "2026-03-10T25:00:00Z",
        "2026-03-10 10:00:00+01:00 extra",
        "+2026-03-10T10:00:00Z",
    ],
)
def test_impossible_recorded_at_is_a_400(api, enrolled, value):
    with time_machine.travel(NOW, tick=False), nothing_created():
        response = api(enrolled.user).post(
            "/api/v1/checkins/", {"pain_score": 3, "recorded_at": value}, format="json"
        )
    assert "recorded_at" in field_errors(response)


def test_a_content_length_that_is_not_a_number_is_a_400(api, patient):
    with nothing_created():
        response = api(patient.user).generic(
            "POST",
            "/api/v1/checkins/",
            b'{"pain_score": 3}',
            content_type="application/json",
            CONTENT_LENGTH="abc",
        )
    assert response.status_code == 400
    assert response.json()["detail"]
