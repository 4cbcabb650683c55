"""A batch of import lines planned in memory and saved at once through ``claims.services``.

``import_lines`` returns what happened to each line: "created" (a claim), "linked" (a
source attached to a claim), "unchanged" (already there), or the reason it was refused.

Each line is planned against what the database held when the batch began and what
the lines before it in the batch add, with the services' builders; a refused line
adds nothing, and a line that needs it (a source attached to a refused claim) is
refused in turn, as if every line had been saved on its own. The batch is then
written in a few statements (``services.imported_save``). A line whose refusal only
the database can see makes that write fail: the batch is then redone line by line,
each with every check, so that the line is named and every other line still goes in.

Why a batch and not line by line: a line saved through the services one at a time
takes about 45 statements (each constraint validated by a query, the row, its
history, the event's mark); bench/import.py measured 33 lines a second that way,
against the 500 that issue 15 asks for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from claims import services
from claims.groups import normalise as group_key
from claims.models import Attribution, Claim, Event, Source
from claims.selectors import with_readable_times
from claims.services.common import remember
from claims.services.imports import Drafts

from .lines import (
    DEFAULT_KIND,
    REFUSALS,
    REFUSALS_BY_THE_DATABASE,
    LineError,
    Row,
    parse,
    parse_event_dates,
    reason,
    shown,
)
from .reader import Line

# What makes a batch's write fail as a whole (a ValidationError: a new source's name
# that is another source's alias); its lines are then redone one at a time.
BATCH_REFUSALS = (*REFUSALS_BY_THE_DATABASE, ValidationError)


class Outcome(NamedTuple):
    number: int  # the line in the file
    done: str  # "created", "linked", "unchanged" or "failed"
    error: str = ""


def import_lines(lines: Sequence[Line], *, by: Any = None) -> list[Outcome]:
    """Save the lines' claims and attributions; call inside a transaction."""
    try:
        with transaction.atomic():
            return _Batch(by, queries=False).save(lines)
    except BATCH_REFUSALS:
        outcomes = []
        for line in lines:
            try:
                with transaction.atomic():
                    outcomes += _Batch(by, queries=True).save([line])
            except REFUSALS as exc:
                outcomes.append(Outcome(line.number, "failed", reason(exc)))
        return outcomes


# Where the ranks of the claims planned in a batch start: above any id a claim has.
PLANNED = 1 << 62


@dataclass
class _Known:
    """A claim in the database or planned in this batch, as later lines look it up."""

    claim: Claim
    # Its id; for a claim planned in this batch, PLANNED and up in line order, as the
    # ids they will get (the latest claim is the default for ``claim_by``).
    rank: int

    @property
    def latest_first(self) -> tuple[bool, datetime | None, int]:
        made = self.claim.made_at
        return (made is not None, made, self.rank)


@dataclass
class _Line:
    """What one line adds, kept only if the whole line goes in."""

    event: tuple[str, Event] | None = None  # with the title as the line wrote it
    source: tuple[str, Source] | None = None  # with the name as the line wrote it
    claim: _Known | None = None
    attribution: Attribution | None = None
    attached: tuple[int, str] | None = None  # (claim's rank, source's name)


class _Batch:
    """The lines planned one after the other, then saved together."""

    def __init__(self, by: Any, *, queries: bool) -> None:
        self.by = by
        self.queries = queries  # validate with the checks that ask the database
        self.events: dict[str, Event] = {}
        self.sources: dict[str, Source] = {}
        self.claims: dict[tuple[str, str, str], list[_Known]] = defaultdict(list)
        self.attached: set[tuple[int, str]] = set()  # (claim's rank, source's name)
        self.drafts = Drafts()
        self.planned = 0

    def save(self, lines: Sequence[Line]) -> list[Outcome]:
        rows: list[Row | str] = []
        for line in lines:
            try:
                rows.append(parse(line.fields) if line.fields is not None else line.error)
            except LineError as exc:
                rows.append(str(exc))
        self.load([row for row in rows if isinstance(row, Row)])
        outcomes = []
        for line, row in zip(lines, rows, strict=True):
            if isinstance(row, str):
                outcomes.append(Outcome(line.number, "failed", row))
                continue
            try:
                outcomes.append(Outcome(line.number, self.plan(row)))
            except REFUSALS as exc:
                outcomes.append(Outcome(line.number, "failed", reason(exc)))
        services.imported_save(by=None, drafts=self.drafts)
        return outcomes

    # --- What the database holds -----------------------------------------------------------
    def load(self, rows: list[Row]) -> None:
        """The batch's events and sources by name, their claims and who is attached."""
        titles = {row.fields["event"] for row in rows}
        names = {row.fields[f] for row in rows for f in ("claimant", "claim_by")} - {""}
        self.events = {e.title: e for e in Event.objects.filter(title__in=titles).only("title")}
        self.sources = {s.name: s for s in Source.objects.filter(name__in=names)}
        event_titles = {e.pk: title for title, e in self.events.items()}
        source_names = {s.pk: name for name, s in self.sources.items()}
        claims = with_readable_times(
            Claim.objects.filter(event__in=event_titles, claimant__in=source_names).only(
                "event", "claimant", "measure", "group", "count_text"
            )
        )
        for claim in claims:
            claim.event = self.events[event_titles[claim.event_id]]
            claim.claimant = self.sources[source_names[claim.claimant_id]]
            self.claims[self.key(claim)].append(_Known(claim, claim.pk))
        attached = Attribution.objects.filter(
            claim__in=[c.claim.pk for known in self.claims.values() for c in known],
            source__in=source_names,
        ).values_list("claim_id", "source_id")
        self.attached = {(claim_id, source_names[source_id]) for claim_id, source_id in attached}

    # --- One line ----------------------------------------------------------------------------
    def plan(self, row: Row) -> str:
        new = _Line()
        event = self.event(row, new)
        source = self.source(row.fields["claimant"], row, new)
        if row.asserts:
            done = self.claim(row, event, source, new)
        else:
            done = self.attach(row, event, source, new)
        self.keep(new)
        return done

    def keep(self, new: _Line) -> None:
        if new.event is not None:
            title, event = new.event
            self.events[title] = self.events[event.title] = event
            self.drafts.events.append(event)
        if new.source is not None:
            name, source = new.source
            self.sources[name] = self.sources[source.name] = source
            self.drafts.sources.append(source)
        if new.claim is not None:
            self.claims[self.key(new.claim.claim)].append(new.claim)
            self.drafts.claims.append(new.claim.claim)
            self.planned += 1
        if new.attribution is not None:
            self.drafts.attributions.append(new.attribution)
        if new.attached is not None:
            self.attached.add(new.attached)

    @staticmethod
    def key(claim: Claim) -> tuple[str, str, str]:
        return (claim.event.title, claim.claimant.name, claim.measure)

    def claim(self, row: Row, event: Event, source: Source, new: _Line) -> str:
        fields = row.fields
        if not fields["count_text"]:
            raise LineError("missing count_text")
        count = services.parse_count_field(fields["count_text"])
        for known in self.claims[(event.title, source.name, row.measure)]:
            same_count = known.claim.count_text == count.phrase.strip()
            if same_count and group_key(known.claim.group) == group_key(row.group):
                return "unchanged"
        why = f"Imported from {fields['source_url'] or 'a file'}"
        claim, asserts = services.claim_build(
            event=event,
            claimant=source,
            measure=row.measure,
            group=row.group,
            count_text=fields["count_text"],
            text=fields["text"],
            made_at=row.published_at,
            url=fields["source_url"],
            quote=fields["quote"] or fields["text"],
            queries=self.queries,
        )
        remember(claim, None, why)
        self.judged(asserts, row.verification, why)
        new.claim = _Known(claim, PLANNED + self.planned)
        new.attribution = asserts
        return "created"

    def attach(self, row: Row, event: Event, source: Source, new: _Line) -> str:
        fields = row.fields
        if not fields["claim_by"]:
            raise LineError(
                f"a {row.stance} line needs claim_by: the claimant of the claim it is about"
            )
        known = self.claim_by(row, event)
        if (known.rank, source.name) in self.attached:
            return "unchanged"
        new.attached = (known.rank, source.name)
        attribution = services.attribution_build(
            claim=known.claim,
            source=source,
            stance=row.stance,
            disputes=row.disputes,
            quote=fields["quote"] or fields["text"],
            url=fields["source_url"],
            published_at=row.published_at,
            count_text=fields["count_text"],
            queries=self.queries,
        )
        why = f"Imported from {fields['source_url'] or 'a file'}"
        self.judged(attribution, row.verification, why)
        new.attribution = attribution
        return "linked"

    def claim_by(self, row: Row, event: Event) -> _Known:
        """The claim an attribution line attaches to: by count as written, else the latest."""
        fields = row.fields
        claimant = self.sources.get(fields["claim_by"])
        candidates = sorted(
            self.claims[(event.title, claimant.name, row.measure)] if claimant else [],
            key=lambda known: known.latest_first,
            reverse=True,
        )
        claims = [c for c in candidates if group_key(c.claim.group) == group_key(row.group)]
        wanted = fields["claim_count_text"]
        if wanted:
            claims = [c for c in claims if " ".join(c.claim.count_text.split()) == wanted]
        if not claims:
            which = f" with the count “{shown(wanted)}”" if wanted else ""
            raise LineError(
                f"found no claim by “{shown(fields['claim_by'])}”{which} on "
                f"“{shown(event.title)}” about {row.measure} {shown(row.group)}; "
                "import the claim first"
            )
        return claims[0]

    def judged(self, attribution: Attribution, verification: str, why: str) -> None:
        """The line's verification, given by the importing user, with "imported" as the note."""
        if verification == Attribution.Verification.UNVERIFIED:
            remember(attribution, None, why)
            return
        verdict = services.set_verification(
            attribution, by=self.by, state=verification, note="imported"
        )
        remember(attribution, self.by, f"{why}. {verdict}")

    def event(self, row: Row, new: _Line) -> Event:
        title = row.fields["event"]
        if title in self.events:
            return self.events[title]
        start, end = parse_event_dates(row.fields["event_date"])
        event = services.event_build(
            title=title, date=start, date_end=end, place=row.fields["place"], queries=self.queries
        )
        remember(event, None, "Imported")
        new.event = (title, event)
        return event

    def source(self, name: str, row: Row, new: _Line) -> Source:
        if name in self.sources:
            return self.sources[name]
        source = services.source_build(
            name=name,
            kind=row.fields["claimant_kind"] or DEFAULT_KIND,
            origin=row.fields["origin"],
            queries=self.queries,
        )
        remember(source, None, "Imported")
        new.source = (name, source)
        return source
