"""Offsets PostgreSQL cannot store (beyond ±15:59) are still valid ISO 8601 instants: they are
converted to UTC at the boundary, never passed through to the database (found by fuzzing)."""

from datetime import UTC, timedelta

from django.utils import timezone


def test_checkin_with_a_far_offset_is_stored_as_its_utc_instant(api, patient):
    instant = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    far = instant.astimezone(timezone.get_fixed_timezone(-(16 * 60 + 6)))
    response = api(patient.user).post(
        "/api/v1/checkins/",
        {"pain_score": 2, "recorded_at": far.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    stored = patient.checkins.get()
    assert stored.recorded_at == instant
    assert stored.recorded_at.astimezone(UTC) == instant.astimezone(UTC)
