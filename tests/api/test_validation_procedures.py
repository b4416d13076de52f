"""Every bad procedure API.md names (created or patched) is a 400 naming the field, never a
500, and changes nothing; a good one is recorded as sent."""

import datetime as dt

import pytest
import time_machine

from recovery.models import Procedure
from tests.api.support import field_errors, nothing_created
from tests.factories import PatientFactory

from .good_bodies import NOW, good_procedure

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
