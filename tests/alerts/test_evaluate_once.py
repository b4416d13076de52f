"""A check-in's rules run once (issue 16): checkin_record asks them before the insert, to know
whether the check-in is quiet, and a firing check-in raises its alerts from that same answer."""

import datetime as dt

import pytest

from recovery import alerts, rules

from .conftest import fired, record, utc


@pytest.fixture
def spies(monkeypatch):
    calls = {"evaluate": 0, "context": 0}
    evaluate, context = rules.evaluate, alerts.checkin_context

    def counted_evaluate(*args, **kwargs):
        calls["evaluate"] += 1
        return evaluate(*args, **kwargs)

    def counted_context(*args, **kwargs):
        calls["context"] += 1
        return context(*args, **kwargs)

    monkeypatch.setattr(rules, "evaluate", counted_evaluate)
    monkeypatch.setattr(alerts, "checkin_context", counted_context)
    return calls


def at(procedure) -> dt.datetime:
    return utc(*procedure.performed_on.timetuple()[:3]) + dt.timedelta(days=3)


def test_a_firing_checkin_evaluates_its_rules_once(procedure, spies):
    result = record(procedure.patient, at=at(procedure), pain=2, temp=39.0)
    assert fired(result) == {"fever"}
    assert spies == {"evaluate": 1, "context": 1}


def test_a_quiet_checkin_evaluates_its_rules_once(procedure, spies):
    result = record(procedure.patient, at=at(procedure), pain=2)
    assert result.alerts == []
    assert spies == {"evaluate": 1, "context": 1}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_too(procedure, spies):
    # The quiet path's autocommitted INSERT and the firing path's transaction.
    assert record(procedure.patient, at=at(procedure), pain=2).alerts == []
    later = at(procedure) + dt.timedelta(hours=1)
    assert fired(record(procedure.patient, at=later, pain=2, temp=39.0)) == {"fever"}
    assert spies == {"evaluate": 2, "context": 2}
