"""The audit trail: who read or changed which patient's data, append-only."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from audit.decorators import audit_patient_access
from audit.models import AccessRecord, AppendOnly
from tests.factories import CheckInFactory, ClinicianFactory, PatientFactory, ProcedureFactory
from tests.support.admin import admin_verified


def records(**filters):
    return list(AccessRecord.objects.filter(**filters).order_by("id"))


def test_patient_list_records_every_patient_of_the_page(api, clinician, team, patient):
    others = PatientFactory.create_batch(2, team=team)
    PatientFactory()  # another team's patient: not shown, not recorded

    response = api(clinician).get("/api/v1/patients/", {"page_size": 2, "ordering": "last_name"})

    assert response.status_code == 200
    shown = {row["id"] for row in response.json()["results"]}
    assert len(shown) == 2
    rows = records()
    assert {r.patient_id for r in rows} == shown
    assert {(r.actor_id, r.kind, r.method, r.action) for r in rows} == {
        (clinician.pk, "read", "GET", "patient-list")
    }
    assert {patient.pk, *(p.pk for p in others)} >= shown


@pytest.mark.parametrize("count", [1, 20])
def test_patient_list_audit_costs_one_query_whatever_the_page(
    api, clinician, team, count, django_assert_num_queries
):
    PatientFactory.create_batch(count, team=team)
    client = api(clinician)
    # 1 user (JWT), 2 the page of patients with its count, 3 the audit INSERT (one statement).
    with django_assert_num_queries(3):
        response = client.get("/api/v1/patients/")
    assert response.status_code == 200
    assert AccessRecord.objects.count() == count


def test_patient_detail_read_is_recorded_with_address_and_request_id(api, clinician, patient):
    response = api(clinician).get(
        f"/api/v1/patients/{patient.pk}/",
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="6.6.6.6",  # not believed: no trusted proxy configured
        HTTP_X_REQUEST_ID="req-12345678",
    )

    assert response.status_code == 200
    [record] = records()
    assert (record.actor, record.patient, record.kind) == (clinician, patient, "read")
    assert record.action == "patient-detail"
    assert record.ip == "10.1.2.3"
    assert record.request_id == "req-12345678"
    assert record.at is not None


def test_forwarded_address_is_used_only_behind_a_configured_proxy(
    api, clinician, patient, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    api(clinician).get(
        f"/api/v1/patients/{patient.pk}/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    # Our proxy appended what it saw last; what the client wrote before it is not trusted.
    assert records()[0].ip == "203.0.113.9"


def test_patient_patch_is_recorded_as_a_change(api, clinician, patient):
    response = api(clinician).patch(
        f"/api/v1/patients/{patient.pk}/", {"reminder_hour": 7}, format="json"
    )
    assert response.status_code == 200, response.content
    [record] = records()
    assert (record.kind, record.method, record.action) == ("change", "PATCH", "patient-detail")


def test_enrollment_code_issue_is_recorded(api, clinician, patient):
    response = api(clinician).post(f"/api/v1/patients/{patient.pk}/enrollment-code/")
    assert response.status_code == 201, response.content
    assert [(r.patient_id, r.kind, r.action) for r in records()] == [
        (patient.pk, "change", "patient-enrollment-code")
    ]


def test_enrolling_a_patient_is_recorded_as_a_change_to_the_new_patient(api, clinician, team):
    response = api(clinician).post(
        "/api/v1/patients/",
        {
            "email": "new@patient.test",
            "first_name": "Nora",
            "last_name": "New",
            "date_of_birth": "1948-02-03",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert [(r.patient_id, r.kind, r.method, r.action) for r in records()] == [
        (response.json()["id"], "change", "POST", "patient-list")
    ]


def test_looking_at_an_empty_checkin_list_is_still_recorded(api, clinician, patient):
    response = api(clinician).get(f"/api/v1/patients/{patient.pk}/checkins/")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert [(r.patient_id, r.action) for r in records()] == [(patient.pk, "patient-checkins")]


def test_checkins_and_procedures_reads_are_recorded_once_per_patient(api, clinician, team, patient):
    CheckInFactory.create_batch(3, patient=patient)
    second = PatientFactory(team=team)
    ProcedureFactory(patient=patient)
    ProcedureFactory(patient=patient)
    ProcedureFactory(patient=second)
    client = api(clinician)

    assert client.get(f"/api/v1/patients/{patient.pk}/checkins/").status_code == 200
    assert client.get("/api/v1/procedures/").status_code == 200

    assert sorted((r.action, r.patient_id) for r in records()) == sorted(
        [
            ("patient-checkins", patient.pk),
            ("procedure-list", patient.pk),
            ("procedure-list", second.pk),
        ]
    )


def test_recording_a_procedure_is_recorded(api, clinician, patient):
    response = api(clinician).post(
        f"/api/v1/patients/{patient.pk}/procedures/",
        {
            "procedure_type": "kyphoplasty",
            "performed_on": "2020-01-02",
            "vertebral_levels": ["L1"],
            "cause": "trauma",
            "pre_procedure_pain": 8,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert [(r.kind, r.action) for r in records()] == [("change", "patient-procedures")]


def test_options_requests_show_no_data_and_record_nothing(api, clinician, patient):
    assert api(clinician).options(f"/api/v1/patients/{patient.pk}/").status_code == 200
    assert records() == []


def test_out_of_scope_and_failed_requests_record_nothing(api, clinician, patient, other_patient):
    client = api(clinician)
    assert client.get(f"/api/v1/patients/{other_patient.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/patients/{patient.pk}/", {"reminder_hour": "7"}, format="json"
    )
    assert response.status_code == 400
    assert records() == []


def test_patients_reading_their_own_data_are_not_recorded(api, patient, procedure):
    client = api(patient.user)
    assert client.get("/api/v1/procedures/").status_code == 200
    assert client.get("/api/v1/checkins/").status_code == 200
    assert records() == []


def test_access_records_refuse_change_and_delete(clinician, patient):
    record = AccessRecord.objects.create(
        actor=clinician, patient=patient, kind="read", method="GET", action="patient-detail"
    )
    record.action = "something else"
    with pytest.raises(AppendOnly):
        record.save()
    with pytest.raises(AppendOnly):
        record.delete()
    with pytest.raises(AppendOnly):
        AccessRecord.objects.filter(pk=record.pk).update(action="x")
    with pytest.raises(AppendOnly):
        AccessRecord.objects.all().delete()
    record.refresh_from_db()
    assert record.action == "patient-detail"


def test_admin_lists_and_searches_but_cannot_change(client, clinician, patient):
    from accounts.models import User

    admin = User.objects.create_superuser(email="root@clinic.test", password="x" * 12)
    record = AccessRecord.objects.create(
        actor=clinician, patient=patient, kind="read", method="GET", action="patient-detail"
    )
    admin_verified(client, admin)

    page = client.get("/admin/audit/accessrecord/", {"q": "alice@clinic.test", "kind": "read"})
    assert page.status_code == 200
    assert b"patient-detail" in page.content
    assert client.get("/admin/audit/accessrecord/", {"q": "nobody"}).context["cl"].result_count == 0
    assert client.get("/admin/audit/accessrecord/add/").status_code == 403
    assert client.post(f"/admin/audit/accessrecord/{record.pk}/delete/").status_code == 403
    detail = client.post(f"/admin/audit/accessrecord/{record.pk}/change/", {"action": "tampered"})
    assert detail.status_code == 403
    record.refresh_from_db()
    assert record.action == "patient-detail"


def test_dashboard_decorator_records_successful_views_only(clinician, patient):
    @audit_patient_access(kwarg="pk", action="dashboard-patient")
    def view(request, pk):
        return HttpResponse(status=200 if pk == patient.pk else 404)

    request = RequestFactory().get("/dashboard/patients/x/", REMOTE_ADDR="10.9.8.7")
    request.user = clinician
    view(request, pk=patient.pk)
    view(request, pk=patient.pk + 1000)

    assert [(r.patient_id, r.action, r.ip) for r in records()] == [
        (patient.pk, "dashboard-patient", "10.9.8.7")
    ]


# --- The patient's own access log ----------------------------------------------------------


def test_patient_sees_who_read_their_record_by_name(api, team, patient, other_patient):
    doctor = ClinicianFactory(
        email="dr.jones@clinic.test", first_name="Ann", last_name="Jones", teams=[team]
    )
    api(doctor).get(f"/api/v1/patients/{patient.pk}/")
    api(doctor).patch(f"/api/v1/patients/{patient.pk}/", {"reminder_hour": 8}, format="json")
    AccessRecord.objects.create(
        actor=doctor, patient=other_patient, kind="read", method="GET", action="patient-detail"
    )

    response = api(patient.user).get("/api/v1/me/access-log/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    newest, oldest = body["results"]
    assert newest["who"] == "Ann Jones"
    assert (newest["kind"], newest["what"]) == ("change", "patient-detail")
    assert newest["description"] == "changed your details"
    assert (oldest["kind"], oldest["what"]) == ("read", "patient-detail")
    assert oldest["description"] == "looked at your details"
    assert newest["at"]
    assert "dr.jones@clinic.test" not in response.content.decode()


def test_access_log_is_for_patients_only(api, clinician):
    assert api(clinician).get("/api/v1/me/access-log/").status_code == 403
    assert api(None).get("/api/v1/me/access-log/").status_code == 401


@pytest.mark.parametrize("count", [1, 20])
def test_access_log_reads_in_constant_queries(api, team, patient, count, django_assert_num_queries):
    doctors = ClinicianFactory.create_batch(count, teams=[team])
    AccessRecord.objects.bulk_create(
        [
            AccessRecord(actor=d, patient=patient, kind="read", method="GET", action="x")
            for d in doctors
        ]
    )
    client = api(patient.user)
    # 1 user (JWT), 2 count, 3 the page with its actors joined.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/me/access-log/", {"page_size": 50})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    ("route", "kwargs", "expected"),
    [
        ("api/v1/patients/<int:pk>/checkins/", {"pk": 7}, [7]),
        ("fhir/Patient/<int:id>/$everything", {"id": 8}, [8]),
        ("fhir/Patient/<str:pid>", {"pid": "9"}, [9]),
        ("fhir/Patient/<str:pid>", {"pid": "x9"}, []),
        ("api/v1/procedures/<int:pk>/", {"pk": 5}, []),
    ],
)
def test_patient_routes_are_recognised(route, kwargs, expected):
    from types import SimpleNamespace

    from audit.middleware import patient_ids_for

    request = SimpleNamespace(resolver_match=SimpleNamespace(route=route, kwargs=kwargs))
    response = SimpleNamespace(data=None)
    assert patient_ids_for(request=request, response=response, view=None) == expected
