"""Creating and editing events, sources, claims and attributions.

Each function is one transaction: it checks the actor's permission, validates,
writes with a history record (who, why), and marks the affected events for a
conflict recheck. Admin, API, commands and tasks all call these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from claims import validation
from claims.extraction.names import name_key
from claims.groups import GroupClass
from claims.models import Attribution, Claim, Event, GroupTerm, Source, SourceAlias
from claims.selectors import with_readable_times

from .common import Actor, StaleEdit, clean_input, parse_count_field, remember, require
from .recheck import mark_for_recheck

# What each service edits, in the order the desk's forms show them (the admin reads these).
EVENT_FIELDS = (
    "title", "date", "date_end", "date_precision", "place", "region", "country", "summary",
)  # fmt: skip
SOURCE_FIELDS = ("name", "kind", "origin", "reliability", "url", "notes")
CLAIM_FIELDS = (
    "event", "claimant", "text", "measure", "group", "group_class_override", "count_text",
    "made_at",
)  # fmt: skip
GROUP_TERM_FIELDS = ("term", "group_class")
ATTRIBUTION_FIELDS = (
    "source", "stance", "disputes", "quote", "url", "archive_url", "published_at", "count_text",
)  # fmt: skip


def _only(fields: Iterable[str], allowed: tuple[str, ...], noun: str) -> None:
    """A programming error, not the user's: a caller passed a field this service never edits."""
    unknown = set(fields).difference(allowed)
    if unknown:
        raise TypeError(f"Unknown {noun} fields: {sorted(unknown)}")


def clean_group(group: str) -> str:
    group = validation.single_line(group or "")
    if not group:
        raise ValidationError({"group": "Say who was counted, e.g. “Wagner mercenaries”."})
    return group


def _full_clean(obj: Any, *, queries: bool = True) -> None:
    """Model validation: field-named messages for choices, lengths and constraints, before
    the database would refuse with a less helpful IntegrityError.

    ``queries=False`` leaves out the checks that each ask the database (that related rows
    exist, unique values, constraints: about twenty statements for a claim): a bulk write
    (``services.imports``) leaves them to the database itself, and when it refuses, redoes
    the rows one at a time with them, so the message still names the field.
    """
    relations = [f for f in obj._meta.concrete_fields if f.is_relation]
    if queries:
        # A row that refers to one built beside it (an import's new event) has no id to
        # check yet: the two are saved together, the one it refers to first.
        unsaved = [
            f.name for f in relations if f.is_cached(obj) and _unsaved(f.get_cached_value(obj))
        ]
        obj.full_clean(exclude=unsaved, validate_unique=True, validate_constraints=True)
    else:
        obj.full_clean(
            exclude=[f.name for f in relations], validate_unique=False, validate_constraints=False
        )


def _unsaved(related: Any) -> bool:
    return related is not None and related.pk is None


# --- Events ---------------------------------------------------------------------------------
@transaction.atomic
def event_create(
    *,
    by: Actor,
    title: str,
    date: date | None = None,
    reason: str = "Created",
    **fields: Any,
) -> Event:
    require(by, "claims.add_event")
    event = event_build(title=title, date=date, **fields)
    remember(event, by, reason)
    event.save()
    return event


def event_build(
    *, title: str, date: date | None = None, queries: bool = True, **fields: Any
) -> Event:
    """A new event, cleaned and validated but not saved (``event_create`` saves one, an
    import many at once; ``queries``: see ``_full_clean``)."""
    _only(fields, EVENT_FIELDS, "event")
    # One line, single spaces, no bidi controls: a title heads pages and email subjects.
    event = Event(**clean_input(title=title, date=date, **fields))
    _full_clean(event, queries=queries)
    return event


@transaction.atomic
def event_update(*, event: Event, by: Actor, reason: str = "Edited", **changes: Any) -> Event:
    require(by, "claims.change_event")
    _only(changes, EVENT_FIELDS, "event")
    changes = clean_input(**changes)  # as event_create: a title edited stays one line
    event = Event.objects.select_for_update().get(pk=event.pk)
    for name, value in changes.items():
        setattr(event, name, value)
    _full_clean(event)
    remember(event, by, reason)
    event.save()
    return event


def event_request_recheck(*, event: Event, by: Actor) -> None:
    """The "Recheck now" button: mark the event and queue its recheck after commit."""
    require(by, "claims.recheck_event")
    with transaction.atomic():
        mark_for_recheck([event.pk])


# --- Sources ---------------------------------------------------------------------------------
@transaction.atomic
def source_create(
    *,
    by: Actor,
    name: str,
    kind: str,
    origin: str = "",
    aliases: Iterable[str] = (),
    reason: str = "Created",
    **fields: Any,
) -> Source:
    """A new source, with the other names it goes by (``aliases``)."""
    require(by, "claims.add_source")
    source = source_build(name=name, kind=kind, origin=origin, **fields)
    names_not_aliases([source])
    remember(source, by, reason)
    source.save()
    _set_aliases(source, aliases, by=by, reason=reason)
    return source


def source_build(
    *, name: str, kind: str, origin: str = "", queries: bool = True, **fields: Any
) -> Source:
    """A new source, cleaned and validated but not saved; its name is not yet checked
    against other sources' aliases (``names_not_aliases``)."""
    _only(fields, SOURCE_FIELDS, "source")
    fields = clean_input(name=name, origin=origin, **fields)
    fields["origin"] = fields["origin"] or fields["name"]
    source = Source(kind=kind, **fields)
    _full_clean(source, queries=queries)
    return source


@transaction.atomic
def source_update(
    *,
    source: Source,
    by: Actor,
    reason: str = "Edited",
    aliases: Iterable[str] | None = None,
    **changes: Any,
) -> Source:
    """Edit a source. A new origin changes who is independent of whom: recheck its events.

    ``aliases``, when given, is the full list of the source's other names: the ones not
    in it are removed, each change kept in the history.
    """
    require(by, "claims.change_source")
    _only(changes, SOURCE_FIELDS, "source")
    changes = clean_input(**changes)
    source = Source.objects.select_for_update().get(pk=source.pk)
    judged_before = (source.origin, source.reliability)
    for name, value in changes.items():
        setattr(source, name, value)
    source.origin = validation.single_line(source.origin) or source.name
    _full_clean(source)
    names_not_aliases([source])
    if aliases is not None:
        _set_aliases(source, aliases, by=by, reason=reason)
    remember(source, by, reason)
    source.save()  # also when only aliases changed: the source's ETag and history move
    # The origin decides who is independent of whom; the reliability weighs in
    # credibility and in the best figure of a toll.
    if (source.origin, source.reliability) != judged_before:
        event_ids = set(Claim.objects.filter(claimant=source).values_list("event_id", flat=True))
        event_ids |= set(
            Attribution.objects.filter(source=source).values_list("claim__event_id", flat=True)
        )
        mark_for_recheck(event_ids)
    return source


def names_not_aliases(sources: Iterable[Source]) -> None:
    """Refuse a source whose name is another source's alias, in one query (an import
    checks all its new sources at once)."""
    names = {name_key(source.name): source for source in sources}
    taken = SourceAlias.objects.filter(key__in=names).select_related("source")
    problems = [
        f"“{names[alias.key].name}” is another name of the source “{alias.source.name}”: "
        "use that source, or remove the alias from it first."
        for alias in taken
        if alias.source_id != names[alias.key].pk  # its own alias, being renamed to it
    ]
    if problems:
        raise ValidationError({"name": problems})


def _set_aliases(source: Source, aliases: Iterable[str], *, by: Actor, reason: str) -> None:
    """Make the source's aliases exactly ``aliases``; refuse one that names another source."""
    wanted: dict[str, str] = {}
    for given in aliases:
        name = validation.single_line(given or "")
        key = name_key(name)
        if not key or key == name_key(source.name):
            continue  # empty, or the source's own name
        if len(name) > 200:
            raise ValidationError({"aliases": f"“{name[:40]}…” is longer than 200 characters."})
        wanted.setdefault(key, name)
    _check_aliases_free(source, wanted)
    current = {a.key: a for a in SourceAlias.objects.select_for_update().filter(source=source)}
    for key, old in current.items():
        if key not in wanted or old.name != wanted[key]:
            remember(old, by, reason)
            old.delete()
    for key, name in wanted.items():
        if key in current and current[key].name == name:
            continue
        alias = SourceAlias(source=source, name=name, key=key)
        remember(alias, by, reason)
        try:
            with transaction.atomic():
                alias.save()
        except IntegrityError as exc:  # taken by a concurrent save meanwhile
            raise ValidationError(
                {"aliases": f"“{name}” was just given to another source."}
            ) from exc


def _check_aliases_free(source: Source, wanted: dict[str, str]) -> None:
    """An alias names one source only: not another source's alias, nor its name."""
    errors = []
    taken = SourceAlias.objects.filter(key__in=wanted).exclude(source=source)
    for alias in taken.select_related("source"):
        errors.append(f"“{wanted[alias.key]}” is already an alias of “{alias.source.name}”.")
    names = (
        Source.objects.annotate(lowered=Lower("name"))
        .filter(lowered__in=[n.casefold() for n in wanted.values()] + list(wanted))
        .exclude(pk=source.pk)
    )
    for other in names:
        errors.append(f"“{other.name}” is the name of another source: use that source instead.")
    if errors:
        raise ValidationError({"aliases": errors})


# --- The group vocabulary -------------------------------------------------------------------
def _term(term: str) -> str:
    term = validation.single_line(term or "").casefold()
    if not term:
        raise ValidationError({"term": "Give the word as it appears in a group, e.g. “askaris”."})
    return term


def _recheck_groups_with(*terms: str) -> None:
    """Classes follow the vocabulary: recheck every event with a group using the word."""
    event_ids: set[int] = set()
    for term in terms:
        event_ids |= set(
            Claim.objects.filter(group__icontains=term).values_list("event_id", flat=True)
        )
    mark_for_recheck(event_ids)


@transaction.atomic
def group_term_create(
    *, by: Actor, term: str, group_class: str, reason: str = "Added"
) -> GroupTerm:
    """Teach the desk a word for a class of people ("askaris" are security forces)."""
    require(by, "claims.add_groupterm")
    word = GroupTerm(term=_term(term), group_class=group_class)
    if word.group_class == GroupClass.OTHER:
        raise ValidationError({"group_class": "Choose the class the word names."})
    _full_clean(word)
    remember(word, by, reason)
    word.save()
    _recheck_groups_with(word.term)
    return word


@transaction.atomic
def group_term_update(
    *, word: GroupTerm, by: Actor, reason: str = "Edited", **changes: Any
) -> GroupTerm:
    require(by, "claims.change_groupterm")
    _only(changes, GROUP_TERM_FIELDS, "group word")
    current = GroupTerm.objects.select_for_update().get(pk=word.pk)
    before = current.term
    if "term" in changes:
        changes["term"] = _term(changes["term"])
    for name, value in changes.items():
        setattr(current, name, value)
    _full_clean(current)
    remember(current, by, reason)
    current.save()
    _recheck_groups_with(before, current.term)
    return current


# --- Claims ---------------------------------------------------------------------------------
@transaction.atomic
def claim_create(
    *,
    by: Actor,
    event: Event,
    claimant: Source,
    measure: str,
    group: str,
    count_text: str,
    text: str = "",
    made_at: datetime | None = None,
    url: str = "",
    quote: str = "",
    group_class_override: str = "",
    reason: str = "Created",
) -> Claim:
    """A new claim with the count parsed from its phrase, and the claimant's attribution.

    The claimant's own statement is an attribution (stance "asserts") so that a
    fact-checker can verify that the claimant really said it, with its link and quote.
    """
    require(by, "claims.add_claim")
    claim, asserts = claim_build(
        event=event,
        claimant=claimant,
        measure=measure,
        group=group,
        count_text=count_text,
        text=text,
        made_at=made_at,
        url=url,
        quote=quote,
        group_class_override=group_class_override,
    )
    remember(claim, by, reason)
    claim.save()
    asserts.claim = claim  # now saved: the attribution takes its id
    _full_clean(asserts)
    remember(asserts, by, reason)
    asserts.save()
    mark_for_recheck([event.pk])
    return claim


def claim_build(
    *,
    event: Event,
    claimant: Source,
    measure: str,
    group: str,
    count_text: str,
    text: str = "",
    made_at: datetime | None = None,
    url: str = "",
    quote: str = "",
    group_class_override: str = "",
    queries: bool = True,
) -> tuple[Claim, Attribution]:
    """A new claim and its claimant's attribution, cleaned and validated, not saved.

    The attribution is validated by field only: its claim has no id until it is saved.
    """
    given = clean_input(group=group, text=text, made_at=made_at, quote=quote)
    text, made_at, quote = given["text"], given["made_at"], given["quote"]
    count = parse_count_field(count_text)
    claim = Claim(
        event=event,
        claimant=claimant,
        measure=measure,
        group=clean_group(given["group"]),
        group_class_override=group_class_override,
        count_text=count.phrase.strip(),
        count_low=count.low,
        count_high=count.high,
        count_qualifier=count.qualifier.value,
        text=text,
        made_at=made_at,
    )
    _full_clean(claim, queries=queries)
    asserts = Attribution(
        claim=claim,
        source=claimant,
        stance=Attribution.Stance.ASSERTS,
        quote=quote or text,
        url=url,
        published_at=made_at,
    )
    _full_clean(asserts, queries=False)
    return claim, asserts


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    version: int,
    by: Actor,
    reason: str = "Edited",
    **changes: Any,
) -> Claim:
    """Edit a claim's content. ``version`` is the one the editor read; a stale one is refused."""
    require(by, "claims.change_claim")
    _only(changes, CLAIM_FIELDS, "claim")
    changes = clean_input(**changes)
    current = with_readable_times(Claim.objects.select_for_update()).get(pk=claim.pk)
    if current.version != version:
        raise StaleEdit(current, version)
    old_event_id = current.event_id
    if "count_text" in changes:
        count = parse_count_field(changes.pop("count_text"))
        current.count_text = count.phrase.strip()
        current.count_low, current.count_high = count.low, count.high
        current.count_qualifier = count.qualifier.value
    if "group" in changes:
        changes["group"] = clean_group(changes["group"])
    old_claimant_id = current.claimant_id
    new_claimant = changes.get("claimant")
    if (
        new_claimant is not None
        and new_claimant.pk != old_claimant_id
        and Attribution.objects.filter(claim=current, source=new_claimant).exists()
    ):
        raise ValidationError(
            {"claimant": f"{new_claimant} is already attributed on this claim; edit that instead."}
        )
    for name, value in changes.items():
        setattr(current, name, value)
    _full_clean(current)
    current.version += 1
    remember(current, by, reason)
    current.save()
    if current.claimant_id != old_claimant_id:
        # The claimant's own statement follows the claimant.
        for asserts in Attribution.objects.filter(
            claim=current, source_id=old_claimant_id, stance=Attribution.Stance.ASSERTS
        ):
            asserts.source_id = current.claimant_id
            asserts.version += 1
            remember(asserts, by, f"Claimant changed ({reason})")
            asserts.save()
    mark_for_recheck([old_event_id, current.event_id])
    return current


# --- Attributions ---------------------------------------------------------------------------
def _attribution_count(attribution: Attribution, count_text: str) -> None:
    count_text = (count_text or "").strip()
    if not count_text:
        attribution.count_text = ""
        attribution.count_low = attribution.count_high = None
        attribution.count_qualifier = ""
        return
    count = parse_count_field(count_text)
    attribution.count_text = count.phrase.strip()
    attribution.count_low, attribution.count_high = count.low, count.high
    attribution.count_qualifier = count.qualifier.value


@transaction.atomic
def attribution_create(
    *,
    by: Actor,
    claim: Claim,
    source: Source,
    stance: str,
    quote: str = "",
    url: str = "",
    archive_url: str = "",
    published_at: datetime | None = None,
    count_text: str = "",
    disputes: str = "",
    reason: str = "Created",
) -> Attribution:
    require(by, "claims.add_attribution")
    attribution = attribution_build(
        claim=claim,
        source=source,
        stance=stance,
        quote=quote,
        url=url,
        archive_url=archive_url,
        published_at=published_at,
        count_text=count_text,
        disputes=disputes,
    )
    remember(attribution, by, reason)
    try:
        with transaction.atomic():
            attribution.save()
    except IntegrityError as exc:  # a concurrent twin got there first
        raise ValidationError(
            {"source": "This source is already attributed on this claim."}
        ) from exc
    mark_for_recheck([claim.event_id])
    return attribution


def attribution_build(
    *,
    claim: Claim,
    source: Source,
    stance: str,
    quote: str = "",
    url: str = "",
    archive_url: str = "",
    published_at: datetime | None = None,
    count_text: str = "",
    disputes: str = "",
    queries: bool = True,
) -> Attribution:
    """A new attribution, cleaned and validated, not saved (``queries``: see ``_full_clean``)."""
    given = clean_input(quote=quote, published_at=published_at)
    attribution = Attribution(
        claim=claim,
        source=source,
        stance=stance,
        disputes=disputes,
        quote=given["quote"],
        url=url,
        archive_url=archive_url,
        published_at=given["published_at"],
    )
    _attribution_count(attribution, count_text)
    _full_clean(attribution, queries=queries)
    return attribution


def _what_was_said(attribution: Attribution) -> tuple[Any, ...]:
    return (
        attribution.source_id,
        attribution.stance,
        attribution.disputes,
        attribution.quote,
        attribution.url,
        attribution.count_text,
        attribution.count_low,
        attribution.count_high,
    )


@transaction.atomic
def attribution_update(
    *,
    attribution: Attribution,
    version: int,
    by: Actor,
    reason: str = "Edited",
    **changes: Any,
) -> Attribution:
    """Edit what a source said. A changed statement must be verified again."""
    require(by, "claims.change_attribution")
    _only(changes, ATTRIBUTION_FIELDS, "attribution")
    changes = clean_input(**changes)
    current = (
        with_readable_times(Attribution.objects.select_for_update())
        .select_related("claim")
        .get(pk=attribution.pk)
    )
    if current.version != version:
        raise StaleEdit(current, version)
    # What the source said: changing any of it needs the statement verified again.
    said_before = _what_was_said(current)
    if "count_text" in changes:
        _attribution_count(current, changes.pop("count_text"))
    for name, value in changes.items():
        setattr(current, name, value)
    substantive = _what_was_said(current) != said_before
    if substantive and current.verification != Attribution.Verification.UNVERIFIED:
        current.verification = Attribution.Verification.UNVERIFIED
        current.verification_note = f"Back to unverified after an edit ({reason})."
        current.verified_by = None
        current.verified_at = None
    _full_clean(current)
    current.version += 1
    remember(current, by, reason)
    current.save()
    mark_for_recheck([current.claim.event_id])
    return current
