"""How the recheck reads an event: claims that give the same figure become one count.

`build_inputs` gathers claims that agree on everything the rules read into one
`Count` (`claim_ids`), so that the rules run once per distinct figure. The desk must
not be able to tell: flags, sentences, sides and fingerprints come out exactly as if
each claim were its own count. `CompiledQuery` compiles the recheck's SELECTs once;
its rows must be the queryset's rows, converters applied, for any event.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims import conflicts, services
from claims.models import Claim, Event
from claims.services.compiled import CompiledQuery
from claims.services.recheck import (
    CLAIM_ROWS,
    build_inputs,
    fingerprint,
    flag_sides,
    origin_key,
)

T0 = datetime(2024, 7, 27, 12, 0, tzinfo=UTC)
ORIGINS = ["JNIM", "jnim ", "FAMa", "CSP-DPA", "Wagner"]


@st.composite
def figure(draw: st.DrawFn) -> tuple[Any, ...]:
    """What the rules read of a claim: CLAIM_COLUMNS up to the id."""
    low = draw(st.sampled_from([6, 7, 45, 50, 84]))
    return (
        draw(st.sampled_from(ORIGINS)),
        draw(st.sampled_from(["killed", "wounded"])),
        draw(st.sampled_from(["Wagner fighters", "wagner  FIGHTERS", "civilians"])),
        low,
        draw(st.sampled_from([low, low + 5, None])),
        draw(st.sampled_from([None, T0, T0 + timedelta(hours=1)])),
        draw(st.sampled_from(["", "confirmed", "false"])),
    )


@st.composite
def claim_rows(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Rows in CLAIM_COLUMNS order: a few figures, each given by several claims, with
    ids on both sides of a digit boundary ("claim:10" sorts before "claim:9")."""
    figures = draw(st.lists(figure(), min_size=1, max_size=6))
    near_boundaries = [*range(5, 15), *range(95, 105), *range(995, 1005)]
    ids = draw(st.lists(st.sampled_from(near_boundaries), max_size=30, unique=True))
    return [(*draw(st.sampled_from(figures)), id_, f"source of {id_}", "n") for id_ in ids]


def one_count_per_claim(rows: list[tuple[Any, ...]]) -> list[conflicts.Count]:
    """Each claim its own count: the rules' input before claims were grouped."""
    return [
        conflicts.Count(
            key=f"claim:{id_}",
            claim_key=f"claim:{id_}",
            origin=origin_key(origin),
            speaker=origin,
            measure=measure,
            group=group,
            low=low,
            high=high,
            published_at=made_at,
            excluded=verdict == "false",
        )
        for origin, measure, group, low, high, made_at, verdict, id_, _, _ in rows
    ]


@settings(max_examples=300, deadline=None)
@given(claim_rows(), st.data())
def test_grouped_claims_give_the_desk_exactly_what_one_count_per_claim_gives(
    rows: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    # Attributions of some claim: a verified contradiction, and a figure of their own.
    attributions = []
    if rows:
        target = data.draw(st.sampled_from(rows))[7]
        origin, other = data.draw(st.sampled_from(ORIGINS)), data.draw(st.sampled_from(ORIGINS))
        attributions = [
            (1, target, origin, "Wire", "contradicts", "", None, None, None, "verified"),
            (2, target, other, "Paper", "asserts", "60", 60, 60, None, "verified"),
        ]
    counts, denials, by_key = build_inputs(rows, attributions)
    with_figures = len(rows) + (1 if attributions else 0)  # the contradiction has none
    assert sum(len(c.keys) for c in counts) == with_figures
    attributed = [c for c in counts if c.key.startswith("attribution:")]
    grouped = conflicts.find_conflicts(counts, denials)
    alone = conflicts.find_conflicts(one_count_per_claim(rows) + attributed, denials)

    assert [(c.measure, c.group, c.explanation) for c in grouped] == [
        (c.measure, c.group, c.explanation) for c in alone
    ]
    for mine, theirs in zip(grouped, alone, strict=True):
        assert mine.keys == theirs.keys
        assert fingerprint(mine) == fingerprint(theirs)
        assert flag_sides(mine, by_key) == flag_sides(theirs, by_key)


def test_claims_that_agree_on_the_figure_become_one_count() -> None:
    rows = [
        ("JNIM", "killed", "soldiers", 50, 50, None, "", 9, "JNIM", "50"),
        ("JNIM", "killed", "soldiers", 50, 50, None, "", 10, "JNIM", "fifty"),
        ("JNIM", "killed", "soldiers", 50, 50, T0, "", 11, "JNIM", "50"),  # another time
        ("JNIM", "killed", "soldiers", 50, None, None, "", 12, "JNIM", "at least 50"),
    ]
    counts, _, _ = build_inputs(rows, [])
    by_ids = {c.claim_ids: c for c in counts}
    assert set(by_ids) == {(9, 10), (11,), (12,)}
    # Named by the key that sorts first, as the claims' own counts were ordered.
    assert by_ids[(9, 10)].key == "claim:10"
    assert by_ids[(9, 10)].keys == ("claim:9", "claim:10")


def _claims_with_times(event: Event) -> Any:
    return Claim.objects.filter(event=event).order_by().values_list("id", "made_at", "count_low")


@pytest.mark.django_db
def test_a_compiled_query_reads_any_event_as_its_queryset_would() -> None:
    who = services.source_create(by=None, name="JNIM", kind="party")
    rows_of = CompiledQuery(lambda event_id: _claims_with_times(Event(pk=event_id)))
    events = []
    for title, made_at in (("First", T0), ("Second", None)):
        event = services.event_create(by=None, title=title)
        for text in ("50", "at least 84"):
            services.claim_create(
                by=None,
                event=event,
                claimant=who,
                measure="killed",
                group="soldiers",
                count_text=text,
                made_at=made_at,
            )
        events.append(event)
    for event in events:  # the same compiled SQL, each event's own rows
        assert sorted(rows_of.rows(event.pk)) == sorted(_claims_with_times(event))
    # Datetimes come back as datetimes on every backend (SQLite needs its converter).
    assert {made_at for _, made_at, _ in rows_of.rows(events[0].pk)} == {T0}
    assert rows_of.rows(10**9) == []


def test_a_compiled_query_must_filter_on_the_event() -> None:
    unfiltered = CompiledQuery(lambda event_id: Claim.objects.order_by().values_list("id"))
    with pytest.raises(ValueError, match="does not filter on the event id"):
        unfiltered.rows(1)


@pytest.mark.django_db
def test_the_recheck_reads_claims_with_the_compiled_query() -> None:
    event = services.event_create(by=None, title="Read")
    who = services.source_create(by=None, name="FAMa", kind="party")
    services.claim_create(
        by=None, event=event, claimant=who, measure="killed", group="g", count_text="6"
    )
    assert CLAIM_ROWS.rows(event.pk) == list(CLAIM_ROWS.queryset(event.pk))
