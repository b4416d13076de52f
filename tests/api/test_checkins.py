"""Check-ins: the answer, offline replay (same id and body: 200 and nothing new; a different
body: 409) and a replay race on PostgreSQL."""

import json
import uuid

import pytest

from recovery.models import Alert, CheckIn
from tests.api.support import race, require_postgresql, row_counts
from tests.factories import CheckInFactory


def post(api, user, body):
    return api(user).post("/api/v1/checkins/", body, format="json")


def test_a_fever_checkin_answers_its_alert_and_guidance(api, patient, procedure):
    response = post(api, patient.user, {"pain_score": 3, "temperature_c": 38.4})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["temperature_c"] == 38.4
    assert [(a["rule"], a["severity"]) for a in body["alerts"]] == [("fever", "urgent")]
    assert body["guidance"]["severity"] == "urgent"
    assert body["guidance"]["message"]
    quiet = post(api, patient.user, {"pain_score": 2}).json()
    assert (quiet["alerts"], quiet["guidance"]) == ([], None)


def test_guidance_follows_the_most_severe_alert(api, patient, procedure):
    body = {"pain_score": 3, "symptoms": ["fever", "chest_pain", "site_redness"]}
    answer = post(api, patient.user, body).json()
    assert [a["severity"] for a in answer["alerts"]] == ["emergency", "urgent", "warning"]
    assert answer["guidance"]["severity"] == "emergency"
    assert {a["id"] for a in answer["alerts"]} == set(Alert.objects.values_list("id", flat=True))


REPLAYS = [
    pytest.param(
        {"symptoms": ["fever", "leg_weakness"]},
        {"symptoms": ["leg_weakness", "fever", "fever"]},
        id="symptoms as a set",
    ),
    pytest.param({"temperature_c": 38}, {"temperature_c": 38.0}, id="38 is 38.0"),
    pytest.param({"temperature_c": 37.5}, {"temperature_c": 37.50}, id="37.5 is 37.50"),
    pytest.param(
        {"recorded_at": "2026-11-20T10:00:00+00:00"},
        {"recorded_at": "2026-11-20T11:30:00+01:30"},
        id="the same instant in another offset",
    ),
    pytest.param(
        {"recorded_at": "2026-11-20T10:00:00Z"},
        {"recorded_at": "2026-11-20T05:00:00.000-05:00"},
        id="Z and a negative offset",
    ),
    pytest.param({"notes": "sore"}, {"notes": "sore"}, id="identical"),
]


@pytest.mark.parametrize(("first", "second"), REPLAYS)
def test_a_replay_of_the_same_body_answers_200_and_creates_nothing(
    api, patient, procedure, first, second
):
    checkin_id = str(uuid.uuid4())
    created = post(api, patient.user, {"id": checkin_id, "pain_score": 6, **first})
    assert created.status_code == 201, created.content
    before = row_counts()
    alerts = list(Alert.objects.values("id", "occurrences", "last_triggered_at"))
    replay = post(api, patient.user, {"pain_score": 6, **second, "id": checkin_id.upper()})
    assert replay.status_code == 200, replay.content
    assert replay.json() == created.json()
    assert row_counts() == before
    assert list(Alert.objects.values("id", "occurrences", "last_triggered_at")) == alerts


CLASHES = [
    pytest.param({"pain_score": 7}, id="another pain score"),
    pytest.param({"symptoms": ["fever"]}, id="symptoms added"),
    pytest.param({"temperature_c": 37.0}, id="temperature added"),
    pytest.param({"notes": "later"}, id="notes added"),
    pytest.param({"recorded_at": "2026-11-20T10:00:01+00:00"}, id="another instant"),
]


@pytest.mark.parametrize("change", CLASHES)
def test_the_same_id_with_a_different_body_is_a_409(api, patient, change):
    checkin_id = str(uuid.uuid4())
    body = {"id": checkin_id, "pain_score": 6, "recorded_at": "2026-11-20T10:00:00Z"}
    assert post(api, patient.user, body).status_code == 201
    stored = CheckIn.objects.values().get()
    before = row_counts()
    response = post(api, patient.user, {**body, **change})
    assert response.status_code == 409, response.content
    assert response.json()["detail"]
    assert row_counts() == before
    assert CheckIn.objects.values().get() == stored


def test_a_replay_answers_the_alerts_in_the_same_order(api, patient, procedure):
    # An open site_infection alert exists; the next check-in opens fever (a new, higher id) and
    # adds to site_infection (an older id). The replay must list them as the first answer did.
    post(api, patient.user, {"pain_score": 3, "symptoms": ["site_redness"]})
    checkin_id = str(uuid.uuid4())
    body = {"id": checkin_id, "pain_score": 3, "symptoms": ["site_redness", "chills"]}
    created = post(api, patient.user, body)
    assert created.status_code == 201, created.content
    assert {a["rule"] for a in created.json()["alerts"]} == {"fever", "site_infection"}
    replay = post(api, patient.user, body)
    assert replay.status_code == 200
    assert replay.json() == created.json()


def test_checkins_are_listed_newest_first(api, patient):
    old = CheckInFactory(patient=patient, recorded_at="2026-11-01T08:00:00Z")
    new = CheckInFactory(patient=patient, recorded_at="2026-11-03T08:00:00Z")
    middle = CheckInFactory(patient=patient, recorded_at="2026-11-02T08:00:00Z")
    rows = api(patient.user).get("/api/v1/checkins/").json()["results"]
    assert [r["id"] for r in rows] == [str(new.pk), str(middle.pk), str(old.pk)]
    assert set(rows[0]) >= {"id", "recorded_at", "pain_score", "temperature_c", "symptoms", "notes"}


# --- The replay race ----------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_store_exactly_one_checkin(api, patient, procedure):
    require_postgresql()
    checkin_id = str(uuid.uuid4())
    body = {"id": checkin_id, "pain_score": 4, "temperature_c": 38.9, "symptoms": ["chills"]}
    clients = [api(patient.user) for _ in range(6)]
    answers = race(6, lambda: post(lambda user: clients.pop(), patient.user, body))
    assert sorted(status for status, _ in answers) == [200] * 5 + [201]
    assert len({json.dumps(answer, sort_keys=True) for _, answer in answers}) == 1
    assert CheckIn.objects.count() == 1
    alert = Alert.objects.get()
    assert (alert.rule, alert.occurrences) == ("fever", 1)  # a replay adds nothing to it
    assert list(alert.checkins.values_list("id", flat=True)) == [uuid.UUID(checkin_id)]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_concurrent_clashing_bodies_store_one_and_refuse_the_rest(api, patient):
    require_postgresql()
    checkin_id = str(uuid.uuid4())
    clients = [(api(patient.user), pain) for pain in range(4)]

    def send():
        client, pain = clients.pop()
        return client.post(
            "/api/v1/checkins/", {"id": checkin_id, "pain_score": pain}, format="json"
        )

    answers = race(4, send)
    assert sorted(status for status, _ in answers) == [201, 409, 409, 409]
    stored = CheckIn.objects.get()
    winner = next(answer for status, answer in answers if status == 201)
    assert stored.pain_score == winner["pain_score"]
