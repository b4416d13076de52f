"""Migrations 0006_patient_discharge and 0007_team_membership keep what exists: the plain
many-to-many's rows become memberships (admins), patients become active, and the summary
triggers are there again at the latest state (0010_summary_triggers_frozen installs them)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from recovery.checks import missing_summary_triggers
from recovery.models import CareTeam as CareTeamModel
from recovery.models import PatientSummary
from tests.factories import PatientFactory

BEFORE = [("recovery", "0005_checkin_entered_by")]
AFTER = [("recovery", "0007_team_membership")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_memberships_and_patients_survive_the_migrations():
    old = migrate(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        CareTeam = old.get_model("recovery", "CareTeam")
        Patient = old.get_model("recovery", "Patient")
        alice = User.objects.create(email="alice@clinic.test", role="clinician")
        bob = User.objects.create(email="bob@clinic.test", role="clinician")
        north = CareTeam.objects.create(name="North")
        south = CareTeam.objects.create(name="South")
        north.clinicians.add(alice, bob)
        south.clinicians.add(bob)
        patient_user = User.objects.create(email="pat@patient.test", role="patient")
        patient = Patient.objects.create(
            user=patient_user,
            team=north,
            first_name="P",
            last_name="Q",
            date_of_birth="1950-01-01",
        )

        new = migrate(AFTER)
        Membership = new.get_model("recovery", "TeamMembership")
        rows = sorted(
            (m.careteam.name, m.user.email, m.is_admin)
            for m in Membership.objects.select_related("careteam", "user")
        )
        assert rows == [
            ("North", "alice@clinic.test", True),
            ("North", "bob@clinic.test", True),
            ("South", "bob@clinic.test", True),
        ]
        NewTeam = new.get_model("recovery", "CareTeam")
        assert sorted(
            NewTeam.objects.get(name="North").clinicians.values_list("email", flat=True)
        ) == [
            "alice@clinic.test",
            "bob@clinic.test",
        ]
        NewPatient = new.get_model("recovery", "Patient")
        assert NewPatient.objects.get(pk=patient.pk).status == "active"
    finally:
        # Back to the latest state for the tests that follow.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    # On SQLite 0006 rebuilt recovery_patient without its summary trigger; 0010 installs the
    # triggers again and refills the rows: the earlier patient has one, a new one gets one.
    another = PatientFactory(team=CareTeamModel.objects.get(name="South"))
    rows = PatientSummary.objects.filter(pk__in=[patient.pk, another.pk])
    assert rows.count() == 2
    assert missing_summary_triggers(connection) == []
