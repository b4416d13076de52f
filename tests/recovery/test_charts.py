"""Chart geometry: the expected course of PROTOCOL.md section 2 and local-time axes."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

from recovery import charts
from recovery.models import CheckIn, Procedure

UTC_ZONE = zoneinfo.ZoneInfo("UTC")


def procedure(performed_on, pre=8, pk=1):
    return Procedure(
        pk=pk, performed_on=performed_on, pre_procedure_pain=pre, procedure_type="kyphoplasty"
    )


def checkin(at, pain=3, temperature=None):
    return CheckIn(recorded_at=at, pain_score=pain, temperature_c=temperature)


def course(line: str) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in line.split()]


def frame_for(chart, start, end):
    return charts._Frame(start, end, 0, 10)


def test_the_expected_course_falls_to_one_and_a_half_within_48_hours_then_stays():
    now = datetime(2026, 3, 20, tzinfo=UTC)
    chart = charts.pain_chart(
        checkins=[], procedures=[procedure(date(2026, 3, 10))], tz=UTC_ZONE, now=now
    )
    start = datetime(2026, 3, 10, tzinfo=UTC)
    frame = frame_for(chart, start, now)
    [line] = chart.expected
    assert course(line) == [
        (frame.x(start), frame.y(8)),
        (frame.x(start + timedelta(hours=48)), frame.y(1.5)),
        (frame.x(now), frame.y(1.5)),
    ]


def test_a_pre_procedure_score_below_the_target_stays_flat():
    now = datetime(2026, 3, 20, tzinfo=UTC)
    chart = charts.pain_chart(
        checkins=[], procedures=[procedure(date(2026, 3, 10), pre=1)], tz=UTC_ZONE, now=now
    )
    ys = {y for _, y in course(chart.expected[0])}
    assert len(ys) == 1


def test_a_new_procedure_ends_the_previous_course():
    now = datetime(2026, 3, 30, tzinfo=UTC)
    first, second = procedure(date(2026, 3, 1), pk=1), procedure(date(2026, 3, 20), pre=9, pk=2)
    chart = charts.pain_chart(checkins=[], procedures=[second, first], tz=UTC_ZONE, now=now)
    frame = frame_for(chart, datetime(2026, 3, 1, tzinfo=UTC), now)
    old, new = (course(line) for line in chart.expected)
    assert old[-1] == (frame.x(datetime(2026, 3, 20, tzinfo=UTC)), frame.y(1.5))
    assert new[0] == (frame.x(datetime(2026, 3, 20, tzinfo=UTC)), frame.y(9))
    assert [m.label for m in chart.markers] == ["Procedure 1 Mar", "Procedure 20 Mar"]


def test_a_procedure_a_day_before_the_next_is_cut_mid_relief():
    now = datetime(2026, 3, 30, tzinfo=UTC)
    first, second = procedure(date(2026, 3, 1), pk=1), procedure(date(2026, 3, 2), pk=2)
    chart = charts.pain_chart(checkins=[], procedures=[first, second], tz=UTC_ZONE, now=now)
    frame = frame_for(chart, datetime(2026, 3, 1, tzinfo=UTC), now)
    old = course(chart.expected[0])
    # Half way through the 48 hours: half way from 8 to 1.5.
    assert old[1] == (frame.x(datetime(2026, 3, 2, tzinfo=UTC)), frame.y(4.75))


def test_points_and_axis_use_the_patients_local_time():
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    now = datetime(2026, 3, 12, tzinfo=UTC)
    chart = charts.pain_chart(
        checkins=[checkin(datetime(2026, 3, 10, 20, 30, tzinfo=UTC), pain=4)],
        procedures=[procedure(date(2026, 3, 10))],
        tz=tokyo,
        now=now,
    )
    assert chart.points[0].label == "Wed 11 Mar 05:30: pain 4 of 10"
    # The axis starts at midnight of the procedure date in Tokyo.
    assert chart.x_ticks[0].label == "10 Mar"
    assert chart.x_ticks[0].pos == charts.LEFT
    assert chart.points[0].x > chart.x_ticks[1].pos  # after midnight of 11 March in Tokyo


def test_long_histories_get_a_readable_number_of_ticks():
    now = datetime(2026, 12, 1, tzinfo=UTC)
    chart = charts.pain_chart(
        checkins=[], procedures=[procedure(date(2026, 1, 1))], tz=UTC_ZONE, now=now
    )
    assert 2 <= len(chart.x_ticks) <= charts.MAX_X_TICKS + 1


def test_higher_pain_is_drawn_higher_up():
    now = datetime(2026, 3, 12, tzinfo=UTC)
    chart = charts.pain_chart(
        checkins=[
            checkin(datetime(2026, 3, 10, 9, tzinfo=UTC), pain=9),
            checkin(datetime(2026, 3, 11, 9, tzinfo=UTC), pain=1),
        ],
        procedures=[],
        tz=UTC_ZONE,
        now=now,
    )
    high, low = chart.points
    assert high.y < low.y  # SVG y grows downwards
    assert high.x < low.x


def test_the_temperature_scale_fits_every_reading_and_the_threshold():
    now = datetime(2026, 3, 12, tzinfo=UTC)
    chart = charts.temperature_chart(
        checkins=[
            checkin(datetime(2026, 3, 10, 9, tzinfo=UTC), temperature=40.8),
            checkin(datetime(2026, 3, 11, 9, tzinfo=UTC), temperature=35.1),
        ],
        procedures=[],
        tz=UTC_ZONE,
        now=now,
        fever_threshold_c=38.0,
    )
    top, bottom = chart.top, chart.bottom
    assert all(top <= p.y <= bottom for p in chart.points)
    assert top < chart.threshold.pos < bottom
    assert chart.threshold.label == "fever 38.0 °C"
