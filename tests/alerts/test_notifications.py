"""Care-team email: the first one at once, re-sends while unacknowledged, the warnings digest."""

import datetime as dt
from unittest.mock import patch

import pytest
import time_machine

from notifications import services as notify
from notifications.models import AlertNotification, WarningDigest
from outbox.models import Message
from outbox.tasks import messages_send_task
from recovery import services
from recovery.models import Alert
from tests.factories import ClinicianFactory, PatientFactory, ProcedureFactory

from .conftest import record, utc

T0 = utc(2026, 3, 10, 12)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def operated(patient):
    ProcedureFactory(patient=patient, performed_on=dt.date(2026, 3, 2), pre_procedure_pain=8)
    return patient


@pytest.fixture
def team_clinicians(clinician, second_clinician):
    return [clinician, second_clinician]


def alert_emails():
    return Message.objects.filter(category__startswith="alert-").order_by("pk")


# --- the first email -------------------------------------------------------------------------


def test_urgent_checkin_queues_one_email_per_team_clinician_and_wakes_after_commit(
    operated, team_clinicians, other_clinician, django_capture_on_commit_callbacks
):
    with patch.object(messages_send_task, "delay") as wake:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            record(operated, at=T0, pain=2, temp=38.6)
        # The rows exist inside the transaction; nothing reached the broker yet.
        assert alert_emails().count() == 2
        assert wake.call_count == 0
        for callback in callbacks:
            callback()
    assert sum(len(call.args[0]) for call in wake.call_args_list) == 2  # one batch
    assert sorted(alert_emails().values_list("to", flat=True)) == [
        "alice@clinic.test",
        "erin@clinic.test",
    ]
    assert all(alert_emails().values_list("urgent", flat=True))
    alert = Alert.objects.get()
    assert alert.notified_at is not None
    assert alert.next_escalation_at == alert.notified_at + dt.timedelta(minutes=60)
    assert AlertNotification.objects.filter(alert=alert, round=0).count() == 2


def test_one_checkin_sends_one_email_naming_every_sign_and_nothing_else_clinical(
    operated, clinician
):
    # Issue 24: a check-in that fires an urgent and an emergency rule is one email per
    # clinician at the highest severity, naming both signs by their short names (it was one
    # email per alert, with no sign).
    with time_machine.travel(T0, tick=False):
        record(operated, at=T0, pain=2, temp=38.6, symptoms=["chest_pain"])
    [email] = alert_emails()
    assert email.category == "alert-emergency"
    assert email.subject == "EMERGENCY: Embolism signs, Fever or chills (BS)"
    everything = email.subject + email.body_text + email.body_html
    assert "Signs: Embolism signs, Fever or chills" in email.body_text
    assert f"http://testserver/dashboard/patients/{operated.pk}/" in email.body_text
    assert f'href="http://testserver/dashboard/patients/{operated.pk}/"' in email.body_html
    for detail in ("Bob", "Stone", "bob@", "38.6", "chest", "breath", "pain"):
        assert detail.lower() not in everything.lower()
    # Both alerts point at the one email, and keep the emergency's rhythm of re-sends.
    assert AlertNotification.objects.filter(email=email).count() == 2
    assert {a.next_escalation_at - a.notified_at for a in Alert.objects.all()} == {
        dt.timedelta(minutes=15)
    }


def test_warning_and_info_alerts_send_no_email(operated, clinician):
    record(operated, at=T0, pain=2, symptoms=["site_redness"])
    assert Message.objects.filter(category__startswith="alert-").count() == 0
    assert Alert.objects.get().next_escalation_at is None


def test_an_alert_firing_again_sends_no_new_email(operated, clinician):
    record(operated, at=T0, pain=2, temp=38.6)
    record(operated, at=T0 + MINUTE, pain=2, temp=38.9)
    assert alert_emails().count() == 1


def test_a_rule_firing_after_resolution_emails_again(operated, clinician):
    alert = record(operated, at=T0, pain=2, temp=38.6).alerts[0]
    services.alert_resolve(alert=alert, by=clinician, note="treated")
    record(operated, at=T0 + MINUTE, pain=2, temp=38.6)
    assert alert_emails().count() == 2


def test_a_failed_checkin_transaction_leaves_no_email(operated, clinician):
    # Fail after the email rows were written: they roll back with the check-in and alert.
    with (
        patch.object(AlertNotification.objects, "bulk_create", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        record(operated, at=T0, pain=2, temp=38.6)
    assert Message.objects.count() == 0
    assert Alert.objects.count() == 0


def test_inactive_and_other_team_clinicians_are_not_emailed(operated, clinician, other_clinician):
    ClinicianFactory(email="gone@clinic.test", teams=[operated.team], is_active=False)
    record(operated, at=T0, pain=2, temp=38.6)
    assert list(alert_emails().values_list("to", flat=True)) == ["alice@clinic.test"]


# --- escalation ------------------------------------------------------------------------------


def open_alert(patient, *, symptoms):
    with time_machine.travel(T0, tick=False):
        return record(patient, at=T0, pain=2, symptoms=symptoms).alerts[0]


def escalate_at(moment):
    with time_machine.travel(moment, tick=False):
        return notify.escalations_send()


def test_emergency_is_resent_every_15_minutes_at_most_4_times(operated, team_clinicians):
    alert = open_alert(operated, symptoms=["chest_pain"])
    assert alert_emails().count() == 2
    assert escalate_at(T0 + 14 * MINUTE) == 0
    assert escalate_at(T0 + 15 * MINUTE) == 2
    assert escalate_at(T0 + 15 * MINUTE) == 0  # the same run again sends nothing
    assert escalate_at(T0 + 29 * MINUTE) == 0
    assert escalate_at(T0 + 30 * MINUTE) == 2
    assert escalate_at(T0 + 45 * MINUTE) == 2
    assert escalate_at(T0 + 60 * MINUTE) == 2
    assert escalate_at(T0 + 75 * MINUTE) == 0  # four re-sends were the most
    assert escalate_at(T0 + 24 * 60 * MINUTE) == 0
    alert.refresh_from_db()
    assert alert.escalations_sent == 4
    assert alert.next_escalation_at is None
    assert alert_emails().count() == 2 * 5
    rounds = AlertNotification.objects.filter(alert=alert).values_list("round", flat=True)
    assert sorted(set(rounds)) == [0, 1, 2, 3, 4]
    assert "Reminder 4" in alert_emails().last().subject


def test_the_resends_of_one_checkin_are_one_email_naming_its_open_signs(operated, clinician):
    with time_machine.travel(T0, tick=False):
        record(operated, at=T0, pain=2, temp=38.6, symptoms=["leg_numbness", "chest_pain"])
    assert alert_emails().count() == 1
    assert escalate_at(T0 + 15 * MINUTE) == 1
    resend = alert_emails().last()
    assert resend.subject == (
        "Reminder 1: EMERGENCY: Embolism signs, Fever or chills, Leg numbness or weakness (BS)"
    )
    # Acknowledging the emergency leaves the urgent ones: still one email, now urgent.
    services.alert_acknowledge(alert=Alert.objects.get(rule="embolism_signs"), by=clinician)
    assert escalate_at(T0 + 30 * MINUTE) == 1
    assert alert_emails().last().subject == (
        "Reminder 2: URGENT: Fever or chills, Leg numbness or weakness (BS)"
    )
    assert AlertNotification.objects.filter(email=alert_emails().last()).count() == 2


def test_urgent_is_resent_every_60_minutes(operated, clinician):
    open_alert(operated, symptoms=["leg_numbness"])
    assert escalate_at(T0 + 59 * MINUTE) == 0
    assert escalate_at(T0 + 60 * MINUTE) == 1
    assert escalate_at(T0 + 119 * MINUTE) == 0
    assert escalate_at(T0 + 120 * MINUTE) == 1


def test_acknowledging_stops_the_resends(operated, clinician):
    alert = open_alert(operated, symptoms=["chest_pain"])
    assert escalate_at(T0 + 15 * MINUTE) == 1
    services.alert_acknowledge(alert=alert, by=clinician)
    assert escalate_at(T0 + 30 * MINUTE) == 0
    assert escalate_at(T0 + 300 * MINUTE) == 0


def test_resolving_stops_the_resends(operated, clinician):
    alert = open_alert(operated, symptoms=["leg_weakness"])
    services.alert_resolve(alert=alert, by=clinician, note="seen")
    assert escalate_at(T0 + 600 * MINUTE) == 0


def test_team_settings_change_the_resend_interval_and_count(operated, team, clinician):
    team.rule_settings = {"urgent_repeat_minutes": 10, "repeat_max": 1}
    team.save()
    operated.team.refresh_from_db()
    open_alert(operated, symptoms=["leg_numbness"])
    assert escalate_at(T0 + 10 * MINUTE) == 1
    assert escalate_at(T0 + 20 * MINUTE) == 0


def test_after_an_outage_resends_do_not_come_in_a_burst(operated, clinician):
    alert = open_alert(operated, symptoms=["chest_pain"])
    assert escalate_at(T0 + 50 * MINUTE) == 1  # three were due; one is sent
    alert.refresh_from_db()
    assert alert.next_escalation_at == T0 + 65 * MINUTE
    assert escalate_at(T0 + 51 * MINUTE) == 0


@pytest.mark.parametrize("patients", [1, 20])
def test_escalation_sweep_uses_a_constant_number_of_queries(
    team, clinician, second_clinician, patients, django_assert_num_queries
):
    for _ in range(patients):
        someone = PatientFactory(team=team)
        open_alert(someone, symptoms=["chest_pain"])
    # savepoint, due alerts (locked), memberships, emails, notifications, alerts update,
    # release savepoint
    with (
        time_machine.travel(T0 + 15 * MINUTE, tick=False),
        django_assert_num_queries(7),
    ):
        sent = notify.escalations_send()
    assert sent == 2 * patients


# --- daily digest ----------------------------------------------------------------------------


def digest_at(moment):
    with time_machine.travel(moment, tick=False):
        return notify.digests_send()


def digest_emails():
    return Message.objects.filter(category="warning-digest").order_by("pk")


@pytest.fixture
def chicago_team(team):
    team.timezone = "America/Chicago"  # UTC-6 in March before DST (8 March 2026: UTC-5)
    team.save()
    return team


def test_digest_goes_out_at_8_in_the_team_zone_once_a_day(operated, chicago_team, team_clinicians):
    record(operated, at=T0, pain=2, symptoms=["site_swelling"])
    # 2026-03-11: Chicago is on CDT (UTC-5), so 08:00 local is 13:00Z.
    assert digest_at(utc(2026, 3, 11, 12, 59)) == 0
    assert digest_at(utc(2026, 3, 11, 13, 0)) == 2
    assert digest_at(utc(2026, 3, 11, 13, 5)) == 0
    assert digest_at(utc(2026, 3, 11, 22, 0)) == 0
    assert digest_at(utc(2026, 3, 12, 13, 0)) == 2  # the next local day, still open
    assert WarningDigest.objects.filter(local_date=dt.date(2026, 3, 11)).count() == 2
    email = digest_emails().first()
    assert email.to == "alice@clinic.test"
    assert not email.urgent
    assert "BS" in email.body_text
    assert f"/dashboard/patients/{operated.pk}/" in email.body_html
    for detail in ("Bob", "Stone", "swelling", "redness", "site"):
        assert detail.lower() not in (email.subject + email.body_text + email.body_html).lower()


def test_no_digest_when_there_are_no_open_warnings(operated, chicago_team, clinician):
    record(operated, at=T0, pain=2, temp=38.5)  # urgent, not a warning
    assert digest_at(utc(2026, 3, 11, 13, 0)) == 0
    digest = WarningDigest.objects.get()
    assert (digest.alert_count, digest.email) == (0, None)


def test_a_warning_arriving_after_the_digest_hour_waits_for_tomorrow(
    operated, chicago_team, clinician
):
    assert digest_at(utc(2026, 3, 11, 13, 0)) == 0  # nothing yet: an empty digest is recorded
    record(operated, at=utc(2026, 3, 11, 15), pain=2, symptoms=["site_redness"])
    assert digest_at(utc(2026, 3, 11, 20, 0)) == 0
    assert digest_at(utc(2026, 3, 12, 13, 0)) == 1


def test_acknowledged_warnings_leave_the_digest(operated, clinician):
    alert = record(operated, at=T0, pain=2, symptoms=["site_redness"]).alerts[0]
    services.alert_acknowledge(alert=alert, by=clinician)
    assert digest_at(utc(2026, 3, 11, 8)) == 0


def test_team_digest_hour_setting(operated, team, clinician):
    team.rule_settings = {"digest_hour": 6}
    team.save()
    record(operated, at=T0, pain=2, symptoms=["site_redness"])
    assert digest_at(utc(2026, 3, 11, 5, 59)) == 0
    assert digest_at(utc(2026, 3, 11, 6, 0)) == 1


def test_digest_lists_each_patient_once_with_their_count(team, clinician):
    first = PatientFactory(team=team, first_name="Ann", last_name="Lee")
    second = PatientFactory(team=team, first_name="Carl", last_name="Moss")
    ProcedureFactory(patient=first, performed_on=dt.date(2026, 3, 2), pre_procedure_pain=8)
    record(first, at=T0, pain=5, symptoms=["site_redness"])
    record(first, at=T0 + MINUTE, pain=6)  # no_relief: a second warning
    record(second, at=T0, pain=2, symptoms=["site_redness"])
    assert digest_at(utc(2026, 3, 11, 8)) == 1
    email = digest_emails().get()
    assert "2 patients" in email.subject
    assert "AL, WARNING (2)" in email.body_text
    assert "CM, WARNING (1)" in email.body_text
