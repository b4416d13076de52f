"""missed_checkins: hourly, per patient time zone, idempotent, without a query per patient."""

import datetime as dt

import pytest
import time_machine

from outbox.models import Message
from recovery import services
from recovery.alerts import missed_checkins_evaluate
from recovery.models import Alert
from recovery.tasks import missed_checkins_task
from tests.factories import CheckInFactory, PatientFactory, ProcedureFactory

from .conftest import utc

PERFORMED_ON = dt.date(2026, 3, 2)


def enrolled(team, tz="UTC", performed_on=PERFORMED_ON, enrolled_at=None):
    patient = PatientFactory(team=team, timezone=tz, enrolled_at=enrolled_at or utc(2026, 2, 1))
    ProcedureFactory(patient=patient, performed_on=performed_on)
    return patient


def checked_in(patient, *local_days, hour=10):
    for day in local_days:
        local = dt.datetime.combine(day, dt.time(hour), tzinfo=patient.tz)
        CheckInFactory(patient=patient, recorded_at=local)


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return missed_checkins_evaluate()


def missed_alert(patient):
    return Alert.objects.filter(patient=patient, rule="missed_checkins").order_by("pk").last()


def day(n):
    return PERFORMED_ON + dt.timedelta(days=n)


def test_two_missed_local_days_open_one_info_alert_when_the_second_day_is_over(team):
    patient = enrolled(team)
    checked_in(patient, day(0), day(1))
    run_at(utc(2026, 3, 5, 23, 59))  # day(3) = 5 March is not over yet
    assert missed_alert(patient) is None
    run_at(utc(2026, 3, 6, 0, 0))
    alert = missed_alert(patient)
    assert (alert.severity, alert.status, alert.occurrences) == ("info", "open", 1)
    assert alert.missed_through == day(3)
    assert alert.parameters == {
        "missed_checkins_window_days": 14,
        "missed_checkins_consecutive_days": 2,
    }
    assert Message.objects.count() == 0  # info: the dashboard only


def test_running_many_times_a_day_adds_each_missed_day_once(team):
    patient = enrolled(team)
    checked_in(patient, day(0), day(1))
    for hour in range(0, 24, 3):
        run_at(utc(2026, 3, 6, hour))
    assert missed_alert(patient).occurrences == 1
    for hour in range(0, 24, 5):
        run_at(utc(2026, 3, 7, hour))
    alert = missed_alert(patient)
    assert (alert.occurrences, alert.missed_through) == (2, day(4))
    assert Alert.objects.filter(rule="missed_checkins").count() == 1


def test_a_checkin_does_not_resolve_it_and_checked_in_days_add_nothing(team):
    patient = enrolled(team)
    checked_in(patient, day(0), day(1))
    run_at(utc(2026, 3, 6, 1))
    checked_in(patient, day(4), day(5))
    run_at(utc(2026, 3, 8, 1))
    alert = missed_alert(patient)
    assert (alert.status, alert.occurrences) == ("open", 1)
    run_at(utc(2026, 3, 9, 1))  # day(6) missed: adds one, no second alert
    alert.refresh_from_db()
    assert alert.occurrences == 2


def test_a_single_missed_day_is_not_a_missed_run(team):
    patient = enrolled(team)
    checked_in(patient, day(0), day(1), day(3), day(5))
    run_at(utc(2026, 3, 8, 1))  # days 2 and 4 missed, never two in a row
    assert missed_alert(patient) is None


def test_each_patient_is_judged_in_their_own_time_zone(team):
    tokyo = enrolled(team, tz="Asia/Tokyo")  # UTC+9
    la = enrolled(team, tz="America/Los_Angeles")  # UTC-8 until 8 March 2026
    checked_in(tokyo, day(0), day(1))
    checked_in(la, day(0), day(1))
    # 15:00Z on 5 March: midnight into 6 March in Tokyo, 07:00 on 5 March in Los Angeles.
    run_at(utc(2026, 3, 5, 15))
    assert missed_alert(tokyo) is not None
    assert missed_alert(la) is None
    run_at(utc(2026, 3, 6, 7, 59))  # 23:59 on 5 March in Los Angeles
    assert missed_alert(la) is None
    run_at(utc(2026, 3, 6, 8))
    assert missed_alert(la).missed_through == day(3)


def test_a_checkin_counts_for_its_local_day_not_its_utc_day(team):
    tokyo = enrolled(team, tz="Asia/Tokyo")
    checked_in(tokyo, day(0), day(1))
    # 20:00Z on 3 March is 05:00 on 4 March in Tokyo: day(2) is missed, day(3) is not.
    CheckInFactory(patient=tokyo, recorded_at=utc(2026, 3, 3, 20))
    run_at(utc(2026, 3, 5, 15))  # day(3) = 5 March (Tokyo) just ended, missed
    assert missed_alert(tokyo) is None


def test_days_from_14_on_are_outside_the_window(team):
    patient = enrolled(team)
    checked_in(patient, *[day(n) for n in range(13)])  # days 0-12 checked in
    run_at(utc(2026, 3, 17, 1))  # days 13 and 14 missed; day 14 is outside the window
    run_at(utc(2026, 3, 18, 1))
    assert missed_alert(patient) is None


def test_the_last_two_window_days_still_count(team):
    patient = enrolled(team)
    checked_in(patient, *[day(n) for n in range(12)])  # days 0-11
    run_at(utc(2026, 3, 17, 1))  # a late run: days 12 and 13 missed, then the window ends
    alert = missed_alert(patient)
    assert (alert.occurrences, alert.missed_through) == (1, day(13))


def test_days_before_enrolment_do_not_count(team):
    patient = enrolled(team, enrolled_at=utc(2026, 3, 5, 9))
    run_at(utc(2026, 3, 6, 1))  # days 0-2 were before enrolment; day 3 alone is missed
    assert missed_alert(patient) is None
    run_at(utc(2026, 3, 7, 1))
    assert missed_alert(patient).missed_through == day(4)


def test_a_task_that_was_down_counts_the_missed_days_once(team):
    patient = enrolled(team)
    checked_in(patient, day(0))
    run_at(utc(2026, 3, 8, 1))  # days 1-5 missed: the run 1-2 opens it, 3, 4, 5 add to it
    alert = missed_alert(patient)
    assert (alert.occurrences, alert.missed_through) == (4, day(5))


def test_after_a_clinician_resolves_it_only_new_missed_days_count(team, clinician):
    patient = enrolled(team)
    checked_in(patient, day(0), day(1))
    run_at(utc(2026, 3, 6, 1))
    services.alert_resolve(alert=missed_alert(patient), by=clinician, note="Phoned: app issue.")
    run_at(utc(2026, 3, 6, 5))
    assert Alert.objects.filter(rule="missed_checkins").count() == 1  # not re-opened
    run_at(utc(2026, 3, 7, 1))  # day(4) missed: one new day only
    assert Alert.objects.filter(rule="missed_checkins").count() == 1
    run_at(utc(2026, 3, 8, 1))  # days 4 and 5 missed in a row: a new alert
    new = missed_alert(patient)
    assert (new.status, new.occurrences, new.missed_through) == ("open", 1, day(5))
    assert Alert.objects.filter(rule="missed_checkins").count() == 2


def test_only_the_latest_procedure_counts(team):
    patient = enrolled(team, performed_on=dt.date(2026, 1, 5))
    ProcedureFactory(patient=patient, performed_on=PERFORMED_ON)
    checked_in(patient, day(0), day(1), day(2), day(3))
    run_at(utc(2026, 3, 6, 1))
    assert missed_alert(patient) is None
    old = enrolled(team, performed_on=dt.date(2026, 1, 5))
    run_at(utc(2026, 3, 6, 2))
    assert missed_alert(old) is None  # long past its first 14 days


def test_team_settings_change_the_window_and_run_length(team):
    team.rule_settings = {"missed_checkins_consecutive_days": 3}
    team.save()
    patient = enrolled(team)
    checked_in(patient, day(0), day(1))
    run_at(utc(2026, 3, 6, 1))
    assert missed_alert(patient) is None
    run_at(utc(2026, 3, 7, 1))
    assert missed_alert(patient).parameters["missed_checkins_consecutive_days"] == 3


def test_the_task_runs_the_evaluation(team):
    patient = enrolled(team)
    with time_machine.travel(utc(2026, 3, 6, 1), tick=False):
        missed_checkins_task()
    assert missed_alert(patient) is not None


@pytest.mark.parametrize("patients", [1, 20])
def test_missed_checkins_uses_a_constant_number_of_queries(
    team, patients, django_assert_num_queries
):
    for n in range(patients):
        patient = enrolled(team, tz=["UTC", "Asia/Tokyo", "America/Chicago"][n % 3])
        checked_in(patient, day(0))
    # Opening: team windows, candidates, their check-ins, their alerts, one bulk insert.
    with time_machine.travel(utc(2026, 3, 7, 1), tick=False), django_assert_num_queries(5):
        missed_checkins_evaluate()
    before = dict(Alert.objects.values_list("pk", "occurrences"))
    assert len(before) == patients
    # Adding to them a day later: the same four reads, one bulk update.
    with time_machine.travel(utc(2026, 3, 8, 1), tick=False), django_assert_num_queries(5):
        missed_checkins_evaluate()
    after = dict(Alert.objects.values_list("pk", "occurrences"))
    assert after == {pk: n + 1 for pk, n in before.items()}
