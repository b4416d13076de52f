"""Issue 23: every page a patient or caregiver can meet when something goes wrong shows the
team's emergency number as a working `tel:` link (the service's default with no team)."""

import re

import pytest
from django.test import Client

from patientapp import selectors

TEL = re.compile(r'<a class="button button-call[^"]*" href="tel:([^"]*)">')


@pytest.fixture
def team_999(team):
    team.emergency_number = "999"
    team.save()
    return team


@pytest.fixture
def signed_in(app_client, patient, team_999):
    return app_client(patient.user)


def numbers(response) -> list[str]:
    return TEL.findall(response.content.decode())


@pytest.mark.parametrize("path", ["/app/no-such-page/", "/app/checkin/no-such-question/"])
def test_a_404_shows_the_teams_number(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 404
    assert numbers(response) == ["999"]
    assert "We cannot find this page" in response.content.decode()


def test_a_stale_form_shows_the_teams_number_not_an_empty_link(app_client, patient, team_999):
    client = app_client(patient.user, csrf=True)
    response = client.post("/app/checkin/pain/", {"pain_score": "3"})
    assert response.status_code == 403
    assert numbers(response) == ["999"]
    assert 'href="tel:"' not in response.content.decode()


def test_a_stale_form_signed_out_shows_the_default(db, settings):
    settings.DEFAULT_EMERGENCY_NUMBER = "112"
    response = Client(enforce_csrf_checks=True).post("/app/login/", {"username": "x"})
    assert response.status_code == 403
    assert numbers(response) == ["112"]


def test_a_hand_edited_form_400_shows_the_teams_number(signed_in):
    response = signed_in.post("/app/checkin/pain/", {"pain_score": "11"})
    assert response.status_code == 400
    assert numbers(response) == ["999"]


def test_a_500_shows_the_teams_number(signed_in, monkeypatch):
    monkeypatch.setattr(selectors, "home_get", boom)
    signed_in.raise_request_exception = False
    response = signed_in.get("/app/")
    assert response.status_code == 500
    assert numbers(response) == ["999"]


def test_a_500_when_the_team_cannot_be_read_shows_the_default(signed_in, monkeypatch, settings):
    settings.DEFAULT_EMERGENCY_NUMBER = "112"
    monkeypatch.setattr(selectors, "home_get", boom)
    monkeypatch.setattr(selectors, "acting_patient", boom)
    signed_in.raise_request_exception = False
    response = signed_in.get("/app/")
    assert response.status_code == 500
    assert "tel:112" in response.content.decode()


def test_a_used_sign_in_link_shows_the_default_number(db, settings):
    settings.DEFAULT_EMERGENCY_NUMBER = "112"
    response = Client().get("/app/l/not-a-real-token/")
    assert response.status_code == 200
    assert numbers(response) == ["112"]


def test_the_offline_page_and_a_403_show_the_number(signed_in, app_client, clinician):
    assert numbers(signed_in.get("/app/offline/"))[0] == "999"
    response = app_client(clinician).get("/app/")
    assert response.status_code == 403
    assert numbers(response) == ["911"]


def test_outside_the_app_the_errors_are_as_before(client, db):
    assert client.get("/dashboard/no-such-page/").status_code == 404
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert "tel:" not in response.content.decode()


def boom(*args, **kwargs):
    raise RuntimeError("the database went away")
