"""The probe's findings about odd input (issue 15): a lone surrogate in the login's email (5),
a taken email that does not tell the team (8), bounded procedure dates (11)."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.support import field_errors
from tests.factories import ClinicianFactory, PatientFactory

# --- 5. A lone surrogate in the login's email is a 400 --------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"email": "\\ud800@example.test", "password": "x"}',
        '{"email": "bob\\udfff@patient.test", "password": "x"}',
    ],
)
def test_a_lone_surrogate_in_the_login_email_is_a_400(patient, body):
    response = APIClient().post(
        "/api/v1/auth/token/", body.encode(), content_type="application/json"
    )
    assert "email" in field_errors(response)


# --- 8. A taken email does not tell which team the person belongs to ------------------------


def test_a_taken_email_answers_the_same_whoever_holds_it(api, clinician, patient, other_patient):
    other_clinician = ClinicianFactory(email="zed@clinic.test")
    answers = []
    for taken in (other_patient.user.email, patient.user.email, other_clinician.email):
        response = api(clinician).post(
            "/api/v1/patients/",
            {
                "email": taken,
                "first_name": "A",
                "last_name": "B",
                "date_of_birth": "1950-01-01",
            },
            format="json",
        )
        answers.append(field_errors(response)["email"])
    assert answers[0] == answers[1] == answers[2]
    text = " ".join(answers[0]).lower()
    assert "exists" not in text and "team" not in text and "patient" not in text


# --- 11. Procedure dates have bounds --------------------------------------------------------


def procedure_body(**extra):
    return {
        "procedure_type": "kyphoplasty",
        "performed_on": timezone.now().date().isoformat(),
        "vertebral_levels": ["L1"],
        "cause": "osteoporosis",
        "pre_procedure_pain": 7,
        **extra,
    }


@pytest.mark.parametrize("field", ["performed_on", "fracture_date"])
def test_procedure_dates_cannot_be_before_birth_or_over_ten_years_back(api, clinician, field):
    from recovery.api.procedure_serializers import earliest_procedure_date

    young = PatientFactory(team=clinician.care_teams.first(), date_of_birth=dt.date(2020, 5, 1))
    url = f"/api/v1/patients/{young.pk}/procedures/"
    before_birth = procedure_body(**{field: "2020-04-30"})
    assert (
        "before the patient's date of birth"
        in field_errors(api(clinician).post(url, before_birth, format="json"))[field][0]
    )
    old = PatientFactory(team=young.team, date_of_birth=dt.date(1940, 1, 1))
    url = f"/api/v1/patients/{old.pk}/procedures/"
    too_old = earliest_procedure_date(old) - dt.timedelta(days=1)
    too_old_body = procedure_body(**{field: too_old.isoformat()})
    errors = field_errors(api(clinician).post(url, too_old_body, format="json"))
    assert "10 years" in errors[field][0]
    year_one = procedure_body(**{field: "0001-01-01"})
    assert field in field_errors(api(clinician).post(url, year_one, format="json"))
    ok = procedure_body(**{field: earliest_procedure_date(old).isoformat()})
    assert api(clinician).post(url, ok, format="json").status_code == 201


def test_a_procedure_patch_is_bounded_too(api, clinician, procedure):
    response = api(clinician).patch(
        f"/api/v1/procedures/{procedure.pk}/", {"performed_on": "1900-01-01"}, format="json"
    )
    assert "performed_on" in field_errors(response)
