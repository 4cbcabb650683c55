"""The toll picture's layout (claims.admin.tollchart): pure, so tested without a page."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from claims.admin import tollchart
from claims.admin.tollchart import Mark


def day(n: int) -> datetime:
    return datetime(2024, 7, n, 12, tzinfo=UTC)


MARKS = [
    # JNIM said 50, then revised to 47: one origin, joined, the first faint.
    Mark("claim:1", "JNIM", 50, 50, day(1), live=False, claim_id=1),
    Mark("claim:2", "JNIM", 47, 47, day(10), live=True, claim_id=2),
    # CSP-DPA: "at least 84", an open end, on an open conflict.
    Mark("claim:3", "CSP-DPA", 84, None, day(5), live=True, claim_id=3, in_conflict=True),
    # The army's figure, only relayed by a wire.
    Mark("attribution:9", "Malian army", 45, 50, day(20), live=True, via="AP", claim_id=4),
    # No date at all.
    Mark("claim:5", "Witness", 2, 9, None, live=True, claim_id=5),
]


def test_each_origin_is_one_series_with_its_revisions_joined() -> None:
    chart = tollchart.chart(MARKS, (45, 47, 84))
    assert chart is not None
    series = {s.origin: s for s in chart.series}
    assert set(series) == {"JNIM", "CSP-DPA", "Malian army", "Witness"}
    jnim = series["JNIM"]
    assert [b.live for b in jnim.bars] == [False, True]  # in time order, the old one faint
    assert jnim.path.startswith("M") and " L" in jnim.path  # the revision is joined
    assert jnim.bars[0].x < jnim.bars[1].x  # later is further right
    assert series["CSP-DPA"].path.count("L") == 0  # one figure, nothing to join


def test_open_ends_relays_conflicts_and_points_are_marked() -> None:
    chart = tollchart.chart(MARKS, (45, 47, 84))
    assert chart is not None
    bars = {b.claim_id: b for s in chart.series for b in s.bars}
    csp = bars[3]
    assert csp.open_top and csp.y_high == chart.plot[1]  # runs to the top of the plot
    assert csp.in_conflict and "on an open conflict" in csp.title
    assert csp.arrow.startswith("M")
    relay = bars[4]
    assert relay.relay and not relay.point and "(via AP)" in relay.title
    assert bars[2].point  # "47": a dot
    labels = {s.origin: s.label for s in chart.series}
    assert labels["Malian army"] == "Malian army via AP"


def test_the_proposal_is_a_band_and_higher_figures_are_higher() -> None:
    chart = tollchart.chart(MARKS, (45, 47, 84))
    assert chart is not None and chart.band is not None and chart.best_y is not None
    _x, y, width, height = chart.band
    assert width > 0 and height > 0
    assert y <= chart.best_y <= y + height  # best lies within low..high
    assert chart.band_label == "toll proposal 45–84, best 47"
    bars = {b.claim_id: b for s in chart.series for b in s.bars}
    assert bars[3].y_low < bars[2].y_low  # 84 is drawn above 47 (SVG y grows downwards)


def test_undated_figures_stand_apart_and_labels_do_not_overlap() -> None:
    chart = tollchart.chart(MARKS, (45, 47, 84))
    assert chart is not None
    undated = next(s for s in chart.series if s.origin == "Witness").bars[0]
    dated = [b.x for s in chart.series for b in s.bars if b.claim_id != 5]
    assert undated.x < min(dated)
    assert chart.x_ticks[0][1] == "undated"
    ys = sorted(s.label_y for s in chart.series)
    assert all(b - a >= 15 for a, b in itertools.pairwise(ys))
    assert "Witness: 2–9, date unknown" in chart.description


def test_nothing_to_draw_gives_no_chart_and_one_figure_still_draws() -> None:
    assert tollchart.chart([]) is None
    one = tollchart.chart([MARKS[1]])
    assert one is not None and one.band is None and len(one.series) == 1
