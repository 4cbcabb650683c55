"""Drafting an article's claims for review, and saving the ones an editor accepted.

``claims.extraction`` drafts the claims. ``article_drafts`` is what the admin "Import
article" page, the ``ingest_article`` command and the API's ingest endpoint show: the
drafts with each claimant matched to an existing source (by name or alias, see
``claims.extraction.names``) and each incident to an existing event. ``article_ingest``
saves the accepted drafts through the same services as every other write
(``event_create``, ``source_create``, ``claim_create``, ``attribution_create``), in one
transaction, so history is kept and the conflict recheck runs after commit.

Sources: a draft names the existing source it was matched to (``source_id``, which the
editor can change); without one, its claimant is matched by name or alias, ignoring
case, articles and a description ("the Al Qaeda-linked group JNIM" is JNIM), and a
new source is created only when nothing matches. So one body stays one origin and its
own statements never look like independent corroboration.

Within one draft event:
- an "asserts" draft is a claim. When the event already has that claim (same
  claimant, measure, group and interval) it is not created twice: the article is
  linked to it as another attribution (the publisher relaying it);
- "corroborates", "contradicts" and "relays" drafts are attributions on the last
  claim before them with the same measure (the same group preferred): the claim
  they confirm, deny or report. A corroboration with no claim to attach to is a
  claim of its own; a denial or a relay without one is refused with a message. A
  contradiction carries what it disputes (the toll, the event, the perpetrator);
- a source already attributed on the claim adds nothing (reported in ``skipped``).

Anything refused raises before or during the writes; the transaction then rolls
back, so a failed import changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from claims import validation
from claims.extraction import ArticleDraft, ClaimDraft, EventDraft, extract_article
from claims.extraction.names import name_keys
from claims.groups import normalise as group_key
from claims.models import Attribution, Claim, Event, Source, SourceAlias

from .common import Actor, clean_input, parse_count_field, require
from .editing import attribution_create, claim_create, event_create, source_create

__all__ = [
    "ArticlePreview",
    "IngestResult",
    "article_drafts",
    "article_ingest",
    "find_sources",
    "match_sources",
    "propose_events",
]

ATTACHED = {"corroborates", "contradicts", "relays"}


@dataclass(slots=True)
class IngestResult:
    events: list[Event] = field(default_factory=list)
    events_created: list[Event] = field(default_factory=list)
    claims_created: list[Claim] = field(default_factory=list)
    claims_linked: list[Claim] = field(default_factory=list)  # already there: linked again
    attributions_created: list[Attribution] = field(default_factory=list)
    sources_created: list[Source] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{len(self.claims_created)} new claim(s)",
            f"{len(self.attributions_created)} new attribution(s)",
        ]
        if self.claims_linked:
            parts.append(f"{len(self.claims_linked)} existing claim(s) linked")
        if self.events_created:
            parts.append(f"{len(self.events_created)} new event(s)")
        if self.sources_created:
            parts.append(f"{len(self.sources_created)} new source(s)")
        return ", ".join(parts)


@dataclass(slots=True)
class ArticlePreview:
    """What an editor reviews: the drafts, an existing event per incident, matched sources."""

    article: ArticleDraft
    events: list[Event | None]
    sources: dict[int, Source]  # by id: the existing sources the drafts are matched to


def article_drafts(text: str, *, publisher: str, published: datetime) -> ArticlePreview:
    """The drafts of an article as every interface shows them. Saves nothing.

    Raises ``claims.extraction.ArticleError`` for text that cannot be read as an article,
    and ValidationError for a publication time out of range (dates in the text are read
    from it: year 9999 overflowed the reading of "on Thursday").
    """
    given = clean_input(publisher=publisher, published=published)
    publisher, published = given["publisher"], given["published"]
    article = extract_article(text, publisher=publisher, published=published)
    sources = match_sources(article)
    return ArticlePreview(article, propose_events(article), sources)


def find_sources(names: Iterable[str]) -> dict[str, Source]:
    """The existing source each name means, by name or alias (two queries for all).

    The very name first ("Local official (anonymous)"), then its other keys: without an
    article or a description, its acronym ("the Al Qaeda-linked group JNIM" is "jnim").
    """
    keys_of = {name: name_keys(name) for name in dict.fromkeys(names)}
    exact_of = {name: validation.single_line(name).casefold() for name in keys_of}
    keys = {k for ks in keys_of.values() for k in ks}
    if not keys:
        return {}
    # A stored name may keep its article: "The Sun Daily".
    lowered = keys | set(exact_of.values()) | {f"the {k}" for k in keys}
    exact: dict[str, Source] = {}
    by_key: dict[str, Source] = {}
    for source in Source.objects.annotate(lowered=Lower("name")).filter(lowered__in=lowered):
        exact[source.lowered] = source  # type: ignore[attr-defined]
        for key in name_keys(source.name):
            by_key.setdefault(key, source)
    for alias in SourceAlias.objects.filter(key__in=keys).select_related("source"):
        by_key.setdefault(alias.key, alias.source)
    found = {}
    for name, ks in keys_of.items():
        match = exact.get(exact_of[name]) or next((by_key[k] for k in ks if k in by_key), None)
        if match is not None:
            found[name] = match
    return found


def match_sources(article: ArticleDraft) -> dict[int, Source]:
    """Set each draft's ``source_id`` to the existing source its claimant names, if any."""
    drafts = [c for e in article.events for c in e.claims]
    found = find_sources(d.claimant for d in drafts)
    for d in drafts:
        source = found.get(d.claimant)
        d.source_id = source.pk if source is not None else None
    return {s.pk: s for s in found.values()}


def propose_events(article: ArticleDraft) -> list[Event | None]:
    """An existing event for each draft event when one matches, else None (create it).

    A match is the same title, or the same day in the same region (or country, when
    the draft has no region). One query per draft event.
    """
    proposals: list[Event | None] = []
    for draft in article.events:
        match = Q(title__iexact=draft.title)
        if draft.date is not None and (draft.region or draft.country):
            place = (
                Q(region__iexact=draft.region) if draft.region else Q(country__iexact=draft.country)
            )
            near = Q(date__range=(draft.date - timedelta(days=1), draft.date + timedelta(days=1)))
            match |= near & place
        proposals.append(Event.objects.filter(match).order_by("-date", "pk").first())
    return proposals


def _label(draft: ClaimDraft) -> str:
    figure = f"“{draft.count_text}” " if draft.count_text else ""
    return f"{draft.claimant} ({draft.stance}) {figure}{draft.group}"


def _plan(event: EventDraft) -> list[int | None]:
    """For each draft, the index of the claim draft it attaches to (None: it is a claim)."""
    plan: list[int | None] = []
    claims: list[int] = []
    errors: list[str] = []
    for i, draft in enumerate(event.claims):
        target: int | None = None
        if draft.stance in ATTACHED:
            same_measure = [j for j in claims if event.claims[j].measure == draft.measure]
            key = group_key(draft.group)
            same_group = [j for j in same_measure if group_key(event.claims[j].group) == key]
            candidates = same_group or same_measure
            target = candidates[-1] if candidates else None
            if target is None and draft.stance != "corroborates":
                errors.append(
                    f"{_label(draft)}: no accepted claim about {draft.measure} "
                    f"{draft.group} comes before it in “{event.title}” for it to "
                    f"{_VERB[draft.stance]}. Accept that claim too, or make this one “asserts”."
                )
        # A corroboration with nothing to corroborate is the source's own claim.
        plan.append(target)
        if target is None:
            claims.append(i)
    if errors:
        raise ValidationError(errors)
    return plan


_VERB = {"corroborates": "corroborate", "contradicts": "contradict", "relays": "relay"}


class _Sources:
    """The source of each draft: the one chosen, else matched by name or alias, else new."""

    def __init__(self, by: Actor, result: IngestResult, reason: str) -> None:
        self.by, self.result, self.reason = by, result, reason
        self.cache: dict[str, Source] = {}

    def of(self, draft: ClaimDraft) -> Source:
        if draft.source_id is not None:
            source = Source.objects.filter(pk=draft.source_id).first()
            if source is None:
                raise ValidationError(f"Source #{draft.source_id} does not exist (any more).")
            return source
        return self.get(draft.claimant, draft.claimant_kind)

    def get(self, name: str, kind: str) -> Source:
        name = validation.single_line(name)
        key = name.casefold()
        if key not in self.cache:
            source = find_sources([name]).get(name)
            if source is None:
                source = source_create(by=self.by, name=name, kind=kind, reason=self.reason)
                self.result.sources_created.append(source)
            self.cache[key] = source
        return self.cache[key]


def _event_for(
    draft: EventDraft, chosen: Event | None, *, by: Actor, result: IngestResult, reason: str
) -> Event:
    if chosen is not None:
        return chosen
    existing = Event.objects.filter(title__iexact=validation.single_line(draft.title)).first()
    if existing is not None:
        return existing
    event = event_create(
        by=by,
        title=draft.title,
        date=draft.date,
        date_end=draft.date_end,
        date_precision=Event.DatePrecision.DAY if draft.date else Event.DatePrecision.UNKNOWN,
        place=draft.place,
        region=draft.region,
        country=draft.country,
        reason=reason,
    )
    result.events_created.append(event)
    return event


def _duplicate(event: Event, claimant: Source, draft: ClaimDraft) -> Claim | None:
    """The event's claim with this claimant, measure, group and interval, if any."""
    count = parse_count_field(draft.count_text)
    candidates = Claim.objects.filter(
        event=event,
        claimant=claimant,
        measure=draft.measure,
        count_low=count.low,
        count_high=count.high,
    ).order_by("pk")
    key = group_key(draft.group)
    return next((c for c in candidates if group_key(c.group) == key), None)


@transaction.atomic
def article_ingest(
    *,
    by: Actor,
    article: ArticleDraft,
    publisher: str,
    url: str = "",
    published_at: datetime | None = None,
    events: Sequence[Event | None] = (),
    reason: str = "Imported from an article",
) -> IngestResult:
    """Save an article's accepted drafts; ``events[i]`` is the existing event for draft i.

    A draft event without an existing event is matched by title, else created.
    Raises PermissionDenied or ValidationError (messages name the draft); then nothing
    is saved.
    """
    require(by, "claims.add_claim")
    given = clean_input(publisher=publisher, published_at=published_at)
    publisher, published_at = given["publisher"], given["published_at"]
    if not publisher:
        raise ValidationError({"publisher": "Say who published the article."})
    plans = [_plan(e) for e in article.events]  # refuse bad links before writing anything
    result = IngestResult()
    sources = _Sources(by, result, reason)
    publisher_source = sources.get(publisher, Source.Kind.NEWS_OUTLET)
    for index, (draft_event, plan) in enumerate(zip(article.events, plans, strict=True)):
        if not draft_event.claims:
            continue
        chosen = events[index] if index < len(events) else None
        event = _event_for(draft_event, chosen, by=by, result=result, reason=reason)
        result.events.append(event)
        saved: dict[int, Claim] = {}
        for i, (draft, target) in enumerate(zip(draft_event.claims, plan, strict=True)):
            mine = draft.source_id is None and draft.claimant.casefold() == publisher.casefold()
            source = publisher_source if mine else None
            try:
                source = source or sources.of(draft)
                if target is None:
                    saved[i] = _save_claim(
                        draft, event, source, publisher_source, url=url,
                        published_at=published_at, by=by, result=result, reason=reason,
                    )  # fmt: skip
                else:
                    _attach(
                        saved[target], source, draft.stance, draft, url=url,
                        published_at=published_at, by=by, result=result, reason=reason,
                    )  # fmt: skip
            except ValidationError as exc:
                raise ValidationError([f"{_label(draft)}: {m}" for m in exc.messages]) from exc
    return result


def _save_claim(
    draft: ClaimDraft,
    event: Event,
    source: Source,
    publisher: Source,
    *,
    url: str,
    published_at: datetime | None,
    by: Actor,
    result: IngestResult,
    reason: str,
) -> Claim:
    existing = _duplicate(event, source, draft)
    if existing is None:
        claim = claim_create(
            by=by, event=event, claimant=source, measure=draft.measure, group=draft.group,
            count_text=draft.count_text, text=draft.quote, made_at=published_at, url=url,
            quote=draft.quote, reason=reason,
        )  # fmt: skip
        result.claims_created.append(claim)
        return claim
    result.claims_linked.append(existing)
    # The same claim reported again: this article is another attribution of it.
    if source != publisher:
        _attach(
            existing, publisher, "relays", draft, url=url, published_at=published_at, by=by,
            result=result, reason=reason,
        )  # fmt: skip
    return existing


def _attach(
    claim: Claim,
    source: Source,
    stance: str,
    draft: ClaimDraft,
    *,
    url: str,
    published_at: datetime | None,
    by: Actor,
    result: IngestResult,
    reason: str,
) -> None:
    if claim.claimant_id == source.pk or claim.attributions.filter(source=source).exists():
        result.skipped.append(f"{source.name} is already attributed on claim #{claim.pk}.")
        return
    # A contradiction says what it disputes; one with a figure disputes the toll.
    disputes = draft.disputes if stance == "contradicts" else ""
    if stance == "contradicts" and not disputes and draft.count_text:
        disputes = "toll"
    attribution = attribution_create(
        by=by, claim=claim, source=source, stance=stance, quote=draft.quote, url=url,
        published_at=published_at, count_text=draft.count_text, disputes=disputes,
        reason=reason,
    )  # fmt: skip
    result.attributions_created.append(attribution)
