"""The Alerts API of API.md: list, filters, detail, acknowledge, resolve; scope and roles."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recovery.models import Alert
from tests.factories import PatientFactory

from .conftest import utc

FIELDS = {
    "id",
    "patient",
    "rule",
    "severity",
    "status",
    "message",
    "created_at",
    "last_triggered_at",
    "occurrences",
    "acknowledged_by",
    "acknowledged_at",
    "resolved_by",
    "resolved_at",
    "resolution_note",
}


def make_alert(patient, rule="fever", severity="urgent", status="open", created=None):
    return Alert.objects.create(
        patient=patient,
        rule=rule,
        severity=severity,
        status=status,
        message="m",
        created_at=created or utc(2026, 3, 10, 12),
    )


@pytest.fixture
def alert(patient):
    return make_alert(patient)


# --- roles and scope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/alerts/", None),
        ("get", "/api/v1/alerts/{id}/", None),
        ("post", "/api/v1/alerts/{id}/acknowledge/", None),
        ("post", "/api/v1/alerts/{id}/resolve/", {"note": "done"}),
    ],
)
@pytest.mark.parametrize(
    ("actor", "status"),
    [("clinician", 200), ("other_clinician", 404), ("patient", 403), ("anonymous", 401)],
)
def test_alert_endpoints_scope_matrix(request, api, alert, method, path, body, actor, status):
    user = None if actor == "anonymous" else request.getfixturevalue(actor)
    if actor == "patient":
        user = user.user
    response = getattr(api(user), method)(path.format(id=alert.pk), body, format="json")
    if path == "/api/v1/alerts/" and actor == "other_clinician":
        # A list is scoped, not refused: the other team sees an empty list.
        assert response.status_code == 200
        assert response.json()["count"] == 0
        return
    assert response.status_code == status, response.content
    alert.refresh_from_db()
    if status != 200:
        assert alert.status == "open"  # nothing changed


def test_list_shows_the_contract_fields_newest_first(api, clinician, patient):
    older = make_alert(patient, rule="leg_neuro", created=utc(2026, 3, 1))
    newer = make_alert(patient, rule="fever", created=utc(2026, 3, 2))
    response = api(clinician).get("/api/v1/alerts/")
    assert response.status_code == 200
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    assert set(body["results"][0]) >= FIELDS
    assert body["results"][0]["patient"] == patient.pk


def test_list_is_paginated_up_to_200(api, clinician, patient):
    for i in range(3):
        make_alert(patient, rule=f"r{i}")
    body = api(clinician).get("/api/v1/alerts/?page_size=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=open", {"open-urgent"}),
        ("status=resolved", {"resolved-warning"}),
        ("severity=warning", {"resolved-warning"}),
        ("severity=emergency", set()),
        ("status=open&severity=urgent", {"open-urgent"}),
    ],
)
def test_list_filters_by_status_and_severity(api, clinician, patient, query, expected):
    make_alert(patient, rule="open-urgent", severity="urgent")
    make_alert(patient, rule="resolved-warning", severity="warning", status="resolved")
    body = api(clinician).get(f"/api/v1/alerts/?{query}").json()
    assert {row["rule"] for row in body["results"]} == expected


def test_list_filters_by_patient(api, clinician, patient, team):
    neighbour = PatientFactory(team=team)
    make_alert(patient)
    theirs = make_alert(neighbour)
    body = api(clinician).get(f"/api/v1/alerts/?patient={neighbour.pk}").json()
    assert [row["id"] for row in body["results"]] == [theirs.pk]


def test_patient_filter_outside_scope_gives_an_empty_list(api, clinician, alert, other_patient):
    make_alert(other_patient)
    body = api(clinician).get(f"/api/v1/alerts/?patient={other_patient.pk}").json()
    assert body["count"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "status=closed",
        "severity=critical",
        "patient=abc",
        "patient=1.5",
        "patient=-1",
        "patient=99999999999999999999999",
    ],
)
def test_invalid_filter_values_are_400(api, clinician, alert, query):
    response = api(clinician).get(f"/api/v1/alerts/?{query}")
    assert response.status_code == 400, response.content
    assert query.split("=")[0] in response.json()


def test_detail_of_a_missing_or_huge_id_is_404(api, clinician):
    assert api(clinician).get("/api/v1/alerts/999999/").status_code == 404
    assert api(clinician).get(f"/api/v1/alerts/{10**25}/").status_code == 404


# --- acknowledge and resolve -----------------------------------------------------------------


def test_acknowledge_records_who_and_when(api, clinician, alert):
    response = api(clinician).post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "acknowledged"
    assert body["acknowledged_by"] == clinician.pk
    assert body["acknowledged_at"]


def test_acknowledging_twice_is_200_and_changes_nothing(api, clinician, second_clinician, alert):
    first = api(clinician).post(f"/api/v1/alerts/{alert.pk}/acknowledge/").json()
    second = api(second_clinician).post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert second.status_code == 200
    assert second.json() == first


def test_acknowledging_a_resolved_alert_is_409(api, clinician, alert):
    api(clinician).post(f"/api/v1/alerts/{alert.pk}/resolve/", {"note": "ok"}, format="json")
    response = api(clinician).post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 409
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


@pytest.mark.parametrize("start", ["open", "acknowledged"])
def test_resolve_from_open_or_acknowledged(api, clinician, patient, start):
    alert = make_alert(patient, status=start)
    response = api(clinician).post(
        f"/api/v1/alerts/{alert.pk}/resolve/", {"note": "Called the patient."}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "resolved"
    assert body["resolved_by"] == clinician.pk
    assert body["resolution_note"] == "Called the patient."
    assert body["resolved_at"]


def test_resolving_twice_is_409_and_keeps_the_first_note(api, clinician, alert):
    url = f"/api/v1/alerts/{alert.pk}/resolve/"
    api(clinician).post(url, {"note": "first"}, format="json")
    response = api(clinician).post(url, {"note": "second"}, format="json")
    assert response.status_code == 409
    alert.refresh_from_db()
    assert alert.resolution_note == "first"


@pytest.mark.parametrize("body", [{}, {"note": ""}, {"note": "   "}, {"note": 5}, {"note": None}])
def test_resolve_needs_a_note(api, clinician, alert, body):
    response = api(clinician).post(f"/api/v1/alerts/{alert.pk}/resolve/", body, format="json")
    assert response.status_code == 400
    assert "note" in response.json()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_a_checkin_alert_can_be_worked_through_the_api(api, clinician, patient):
    patient.procedures.create(
        procedure_type="kyphoplasty",
        performed_on=dt.datetime.now(tz=dt.UTC).date() - dt.timedelta(days=3),
        vertebral_levels=["L1"],
        cause="osteoporosis",
        pre_procedure_pain=8,
    )
    posted = api(patient.user).post(
        "/api/v1/checkins/", {"pain_score": 2, "temperature_c": 38.0}, format="json"
    )
    assert posted.status_code == 201, posted.content
    [brief] = posted.json()["alerts"]
    assert posted.json()["guidance"]["severity"] == "urgent"
    listed = api(clinician).get("/api/v1/alerts/?status=open").json()["results"]
    assert [row["id"] for row in listed] == [brief["id"]]
    assert api(clinician).post(f"/api/v1/alerts/{brief['id']}/acknowledge/").status_code == 200


# --- constant query count --------------------------------------------------------------------


@pytest.mark.parametrize("patients", [1, 20])
def test_alert_list_query_count_does_not_grow_with_patients(
    api, clinician, team, patients, django_assert_num_queries
):
    for _ in range(patients):
        someone = PatientFactory(team=team)
        make_alert(someone)
        make_alert(someone, rule="leg_neuro", status="resolved")
    client = api(clinician)
    # 1: the user of the JWT, 2: count, 3: the page of alerts, 4: their calls (issue 24's
    # `contacts`), 5: the audit INSERT (one for every patient on the page).
    with django_assert_num_queries(5):
        response = client.get("/api/v1/alerts/?page_size=200")
    assert response.json()["count"] == 2 * patients


def test_alert_detail_and_actions_use_few_queries(api, clinician, alert):
    client = api(clinician)
    with CaptureQueriesContext(connection) as queries:
        client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    # user, scoped get, the patient summary's lock, the alert's row lock, update, the audit
    # INSERT, the alert's calls for the answer (issue 24; plus transaction bookkeeping on some
    # backends)
    assert len(queries) <= 9
