"""GET /fhir/Patient/{id}/$everything: the recovery record as a FHIR R4 Bundle."""

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from fhir.resources.R4B.bundle import Bundle

from recovery.models import Alert
from tests.factories import CheckInFactory, ProcedureFactory

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SITE = "http://testserver"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def everything_url(patient_id, **params) -> str:
    url = f"/fhir/Patient/{patient_id}/$everything"
    if params:
        url += "?" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
    return url


def resources(body, resource_type=None) -> list[dict]:
    found = [entry["resource"] for entry in body["entry"]]
    if resource_type:
        found = [r for r in found if r["resourceType"] == resource_type]
    return found


def codings(concept: dict, system: str) -> list[str]:
    return [c["code"] for c in concept.get("coding", []) if c["system"] == system]


def by_loinc(body, code) -> list[dict]:
    return [
        r for r in resources(body, "Observation") if code in codings(r["code"], "http://loinc.org")
    ]


@pytest.fixture
def record(patient):
    """Two procedures (one a cervical kyphoplasty), three check-ins, two alerts."""
    with time_machine.travel(T0, tick=False):
        vertebroplasty = ProcedureFactory(
            patient=patient,
            procedure_type="vertebroplasty",
            performed_on=dt.date(2026, 2, 20),
            vertebral_levels=["L1", "T12"],
            cause="osteoporosis",
        )
        kyphoplasty = ProcedureFactory(
            patient=patient,
            procedure_type="kyphoplasty",
            performed_on=dt.date(2026, 3, 1),
            vertebral_levels=["C5"],
            cause="trauma",
        )
        feverish = CheckInFactory(
            patient=patient,
            recorded_at=T0 - dt.timedelta(hours=3),
            pain_score=6,
            temperature_c=38.4,
            symptoms=["fever", "leg_weakness"],
            notes="Felt hot last night.",
        )
        plain = CheckInFactory(patient=patient, recorded_at=T0 - dt.timedelta(hours=1))
        cool = CheckInFactory(
            patient=patient, recorded_at=T0, pain_score=2, temperature_c=36.8, symptoms=[]
        )
        fever_alert = Alert.objects.create(
            patient=patient, rule="fever", severity="urgent", message="Fever reported."
        )
        fever_alert.checkins.add(feverish)
        resolved = Alert.objects.create(
            patient=patient,
            rule="worsening_pain",
            severity="warning",
            message="Pain higher.",
            status="resolved",
            resolved_at=T0 + dt.timedelta(minutes=5),
            resolution_note="Called, fine.",
        )
    return {
        "vertebroplasty": vertebroplasty,
        "kyphoplasty": kyphoplasty,
        "checkins": [feverish, plain, cool],
        "feverish": feverish,
        "fever_alert": fever_alert,
        "resolved_alert": resolved,
    }


def test_bundle_is_fhir_json_and_round_trips_through_r4b_models(api, clinician, patient, record):
    response = api(clinician).get(everything_url(patient.pk))

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    bundle = Bundle.model_validate(body)
    assert bundle.type == "searchset"
    # Reading and writing it back through the models loses and adds nothing.
    assert bundle.model_dump(mode="json") == body
    assert body["total"] == len(body["entry"])
    for entry in body["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"{SITE}/fhir/{resource['resourceType']}/{resource['id']}"


def test_bundle_holds_every_resource_of_the_patient(api, clinician, patient, record):
    body = api(clinician).get(everything_url(patient.pk)).json()

    (fhir_patient,) = resources(body, "Patient")
    assert fhir_patient["id"] == str(patient.pk)
    assert fhir_patient["name"][0]["family"] == "Stone"
    assert fhir_patient["birthDate"] == "1950-05-17"
    assert {r["id"] for r in resources(body, "Procedure")} == {
        str(record["vertebroplasty"].pk),
        str(record["kyphoplasty"].pk),
    }
    # One pain Observation per check-in, a temperature for the two that had one, one
    # Observation per reported symptom.
    assert len(by_loinc(body, "72514-3")) == 3
    assert len(by_loinc(body, "8310-5")) == 2
    assert len(resources(body, "Observation")) == 3 + 2 + 2
    assert {r["id"] for r in resources(body, "Flag")} == {
        str(record["fever_alert"].pk),
        str(record["resolved_alert"].pk),
    }
    # One plan per procedure; the newer one replaces the older one.
    plans = {r["id"]: r for r in resources(body, "CarePlan")}
    older, newer = f"plan-{record['vertebroplasty'].pk}", f"plan-{record['kyphoplasty'].pk}"
    assert set(plans) == {older, newer}
    assert plans[newer]["status"] == "active"
    assert plans[newer]["replaces"] == [{"reference": f"CarePlan/{older}"}]
    assert plans[newer]["supportingInfo"] == [
        {"reference": f"Procedure/{record['kyphoplasty'].pk}"}
    ]
    assert plans[newer]["description"] == "No heavy lifting until 2026-03-08."
    for resource in resources(body):
        if resource["resourceType"] != "Patient":
            assert resource["subject"] == {"reference": f"Patient/{patient.pk}"}


def test_procedures_carry_cpt_by_type_and_region_and_text_only_for_cervical_kyphoplasty(
    api, clinician, patient, record
):
    body = api(clinician).get(everything_url(patient.pk)).json()
    procedures = {r["id"]: r for r in resources(body, "Procedure")}
    vertebroplasty = procedures[str(record["vertebroplasty"].pk)]
    kyphoplasty = procedures[str(record["kyphoplasty"].pk)]

    cpt = "http://www.ama-assn.org/go/cpt"
    # T12 is the first (most cranial) level: cervicothoracic 22510, then +22512 for L1.
    assert codings(vertebroplasty["code"], cpt) == ["22510", "22512"]
    assert vertebroplasty["status"] == "completed"
    assert vertebroplasty["performedDateTime"] == "2026-02-20"
    assert [site["text"] for site in vertebroplasty["bodySite"]] == ["T12", "L1"]
    assert codings(vertebroplasty["reasonCode"][0], f"{SITE}/fhir/CodeSystem/procedure-cause") == [
        "osteoporosis"
    ]
    # No CPT code fits a cervical kyphoplasty (API.md): text only, and no SNOMED anywhere.
    assert "coding" not in kyphoplasty["code"]
    assert "C5" in kyphoplasty["code"]["text"]
    assert [site["text"] for site in kyphoplasty["bodySite"]] == ["C5"]
    assert "snomed" not in str(body).lower()


def test_checkin_becomes_pain_temperature_and_symptom_observations(api, clinician, patient, record):
    body = api(clinician).get(everything_url(patient.pk)).json()
    checkin = record["feverish"]
    mine = {
        r["id"]: r for r in resources(body, "Observation") if r["id"].startswith(str(checkin.pk))
    }

    pain = mine[f"{checkin.pk}-pain"]
    assert codings(pain["code"], "http://loinc.org") == ["72514-3"]
    assert pain["valueInteger"] == 6
    assert pain["status"] == "final"
    assert pain["note"] == [{"text": "Felt hot last night."}]
    assert dt.datetime.fromisoformat(pain["effectiveDateTime"]) == checkin.recorded_at

    temperature = mine[f"{checkin.pk}-temperature"]
    assert codings(temperature["code"], "http://loinc.org") == ["8310-5"]
    assert temperature["valueQuantity"] == {
        "value": 38.4,
        "unit": "Cel",
        "system": "http://unitsofmeasure.org",
        "code": "Cel",
    }
    assert codings(temperature["category"][0], OBS_CATEGORY) == ["vital-signs"]

    symptom_system = f"{SITE}/fhir/CodeSystem/symptom"
    symptoms = {code: r for r in mine.values() for code in codings(r["code"], symptom_system)}
    assert set(symptoms) == {"fever", "leg_weakness"}
    assert all(r["valueBoolean"] is True for r in symptoms.values())
    assert symptoms["leg_weakness"]["id"] == f"{checkin.pk}-leg-weakness"


def test_alerts_become_flags_with_status_category_and_period(api, clinician, patient, record):
    body = api(clinician).get(everything_url(patient.pk)).json()
    flags = {r["id"]: r for r in resources(body, "Flag")}
    open_flag = flags[str(record["fever_alert"].pk)]
    resolved_flag = flags[str(record["resolved_alert"].pk)]

    assert open_flag["status"] == "active"
    assert open_flag["code"]["text"] == "fever"
    assert codings(open_flag["code"], f"{SITE}/fhir/CodeSystem/alert-rule") == ["fever"]
    assert codings(open_flag["category"][0], "http://terminology.hl7.org/CodeSystem/flag-category")
    assert codings(open_flag["category"][1], f"{SITE}/fhir/CodeSystem/alert-severity") == ["urgent"]
    assert dt.datetime.fromisoformat(open_flag["period"]["start"]) == T0
    assert "end" not in open_flag["period"]

    assert resolved_flag["status"] == "inactive"
    assert resolved_flag["code"]["text"] == "worsening_pain"
    assert dt.datetime.fromisoformat(resolved_flag["period"]["end"]) == T0 + dt.timedelta(minutes=5)


def test_since_returns_only_what_changed_after_it(api, clinician, patient, record):
    later = T0 + dt.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        late = CheckInFactory(patient=patient, recorded_at=T0 - dt.timedelta(days=2))
        # An old alert that fires again has changed.
        record["fever_alert"].last_triggered_at = later
        record["fever_alert"].save()

    body = api(clinician).get(everything_url(patient.pk, _since="2026-03-02T12:00:00+02:00")).json()

    Bundle.model_validate(body)
    # The patient anchors every answer: it has no change time of its own (see report).
    assert [r["id"] for r in resources(body, "Patient")] == [str(patient.pk)]
    # A late offline check-in counts from when it arrived, not from when it was recorded.
    assert {r["id"] for r in resources(body, "Observation")} == {f"{late.pk}-pain"}
    assert [r["id"] for r in resources(body, "Flag")] == [str(record["fever_alert"].pk)]
    assert resources(body, "Procedure") == []
    assert resources(body, "CarePlan") == []

    everything_before = api(clinician).get(everything_url(patient.pk, _since="2026-03-01T00:00Z"))
    assert len(resources(everything_before.json(), "Procedure")) == 2
    assert len(resources(everything_before.json(), "Observation")) == 8


def test_since_accepts_an_unencoded_plus_in_the_offset(api, clinician, patient, record):
    # "+" in a raw query string decodes to a space; read it as the offset it was.
    response = api(clinician).get(
        f"/fhir/Patient/{patient.pk}/$everything?_since=2026-03-02T12:00:00+02:00"
    )
    assert response.status_code == 200, response.content
    assert resources(response.json(), "Procedure") == []


@pytest.mark.parametrize(
    "since",
    [
        "yesterday",
        "2026-03-02",
        "2026-03-02T10:00:00",
        "2026-13-40T10:00:00Z",
        "2026-03-02T10:00:00+25:00",
        "",
    ],
)
def test_invalid_since_is_a_400_operation_outcome(api, clinician, patient, since):
    response = api(clinician).get(everything_url(patient.pk, _since=since))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/fhir+json")
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "invalid"
    assert outcome["issue"][0]["expression"] == ["_since"]
    assert "_since" in outcome["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "actor, status, issue",
    [
        ("clinician", 200, None),
        ("other_clinician", 404, "not-found"),
        ("patient", 403, "forbidden"),
        ("anonymous", 401, "login"),
    ],
)
def test_scope_matrix(api, request, patient, actor, status, issue):
    users = {
        "clinician": lambda: request.getfixturevalue("clinician"),
        "other_clinician": lambda: request.getfixturevalue("other_clinician"),
        "patient": lambda: patient.user,
        "anonymous": lambda: None,
    }
    user = users[actor]()
    response = api(user).get(everything_url(patient.pk))

    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    if issue:
        outcome = response.json()
        assert outcome["resourceType"] == "OperationOutcome"
        assert outcome["issue"][0]["code"] == issue
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_is_a_401_operation_outcome(client, patient):
    response = client.get(everything_url(patient.pk), HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 401
    outcome = response.json()
    assert outcome["issue"][0]["code"] == "login"
    assert outcome["issue"][0]["diagnostics"] == "Given token not valid for any token type"


@pytest.mark.parametrize("pk", ["999999", "abc", "-1", "1.5", "0{pk}", "99999999999999999999999"])
def test_unknown_patient_ids_are_404(api, clinician, patient, pk):
    response = api(clinician).get(f"/fhir/Patient/{pk.format(pk=patient.pk)}/$everything")

    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


def test_session_login_works_like_the_dashboard(client, clinician, patient):
    client.force_login(clinician)
    response = client.get(everything_url(patient.pk))

    assert response.status_code == 200
    assert Bundle.model_validate(response.json()).entry[0].resource.id == str(patient.pk)


def test_plain_json_accept_gets_fhir_json_and_xml_is_refused(api, clinician, patient):
    client = api(clinician)
    as_json = client.get(everything_url(patient.pk), HTTP_ACCEPT="application/json")
    as_xml = client.get(everything_url(patient.pk), HTTP_ACCEPT="application/fhir+xml")

    assert as_json.status_code == 200
    assert as_json["Content-Type"].startswith("application/fhir+json")
    assert as_xml.status_code == 406
    assert as_xml.json()["resourceType"] == "OperationOutcome"


def test_writes_are_405_operation_outcomes(api, clinician, patient):
    response = api(clinician).post(everything_url(patient.pk), {}, format="json")

    assert response.status_code == 405
    assert response.json()["issue"][0]["code"] == "not-supported"


@pytest.mark.parametrize("checkins", [1, 20])
def test_query_count_does_not_grow_with_checkins(
    api, clinician, patient, django_assert_num_queries, checkins
):
    procedure = ProcedureFactory(patient=patient)
    for i in range(checkins):
        checkin = CheckInFactory(
            patient=patient,
            recorded_at=T0 + dt.timedelta(hours=i),
            temperature_c=37.0,
            symptoms=["chills"],
        )
        alert = Alert.objects.create(
            patient=patient,
            rule=f"rule_{i}",
            severity="info",
            message="m",
            status="resolved",
        )
        alert.checkins.add(checkin)
    client = api(clinician)
    # The user behind the JWT (1), the scoped patient with user and team (1), procedures (1),
    # check-ins (1), alerts (1), reminders (1), the bone-health record with the pathway's facts
    # (1, bonehealth) and the audit INSERT (1).
    with django_assert_num_queries(8):
        response = client.get(everything_url(patient.pk))

    assert response.status_code == 200
    body = response.json()
    assert len(by_loinc(body, "72514-3")) == checkins
    assert len(resources(body, "Flag")) == checkins
    assert [r["id"] for r in resources(body, "Procedure")] == [str(procedure.pk)]
