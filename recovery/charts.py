"""Server-rendered SVG charts of a patient's check-ins: pain against the expected course, and
temperature against the team's fever threshold, for the dashboard's patient page and the
patient app's history. Only geometry is computed here; the template
dashboard/_time_chart.html draws it, so no chart library or script is needed."""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils.formats import date_format

from .models import CheckIn, Procedure

# PROTOCOL.md section 2: relief within 24-48 h, about 1.5 on average afterwards (seed 004).
EXPECTED_RELIEF_HOURS = 48
EXPECTED_PAIN_AFTER = 1.5

# SVG user units; the SVG scales to the width of its card (viewBox), so these set the aspect
# ratio and, with the CSS font size, how large the labels read.
WIDTH, HEIGHT, TEMPERATURE_HEIGHT = 960, 300, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 14, 40
# A chart spans at least this much time, so a day-old procedure is not stretched edge to edge.
MIN_SPAN = timedelta(days=7)
DAY_STEPS = (1, 2, 3, 7, 14, 28, 56, 91, 182, 365)
MAX_X_TICKS = 8


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    label: str


@dataclass
class Chart:
    id: str
    title: str
    description: str
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # polyline "x,y x,y ..." strings
    markers: list[Marker] = field(default_factory=list)
    threshold: Tick | None = None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right: int = WIDTH - RIGHT

    @property
    def bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def line(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def center_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def center_y(self) -> float:
        return (self.top + self.bottom) / 2


def procedure_start(procedure: Procedure, tz: zoneinfo.ZoneInfo) -> datetime:
    """Time windows count from the start of the procedure date in the patient's zone."""
    return datetime.combine(procedure.performed_on, time.min, tzinfo=tz)


class _Frame:
    """Maps time and value to SVG coordinates for one chart."""

    def __init__(
        self, start: datetime, end: datetime, y_min: float, y_max: float, height: int = HEIGHT
    ):
        self.start, self.end = start, end
        self.y_min, self.y_max = y_min, y_max
        self.height = height
        self.span = max((end - start).total_seconds(), 1.0)

    def x(self, at: datetime) -> float:
        share = (at - self.start).total_seconds() / self.span
        return round(LEFT + share * (WIDTH - LEFT - RIGHT), 1)

    def y(self, value: float) -> float:
        share = (value - self.y_min) / (self.y_max - self.y_min)
        return round(self.height - BOTTOM - share * (self.height - TOP - BOTTOM), 1)


def time_domain(
    checkins: Sequence[CheckIn],
    procedures: Sequence[Procedure],
    tz: zoneinfo.ZoneInfo,
    now: datetime,
) -> tuple[datetime, datetime]:
    """From the earliest procedure or check-in to now (or the last check-in if later)."""
    starts = [procedure_start(p, tz) for p in procedures] + [c.recorded_at for c in checkins]
    start = min(starts) if starts else now - MIN_SPAN
    # Begin at a local midnight so the first tick sits on the axis.
    start = datetime.combine(start.astimezone(tz).date(), time.min, tzinfo=tz)
    end = max([now, *(c.recorded_at for c in checkins)])
    return start, max(end, start + MIN_SPAN)


def _day_label(day) -> str:
    # In the active language ("5 Dec", "5 dic"): strftime would always say English.
    return date_format(day, "j M")


def _x_ticks(frame: _Frame, tz: zoneinfo.ZoneInfo) -> list[Tick]:
    first = frame.start.astimezone(tz).date()
    last = frame.end.astimezone(tz).date()
    days = (last - first).days
    step = next((s for s in DAY_STEPS if days / s <= MAX_X_TICKS), DAY_STEPS[-1])
    ticks = []
    for offset in range(0, days + 1, step):
        day = first + timedelta(days=offset)
        ticks.append(Tick(frame.x(datetime.combine(day, time.min, tzinfo=tz)), _day_label(day)))
    return ticks


def _when(at: datetime, tz: zoneinfo.ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{date_format(local, 'D')} {_day_label(local)} {local.strftime('%H:%M')}"


def pain_chart(
    *,
    checkins: Sequence[CheckIn],
    procedures: Sequence[Procedure],
    tz: zoneinfo.ZoneInfo,
    now: datetime,
) -> Chart:
    # A check-in stored at an emergency "yes" before the pain was asked has no point to draw.
    checkins = [c for c in checkins if c.pain_score is not None]
    start, end = time_domain(checkins, procedures, tz, now)
    frame = _Frame(start, end, 0, 10)
    chart = Chart(
        id="pain-chart",
        title="Pain scores against the expected course",
        description="",
        x_ticks=_x_ticks(frame, tz),
        y_ticks=[Tick(frame.y(v), str(v)) for v in range(0, 11, 2)],
        points=[
            Point(
                frame.x(c.recorded_at),
                frame.y(c.pain_score),
                f"{_when(c.recorded_at, tz)}: pain {c.pain_score} of 10",
            )
            for c in checkins
        ],
    )
    # One expected course per procedure, each running until the next procedure began.
    ordered = sorted(procedures, key=lambda p: (p.performed_on, p.pk))
    for index, procedure in enumerate(ordered):
        begin = procedure_start(procedure, tz)
        until = procedure_start(ordered[index + 1], tz) if index + 1 < len(ordered) else end
        target = min(EXPECTED_PAIN_AFTER, procedure.pre_procedure_pain)
        relief_at = min(begin + timedelta(hours=EXPECTED_RELIEF_HOURS), until)
        share = (relief_at - begin) / timedelta(hours=EXPECTED_RELIEF_HOURS)
        at_relief = procedure.pre_procedure_pain - share * (procedure.pre_procedure_pain - target)
        course = [(begin, procedure.pre_procedure_pain), (relief_at, at_relief), (until, target)]
        chart.expected.append(" ".join(f"{frame.x(t)},{frame.y(v)}" for t, v in course))
        chart.markers.append(
            Marker(frame.x(begin), f"Procedure {_day_label(procedure.performed_on)}")
        )
    if checkins:
        latest = checkins[-1]
        chart.description = (
            f"{len(checkins)} pain scores from {_day_label(checkins[0].recorded_at.astimezone(tz))}"
            f" to {_day_label(latest.recorded_at.astimezone(tz))}; latest {latest.pain_score} of"
            f" 10. Expected course: from the pre-procedure score to about {EXPECTED_PAIN_AFTER}"
            f" within {EXPECTED_RELIEF_HOURS} hours, then flat. Every score is also listed in"
            " the check-in table below."
        )
    else:
        chart.description = "No check-ins yet."
    return chart


def temperature_chart(
    *,
    checkins: Sequence[CheckIn],
    procedures: Sequence[Procedure],
    tz: zoneinfo.ZoneInfo,
    now: datetime,
    fever_threshold_c: float,
) -> Chart:
    start, end = time_domain(checkins, procedures, tz, now)
    measured = [c for c in checkins if c.temperature_c is not None]
    values = [c.temperature_c for c in measured]
    y_min = math.floor(min([36.0, *values]) - 0.5)
    y_max = math.ceil(max([39.0, fever_threshold_c + 0.5, *values]) + 0.2)
    frame = _Frame(start, end, y_min, y_max, height=TEMPERATURE_HEIGHT)
    chart = Chart(
        id="temperature-chart",
        height=TEMPERATURE_HEIGHT,
        title="Temperature",
        description="",
        x_ticks=_x_ticks(frame, tz),
        y_ticks=[Tick(frame.y(v), f"{v}°") for v in range(y_min, y_max + 1)],
        points=[
            Point(
                frame.x(c.recorded_at),
                frame.y(c.temperature_c),
                f"{_when(c.recorded_at, tz)}: {c.temperature_c:.1f} °C",
            )
            for c in measured
        ],
        threshold=Tick(frame.y(fever_threshold_c), f"fever {fever_threshold_c:.1f} °C"),
    )
    if measured:
        top = max(measured, key=lambda c: c.temperature_c)
        chart.description = (
            f"{len(measured)} temperatures; highest {top.temperature_c:.1f} °C on"
            f" {_day_label(top.recorded_at.astimezone(tz))}; fever threshold"
            f" {fever_threshold_c:.1f} °C."
        )
    else:
        chart.description = "No temperatures recorded yet."
    return chart
