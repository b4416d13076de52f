import datetime as dt

import factory
from django.utils import timezone

from accounts.models import User
from recovery.models import CareTeam, CheckIn, Patient, Procedure

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    role = User.Role.PATIENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CareTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeam

    name = factory.Sequence(lambda n: f"Team {n}")


class ClinicianFactory(UserFactory):
    role = User.Role.CLINICIAN

    @factory.post_generation
    def teams(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.care_teams.add(*extracted)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(CareTeamFactory)
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = factory.Sequence(lambda n: f"Ient{n}")
    date_of_birth = dt.date(1950, 5, 17)
    timezone = "UTC"
    enrolled_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    patient = factory.SubFactory(PatientFactory)
    procedure_type = "kyphoplasty"
    performed_on = factory.LazyFunction(lambda: timezone.now().date() - dt.timedelta(days=3))
    vertebral_levels = factory.LazyFunction(lambda: ["L1"])
    cause = "osteoporosis"
    pre_procedure_pain = 8


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    patient = factory.SubFactory(PatientFactory)
    recorded_at = factory.LazyFunction(timezone.now)
    pain_score = 3


class CaregiverFactory(UserFactory):
    role = User.Role.CAREGIVER
    first_name = "Ann"
    last_name = "Hill"


class CareLinkFactory(factory.django.DjangoModelFactory):
    """An accepted (active) link; pass status="invited", caregiver=None for an invitation."""

    class Meta:
        model = "caregivers.CareLink"

    patient = factory.SubFactory(PatientFactory)
    caregiver = factory.SubFactory(CaregiverFactory)
    email = factory.LazyAttribute(lambda o: o.caregiver.email if o.caregiver else "c@care.test")
    name = "Ann Hill"
    relationship = "daughter"
    status = "active"
    invited_by = factory.LazyAttribute(lambda o: o.patient.user)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    token_expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    token_used_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == "active" else None
    )


def vertebroplasty_today(patient) -> Procedure:
    """A vertebroplasty done today, recorded through the service so its plan (the reminders)
    exists; every reminder is in the future until a test brings it forward."""
    from recovery.services import procedure_record

    return procedure_record(
        patient=patient,
        data={
            "procedure_type": "vertebroplasty",
            "performed_on": timezone.now().date(),
            "vertebral_levels": ["T12"],
            "cause": "osteoporosis",
            "pre_procedure_pain": 7,
        },
    )
