"""A picture of one toll: each origin's figures over publication time, and the proposal.

Pure Python, no Django: ``chart(marks, band)`` lays out an SVG that the event page's
template draws (``admin/claims/includes/toll_chart.html``), so it works without
JavaScript. Each figure is a vertical interval at the time it was published: a bar
from its low to its high, a dot when both are equal, an open bar running to the top
with an arrow when it has no upper bound ("at least 47"). One origin's figures are
joined in time order (its revisions); the ones it no longer stands by are drawn
faint; a relay is dashed and labelled "via <outlet>"; a figure on an open conflict
wears a warning mark. The toll proposal is a band from low to high with a line at
best. Figures without a date stand in a column of their own on the left.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

WIDTH, HEIGHT = 760, 300
LEFT, TOP, BOTTOM_GAP, LABELS = 52, 18, 40, 190  # margins; LABELS: the names' column
UNDATED_GAP = 56  # the undated column's width
COLOURS = 8  # classes vf-o0 .. vf-o7 in desk.css (a palette that reads when colour-blind)


@dataclass(frozen=True)
class Mark:
    """One figure: who, how many, when, and whether its origin still stands by it."""

    key: str
    origin: str
    low: int
    high: int | None  # None: no upper bound
    published_at: datetime | None
    live: bool
    via: str = ""
    claim_id: int | None = None
    in_conflict: bool = False


@dataclass
class Bar:
    """One figure, drawn: a bar from low to high (or a dot), with its tooltip."""

    x: float
    y_low: float
    y_high: float
    open_top: bool  # no upper bound: the bar runs to the top, with an arrow
    point: bool  # low == high: drawn as a dot
    live: bool
    relay: bool
    in_conflict: bool
    title: str
    claim_id: int | None

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (round(self.x - 3, 1), round(self.y_high, 1), 6.0,
                round(max(self.y_low - self.y_high, 2), 1))  # fmt: skip

    @property
    def arrow(self) -> str:
        x, top = self.x, self.y_high
        return f"M{x - 6:.1f},{top + 8:.1f} L{x:.1f},{top:.1f} L{x + 6:.1f},{top + 8:.1f}"


@dataclass
class Series:
    """One origin: its figures in time order, the line joining them, its label."""

    origin: str
    colour: int
    bars: list[Bar] = field(default_factory=list)
    path: str = ""  # the joins between its figures, in time order
    label: str = ""
    label_y: float = 0.0
    anchor: tuple[float, float] = (0.0, 0.0)  # where the label's leader line starts


@dataclass
class Chart:
    """Everything the template draws, in the SVG's own units."""

    width: int
    height: int
    plot: tuple[float, float, float, float]  # left, top, right, bottom
    series: list[Series]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    band: tuple[float, float, float, float] | None  # the proposal's rect: x, y, width, height
    best_y: float | None
    band_label: str
    label_x: float
    description: str


def nice_top(value: float) -> int:
    """A round number a little above ``value``, for the top of the scale."""
    value = max(value * 1.15, 5)
    step = 10 ** math.floor(math.log10(value))
    return (
        int(math.ceil(value / step) * step)
        if value / step > 2
        else int(math.ceil(value / (step / 5)) * step / 5)
    )


def describe(mark: Mark) -> str:
    figure = (
        f"at least {mark.low}"
        if mark.high is None
        else (str(mark.low) if mark.low == mark.high else f"{mark.low}–{mark.high}")
    )
    when = mark.published_at.strftime("%-d %b %Y") if mark.published_at else "date unknown"
    who = f"{mark.origin} (via {mark.via})" if mark.via else mark.origin
    state = "" if mark.live else ", no longer its figure"
    return f"{who}: {figure}, {when}{state}" + (", on an open conflict" if mark.in_conflict else "")


class Scale:
    def __init__(self, marks: Sequence[Mark], band_top: int | None, plot: tuple[float, ...]):
        self.left, self.top, self.right, self.bottom = plot
        values = [m.high if m.high is not None else m.low for m in marks] + [band_top or 0]
        self.y_max = nice_top(max(values))
        dated = [m.published_at for m in marks if m.published_at is not None]
        self.start = min(dated) if dated else None
        self.end = max(dated) if dated else None
        self.undated = any(m.published_at is None for m in marks)
        self.x0 = self.left + (UNDATED_GAP if self.undated else 16)

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * min(value, self.y_max) / self.y_max

    def x(self, moment: datetime | None) -> float:
        if moment is None:
            return self.left + UNDATED_GAP / 2
        if self.start is None or self.end is None or self.end == self.start:
            return (self.x0 + self.right) / 2
        span = (self.end - self.start).total_seconds()
        share = (moment - self.start).total_seconds() / span
        return self.x0 + (self.right - 16 - self.x0) * share

    def y_ticks(self) -> list[tuple[float, str]]:
        step = self.y_max / 4
        return [(round(self.y(step * i), 1), f"{round(step * i):,}") for i in range(5)]

    def x_ticks(self) -> list[tuple[float, str]]:
        ticks = [(self.left + UNDATED_GAP / 2, "undated")] if self.undated else []
        if self.start is None or self.end is None:
            return ticks
        moments = (
            [self.start]
            if self.start == self.end
            else [self.start + (self.end - self.start) * i / 3 for i in range(4)]
        )
        return ticks + [(round(self.x(m), 1), m.strftime("%-d %b %Y")) for m in moments]


def spread(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label positions near ``wanted`` (sorted), at least ``gap`` apart, within bounds."""
    placed: list[float] = []
    for y in wanted:
        placed.append(max(y, placed[-1] + gap) if placed else max(y, low))
    overflow = placed[-1] - high if placed else 0
    if overflow > 0:  # pushed past the bottom: shift up, keeping the gaps
        placed = [max(low, y - overflow) for y in placed]
    return placed


def build_series(marks: Sequence[Mark], scale: Scale) -> list[Series]:
    by_origin: dict[str, list[Mark]] = {}
    for mark in marks:
        by_origin.setdefault(mark.origin, []).append(mark)
    series = []
    for index, (origin, own) in enumerate(sorted(by_origin.items())):
        own.sort(key=lambda m: (m.published_at is not None, m.published_at or datetime.min))
        one = Series(origin=origin, colour=index % COLOURS)
        for mark in own:
            top = scale.y(mark.high) if mark.high is not None else scale.top
            one.bars.append(Bar(
                x=scale.x(mark.published_at), y_low=scale.y(mark.low), y_high=top,
                open_top=mark.high is None, point=mark.high == mark.low, live=mark.live,
                relay=bool(mark.via), in_conflict=mark.in_conflict, title=describe(mark),
                claim_id=mark.claim_id,
            ))  # fmt: skip
        mids = [(b.x, (b.y_low + b.y_high) / 2 if not b.open_top else b.y_low) for b in one.bars]
        one.path = " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(mids)
        )
        last = own[-1]
        live = [m for m in own if m.live] or [last]
        shown = live[-1]
        one.label = shown.origin + (f" via {shown.via}" if shown.via else "")
        one.anchor = mids[own.index(shown)]
        series.append(one)
    return series


def chart(
    marks: Sequence[Mark], band: tuple[int | None, int | None, int | None] = (None, None, None)
) -> Chart | None:
    """The picture's layout, or None when there is no figure to draw."""
    if not marks:
        return None
    plot = (LEFT, TOP, WIDTH - LABELS, HEIGHT - BOTTOM_GAP)
    low, best, high = band
    scale = Scale(marks, high, plot)
    series = build_series(marks, scale)
    order = sorted(series, key=lambda s: s.anchor[1])
    for one, y in zip(
        order, spread([s.anchor[1] for s in order], 15, TOP + 4, plot[3]), strict=True
    ):
        one.label_y = round(y, 1)
    drawn_band, best_y, band_label = None, None, ""
    if low is not None and high is not None:
        top, bottom = scale.y(high), scale.y(low)
        drawn_band = (plot[0], round(top, 1), plot[2] - plot[0], round(max(bottom - top, 3), 1))
        best_y = round(scale.y(best), 1) if best is not None else None
        band_label = f"toll proposal {low:,}–{high:,}" + (
            f", best {best:,}" if best is not None else ""
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot=plot,
        series=series,
        y_ticks=scale.y_ticks(),
        x_ticks=scale.x_ticks(),
        band=drawn_band,
        best_y=best_y,
        band_label=band_label,
        label_x=plot[2] + 14,
        description="; ".join(describe(m) for m in marks)
        + (f". The {band_label}." if band_label else "."),
    )
