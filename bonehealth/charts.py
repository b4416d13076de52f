"""The nurse page's bar chart of the seven indicators, drawn on the server as SVG.

Only geometry is computed here; bonehealth/_indicator_chart.html draws it. No meaning rests on
colour alone: each bar is filled with its band's pattern (hatched below 50 %, dotted from 50 to
80 %, solid above 80 %), carries its percent and band as text, and the 50 % and 80 % lines
are labelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from .selectors import IndicatorFigure

WIDTH = 960
ROW = 44
TOP, BOTTOM = 30, 36
LABEL_WIDTH = 300  # the indicator names, left of the bars
RIGHT_TEXT = 250  # percent, fraction and band, right of the longest bar

LABELS = {
    "assessed_90d": "Assessed within 90 days",
    "dxa_90d": "DXA within 90 days",
    "falls_assessed_16w": "Falls assessed within 16 weeks",
    "treatment_recommended": "Treatment recommended",
    "treatment_started_16w": "Treatment started within 16 weeks",
    "monitored_16w": "Monitored within 16 weeks",
    "on_treatment_52w": "On treatment at 52 weeks",
}
BAND_LABELS = {"below_50": "below 50 %", "50_to_80": "50–80 %", "above_80": "above 80 %", None: ""}


@dataclass(frozen=True)
class Bar:
    code: str
    label: str
    y: float
    width: float
    text_x: float
    text: str
    band: str | None


@dataclass(frozen=True)
class GuideLine:
    x: float
    label: str


@dataclass
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    guides: list[GuideLine]
    width: int = WIDTH
    left: int = LABEL_WIDTH
    top: int = TOP
    bar_height: int = ROW - 14

    @property
    def height(self) -> int:
        return TOP + ROW * len(self.bars) + BOTTOM

    @property
    def right(self) -> int:
        return WIDTH - RIGHT_TEXT

    @property
    def bottom(self) -> int:
        return TOP + ROW * len(self.bars)


def indicator_chart(figures: list[IndicatorFigure], *, period: str) -> BarChart:
    span = WIDTH - RIGHT_TEXT - LABEL_WIDTH
    bars = []
    for i, figure in enumerate(figures):
        share = 0.0 if figure.denominator == 0 else figure.numerator / figure.denominator
        if figure.percent is None:
            text = "no patients yet"
        else:
            text = (
                f"{figure.percent:.1f} % ({figure.numerator}/{figure.denominator}), "
                f"{BAND_LABELS[figure.band]}"
            )
        bars.append(
            Bar(
                code=figure.code,
                label=LABELS[figure.code],
                y=TOP + ROW * i + 7,
                width=round(span * share, 1),
                text_x=round(LABEL_WIDTH + span * share + 8, 1),
                text=text,
                band=figure.band,
            )
        )
    described = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    return BarChart(
        id="indicator-chart",
        title=f"Bone-health indicators, {period}",
        description=described,
        bars=bars,
        guides=[
            GuideLine(x=LABEL_WIDTH + span * 0.5, label="50 %"),
            GuideLine(x=LABEL_WIDTH + span * 0.8, label="80 %"),
        ],
    )
