"""Writes across rows: enrolment, procedures, check-ins and the alert life cycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.http import urlencode

from accounts.models import User
from accounts.services import account_password_set
from lib.exceptions import Conflict, DomainError
from outbox.services import email_queue, messages_cancel

from . import alerts, codes, lifecycle, rules, signals
from .choices import SEVERITY_RANK, AlertStatus
from .locks import summary_lock
from .models import Alert, CareTeam, CheckIn, EnrollmentCode, Patient, Procedure, TeamMembership
from .rules import guidance_for


class PatientDeceased(Conflict):
    default_detail = "This patient has died: nothing more is sent to them or for them."


class ReplayConflict(Conflict):
    default_detail = "A check-in with this id exists with a different body."


class AlreadyResolved(Conflict):
    default_detail = "This alert is already resolved."


class InvalidEnrollmentCode(DomainError):
    default_detail = "This enrollment code is wrong, used or expired."


# --- Care teams and clinicians -------------------------------------------------------------


@transaction.atomic
def clinician_create_or_update(
    *, email: str, password: str, team_name: str, full_name: str = ""
) -> User:
    """create_clinician: the team if missing, the account, or a new team and password."""
    team, _ = CareTeam.objects.get_or_create(name=team_name)
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, role=User.Role.CLINICIAN)
    elif user.role != User.Role.CLINICIAN:
        raise DomainError(f"{email} belongs to an account that is not a clinician.")
    if full_name:
        first, _, last = full_name.strip().partition(" ")
        user.first_name, user.last_name = first, last
    user.save()
    # A new password for an existing account ends its sessions and tokens too.
    account_password_set(user=user, password=password, validate=False)
    # The clinician who sets a team up runs it (and may invite the others).
    TeamMembership.objects.update_or_create(careteam=team, user=user, defaults={"is_admin": True})
    return user


# --- Patients and enrolment ----------------------------------------------------------------


@transaction.atomic
def patient_enroll(*, team: CareTeam, data: dict) -> tuple[Patient, str]:
    """Create the patient's account (no password yet) and email a one-time enrollment code."""
    user = User.objects.create_user(
        email=data["email"],
        role=User.Role.PATIENT,
        first_name=data["first_name"],
        last_name=data["last_name"],
    )
    patient = Patient.objects.create(
        user=user,
        team=team,
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
        timezone=data.get("timezone", "UTC"),
        reminder_hour=data.get("reminder_hour", 9),
        has_osteoporosis=data.get("has_osteoporosis", False),
        language=data.get("language", "en"),
        phone=data.get("phone", ""),
    )
    code = enrollment_code_issue(patient=patient)
    return patient, code


@transaction.atomic
def enrollment_code_issue(*, patient: Patient) -> str:
    """Void any earlier code, store a new one as a keyed hash and email it to the patient."""
    if patient.is_deceased:
        raise PatientDeceased()
    now = timezone.now()
    patient.enrollment_codes.filter(used_at=None, voided_at=None).update(voided_at=now)
    # An unsent email with the voided code would only confuse the patient: cancel it.
    messages_cancel(
        reason="a newer enrollment code was issued", to=patient.user.email, category="enrollment"
    )
    code = codes.generate()
    EnrollmentCode.objects.create(
        patient=patient,
        code_hash=codes.digest(code),
        created_at=now,
        expires_at=now + timedelta(days=settings.ENROLLMENT_CODE_DAYS),
    )
    # Rendered now, so in the patient's language now. The code itself is the outbox's secret:
    # the stored bodies hold a placeholder, filled in at send time and forgotten once sent.
    with translation.override(patient.language):
        email_queue(
            to=patient.user.email,
            template="recovery/email/enrollment",
            context={
                "first_name": patient.first_name,
                "days": settings.ENROLLMENT_CODE_DAYS,
                # Crockford base32 needs no escaping in a query string.
                "activate_url_prefix": f"{settings.SITE_URL}/app/activate/?"
                + urlencode({"lang": patient.language})
                + "&code=",
            },
            category="enrollment",
            secret=code,
        )
    return code


@transaction.atomic
def enrollment_activate(*, code: str, password: str) -> User:
    now = timezone.now()
    enrollment = (
        EnrollmentCode.objects.select_for_update()
        .select_related("patient__user")
        .filter(code_hash=codes.digest(code), used_at=None, voided_at=None, expires_at__gt=now)
        # A deactivated account stays closed: its old code must not open it again.
        .filter(patient__user__is_active=True)
        .first()
    )
    if enrollment is None:
        raise InvalidEnrollmentCode()
    # A Django ValidationError for a weak password (a 400); else every older session and
    # token of the account ends with the new password.
    user = account_password_set(user=enrollment.patient.user, password=password)
    enrollment.used_at = now
    enrollment.save(update_fields=["used_at"])
    return user


@transaction.atomic
def patient_update(*, patient: Patient, data: dict) -> Patient:
    user_fields = []
    for name, value in data.items():
        if name == "email":
            patient.user.email = value
            user_fields.append("email")
        else:
            setattr(patient, name, value)
        if name in ("first_name", "last_name"):
            setattr(patient.user, name, value)
            user_fields.append(name)
    patient.save()
    if user_fields:
        patient.user.save(update_fields=user_fields)
    # reminders re-plans when a plan input changed (reminders/receivers.py).
    signals.patient_changed.send(sender=Patient, patient=patient, changed=set(data))
    return patient


# --- Procedures ----------------------------------------------------------------------------


@transaction.atomic
def procedure_record(*, patient: Patient, data: dict) -> Procedure:
    summary_lock(patient.pk)
    procedure = Procedure.objects.create(patient=patient, **data)
    # A new procedure starts follow-up again (API.md "the patient's life cycle").
    lifecycle.patient_reactivate(patient=patient)
    # Its plan is built in this transaction (reminders/receivers.py).
    signals.procedure_changed.send(
        sender=Procedure, procedure=procedure, created=True, changed=set(data)
    )
    return procedure


@transaction.atomic
def procedure_update(*, procedure: Procedure, data: dict) -> Procedure:
    summary_lock(procedure.patient_id)
    for name, value in data.items():
        setattr(procedure, name, value)
    procedure.save()
    signals.procedure_changed.send(
        sender=Procedure, procedure=procedure, created=False, changed=set(data)
    )
    return procedure


# --- Check-ins -----------------------------------------------------------------------------


@dataclass
class CheckinResult:
    checkin: CheckIn
    alerts: list[Alert] = field(default_factory=list)
    replayed: bool = False

    @property
    def guidance(self) -> dict | None:
        if not self.alerts:
            return None
        top = max(self.alerts, key=lambda alert: SEVERITY_RANK[alert.severity])
        return guidance_for(top.severity)


def checkin_payload(data: dict) -> dict:
    """The fields the client sent, normalised: symptoms as a set, numbers by value, times
    by instant. Two requests are "the same body" when these are equal."""
    payload: dict = {}
    for name, value in data.items():
        if name == "id":
            continue
        if name == "symptoms":
            value = sorted(set(value))
        elif name == "temperature_c" and value is not None:
            value = float(value)
        elif isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        payload[name] = value
    return payload


def checkin_record(
    *, patient: Patient, data: dict, entered_by: User | None = None
) -> CheckinResult:
    """Store a check-in and evaluate the warning signs in one transaction (or replay it).

    Most check-ins fire nothing. The rules read only earlier check-ins and the procedure, so
    they are asked once, first; a check-in that fires nothing is then one autocommitted INSERT
    instead of BEGIN, INSERT, COMMIT. On this machine a check-in's cost is mostly database
    round trips and ORM work, and this saves two round trips (bench/RESULTS.md). One that fires
    takes the full path with the rules' answer: the patient's summary lock, the insert, alerts
    and their emails in one transaction. (A concurrent earlier check-in committed between the
    rules' reads and the insert is not in their history, for a firing check-in as for a quiet
    one: each check-in is judged on what was stored when it arrived.)

    `entered_by`: who typed it, the patient or a caregiver for them; the rules and alerts are
    the same whoever it was.
    """
    payload = checkin_payload(data)
    checkin_id = data.get("id")
    checkin = CheckIn(
        **({"id": checkin_id} if checkin_id else {}),
        patient=patient,
        entered_by=entered_by,
        recorded_at=data.get("recorded_at") or timezone.now(),
        pain_score=data["pain_score"],
        temperature_c=data.get("temperature_c"),
        symptoms=sorted(set(data.get("symptoms", []))),
        notes=data.get("notes", ""),
        bone_medicine=data.get("bone_medicine"),
        client_payload=payload,
    )
    context = alerts.checkin_context(checkin=checkin)
    hits = rules.evaluate(context)
    if hits:
        hits = alerts.hits_unsilenced(checkin=checkin, hits=hits)
    try:
        # Inside a caller's transaction, the savepoint keeps it usable when a replay's
        # INSERT fails.
        if not hits and not transaction.get_connection().in_atomic_block:
            checkin.save(force_insert=True)
            return CheckinResult(checkin=checkin)
        with transaction.atomic():
            summary_lock(patient.pk)
            checkin.save(force_insert=True)
            fired = alerts.alerts_raise_for_checkin(checkin=checkin, context=context, hits=hits)
            return CheckinResult(checkin=checkin, alerts=fired)
    except IntegrityError:
        # The same id again: an offline replay, or a concurrent one that committed first.
        existing = (
            CheckIn.objects.select_related("entered_by").filter(pk=checkin_id).first()
            if checkin_id
            else None
        )
        if existing is None:
            raise
        if (
            existing.patient_id == patient.pk
            and existing.pain_score is None
            and data.get("pain_score") is not None
        ):
            # The rest of a check-in stored at an emergency "yes" (the app's draft id, sent
            # again with the pain, e.g. from the offline queue): it adds to that one.
            return checkin_amend(patient=patient, checkin_id=existing.pk, data=data)
        if existing.patient_id != patient.pk or existing.client_payload != payload:
            raise ReplayConflict() from None
        return CheckinResult(
            checkin=existing, alerts=list(existing.alerts.order_by("id")), replayed=True
        )


@transaction.atomic
def checkin_amend(*, patient: Patient, checkin_id, data: dict) -> CheckinResult:
    """Add the rest of a check-in to the one stored at an emergency "yes" (the app asks the
    emergency signs first and stores the check-in at once, API.md "Patient app").

    Answers only add: a sign said "yes" stays, with the alert it raised. The rules run again
    on the whole check-in; a rule that already raised an alert for it raises nothing more
    (no second alert, no second email), a sign first given now raises its alert as any
    check-in would. `data` is the whole check-in as checkin_record takes it, so a replay of
    the same body afterwards is recognised as one."""
    summary_lock(patient.pk)
    checkin = CheckIn.objects.select_for_update().get(pk=checkin_id, patient=patient)
    symptoms = sorted(set(checkin.symptoms) | set(data.get("symptoms", [])))
    checkin.pain_score = data.get("pain_score", checkin.pain_score)
    checkin.temperature_c = data.get("temperature_c", checkin.temperature_c)
    checkin.symptoms = symptoms
    checkin.notes = data.get("notes", checkin.notes)
    checkin.bone_medicine = data.get("bone_medicine", checkin.bone_medicine)
    checkin.client_payload = checkin_payload({**data, "symptoms": symptoms})
    checkin.save(
        update_fields=[
            "pain_score",
            "temperature_c",
            "symptoms",
            "notes",
            "bone_medicine",
            "client_payload",
        ]
    )
    raised = list(checkin.alerts.order_by("id"))
    already = {alert.rule for alert in raised}
    context = alerts.checkin_context(checkin=checkin)
    hits = [rule for rule in rules.evaluate(context) if rule.code not in already]
    if hits:
        silenced_before = list(checkin.silenced_rules)
        hits = alerts.hits_unsilenced(checkin=checkin, hits=hits)
        if checkin.silenced_rules != silenced_before:
            checkin.save(update_fields=["silenced_rules"])
    fired = (
        alerts.alerts_raise_for_checkin(checkin=checkin, context=context, hits=hits) if hits else []
    )
    return CheckinResult(checkin=checkin, alerts=[*raised, *fired])


# --- Alert life cycle ----------------------------------------------------------------------


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by: User) -> Alert:
    summary_lock(alert.patient_id)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.RESOLVED:
        raise AlreadyResolved("A resolved alert cannot be acknowledged.")
    if alert.status == AlertStatus.OPEN:
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by = by
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    return alert


@transaction.atomic
def alert_resolve(*, alert: Alert, by: User, note: str, confirmed: bool | None = None) -> Alert:
    summary_lock(alert.patient_id)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.RESOLVED:
        raise AlreadyResolved()
    alert.status = AlertStatus.RESOLVED
    alert.resolved_by = by
    alert.resolved_at = timezone.now()
    alert.resolution_note = note
    alert.confirmed = confirmed
    alert.callback_due_at = None
    alert.save(
        update_fields=[
            "status",
            "resolved_by",
            "resolved_at",
            "resolution_note",
            "confirmed",
            "callback_due_at",
        ]
    )
    return alert
