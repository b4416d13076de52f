"""The moment and the good request bodies the validation tests (tests/api/test_validation_*.py)
start from: each bad case changes one field of a good body."""

import datetime as dt

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def good_procedure(**changes):
    body = {
        "procedure_type": "kyphoplasty",
        "performed_on": "2026-03-08",
        "vertebral_levels": ["L1", "T12"],
        "cause": "osteoporosis",
        "pre_procedure_pain": 8,
        "height_loss_percent": 35.5,
        "fracture_date": "2026-02-20",
        "lifting_restriction_days": 7,
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def good_patient(**changes):
    body = {
        "email": "nina@patient.test",
        "first_name": "Nina",
        "last_name": "New",
        "date_of_birth": "1948-02-03",
        "timezone": "Europe/Berlin",
        "reminder_hour": 9,
        "has_osteoporosis": True,
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}
