"""What the API reads and writes.

Input serializers (``*Write``) check types, choices and lengths; the services then
apply the domain's rules (count phrases, review guards, uniqueness) and their
``ValidationError`` comes back as a 400 naming the field.

Output serializers (``*Out``) declare every field for the OpenAPI schema, but render
through plain functions (``claim_data`` ...) that read attributes straight off
rows fetched with their relations. DRF's field-by-field rendering costs most of a
list request's time (the benchmark in bench/api.py measures it); a page of 50
claims with their attributions is over 2,000 fields. The schemathesis test checks
that what these functions return matches the declared schema.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from rest_framework import serializers

from claims.api.etags import etag_for
from claims.models import (
    Attribution,
    Claim,
    ConflictFlag,
    Corroboration,
    Event,
    GroupClass,
    Measure,
    Qualifier,
    Source,
)
from claims.review import TRANSITIONS, Verdict, available

AVAILABLE = {status: [t.name for t in available(status)] for status in Claim.Status.values}

# --- Rendering ------------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    """As DRF renders datetimes: ISO 8601 in UTC with a Z."""
    if value is None:
        return None
    text = value.isoformat()
    if text.endswith("+00:00"):  # what the database gives: skip the conversion
        return text[:-6] + "Z"
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def username(user: Any) -> str | None:
    return None if user is None else user.get_username()


def event_data(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "etag": etag_for(event),
        "title": event.title,
        "date": day(event.date),
        "date_end": day(event.date_end),
        "date_precision": event.date_precision,
        "place": event.place,
        "region": event.region,
        "country": event.country,
        "summary": event.summary,
        "needs_recheck_since": iso(event.needs_recheck_since),
        "last_checked_at": iso(event.last_checked_at),
        "created_at": iso(event.created_at),
        "updated_at": iso(event.updated_at),
    }


def source_data(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "etag": etag_for(source),
        "name": source.name,
        "kind": source.kind,
        "origin": source.origin,
        "reliability": source.reliability,
        "url": source.url,
        "notes": source.notes,
        # Prefetched with the page (SourceViewSet): no query per source.
        "aliases": [a.name for a in source.aliases.all()],
        "created_at": iso(source.created_at),
        "updated_at": iso(source.updated_at),
    }


# Claims and attributions are read as values() rows: a page of 50 claims with their
# attributions would otherwise build some 600 model instances, most of the request's time.
ATTRIBUTION_VALUES = (
    "id", "claim_id", "source_id", "source__name", "source__origin", "stance", "disputes",
    "quote", "url",
    "archive_url", "published_at", "count_text", "count_low", "count_high", "count_qualifier",
    "verification", "verified_by__username", "verified_at", "verification_note", "version",
    "created_at", "updated_at",
)  # fmt: skip
CLAIM_VALUES = (
    "id", "event_id", "claimant_id", "claimant__name", "claimant__origin", "text", "measure",
    "group", "group_class", "group_class_override", "count_text", "count_low", "count_high",
    "count_qualifier", "made_at", "status", "verdict", "corroboration", "credibility",
    "credibility_override", "superseded", "responsibility_disputed", "claimant__reliability",
    "assignee__username", "published_at", "version", "created_at", "updated_at",
)  # fmt: skip


def attribution_data(a: dict[str, Any]) -> dict[str, Any]:
    """An attribution from its ``ATTRIBUTION_VALUES`` row."""
    return {
        "id": a["id"],
        "etag": f'"attribution-{a["id"]}-v{a["version"]}"',
        "claim": a["claim_id"],
        "source": a["source_id"],
        "source_name": a["source__name"],
        "stance": a["stance"],
        "disputes": a["disputes"],
        "quote": a["quote"],
        "url": a["url"],
        "archive_url": a["archive_url"],
        "published_at": iso(a["published_at"]),
        "count_text": a["count_text"],
        "count_low": a["count_low"],
        "count_high": a["count_high"],
        "count_qualifier": a["count_qualifier"],
        "verification": a["verification"],
        "verified_by": a["verified_by__username"],
        "verified_at": iso(a["verified_at"]),
        "verification_note": a["verification_note"],
        "version": a["version"],
        "created_at": iso(a["created_at"]),
        "updated_at": iso(a["updated_at"]),
    }


def claim_data(claim: dict[str, Any], attributions: list[dict[str, Any]]) -> dict[str, Any]:
    """A claim from its ``CLAIM_VALUES`` row and its attributions' rows."""
    return {
        "id": claim["id"],
        "etag": f'"claim-{claim["id"]}-v{claim["version"]}"',
        "event": claim["event_id"],
        "claimant": claim["claimant_id"],
        "claimant_name": claim["claimant__name"],
        "text": claim["text"],
        "measure": claim["measure"],
        "group": claim["group"],
        "class": claim["group_class"],
        "class_set_by_hand": bool(claim["group_class_override"]),
        "count_text": claim["count_text"],
        "count_low": claim["count_low"],
        "count_high": claim["count_high"],
        "count_qualifier": claim["count_qualifier"],
        "made_at": iso(claim["made_at"]),
        "status": claim["status"],
        "verdict": claim["verdict"],
        "corroboration": claim["corroboration"],
        "credibility": claim["credibility_override"] or claim["credibility"],
        "credibility_proposed": claim["credibility"],
        "admiralty": f"{claim['claimant__reliability']}"
        f"{claim['credibility_override'] or claim['credibility']}",
        "superseded": claim["superseded"],
        "responsibility_disputed": claim["responsibility_disputed"],
        "available_transitions": AVAILABLE[claim["status"]],
        "assignee": claim["assignee__username"],
        "published_at": iso(claim["published_at"]),
        "version": claim["version"],
        "created_at": iso(claim["created_at"]),
        "updated_at": iso(claim["updated_at"]),
        "attributions": [attribution_data(a) for a in attributions],
    }


def flag_data(flag: ConflictFlag) -> dict[str, Any]:
    """Needs ``closed_by`` selected."""
    return {
        "id": flag.pk,
        "etag": etag_for(flag),
        "event": flag.event_id,
        "measure": flag.measure,
        "group": flag.group_label,
        "group_key": flag.group,
        "class": flag.group_class,
        "status": flag.status,
        "explanation": flag.explanation,
        "sides": list(flag.sides or []),
        "opened_at": iso(flag.opened_at),
        "updated_at": iso(flag.updated_at),
        "closed_at": iso(flag.closed_at),
        "closed_by": username(flag.closed_by),
        "resolution_note": flag.resolution_note,
    }


# --- Output shapes, for the schema ----------------------------------------------------------
TRANSITION_CHOICES = [(name, t.label) for name, t in TRANSITIONS.items()]
ETAG_HELP = "Send it back in If-Match to edit this object or act on it."
ALIASES_HELP = (
    'Other names the source goes by ("Al Qaeda-linked group JNIM" for JNIM): importing an '
    "article matches claimants by name or alias. Each names one source only."
)


class _Out(serializers.Serializer):
    """Declares a response's fields for the schema; the ``*_data`` functions build it."""

    def to_representation(self, instance: Any) -> Any:  # pragma: no cover
        raise NotImplementedError("Render with the *_data functions in this module.")

    def create(self, validated_data: Any) -> Any:  # pragma: no cover - never written
        raise NotImplementedError

    def update(self, instance: Any, validated_data: Any) -> Any:  # pragma: no cover
        raise NotImplementedError


def _nullable_datetime(help_text: str = "") -> serializers.DateTimeField:
    return serializers.DateTimeField(allow_null=True, read_only=True, help_text=help_text)


class EventOut(_Out):
    """An incident."""

    id = serializers.IntegerField(read_only=True)
    etag = serializers.CharField(read_only=True, help_text=ETAG_HELP)
    title = serializers.CharField(read_only=True)
    date = serializers.DateField(allow_null=True, read_only=True)
    date_end = serializers.DateField(allow_null=True, read_only=True)
    date_precision = serializers.ChoiceField(Event.DatePrecision.choices, read_only=True)
    place = serializers.CharField(read_only=True)
    region = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    needs_recheck_since = _nullable_datetime(
        "Set while a change waits for the conflict recheck; empty once it has run."
    )
    last_checked_at = _nullable_datetime()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class SourceOut(_Out):
    """Who speaks or publishes."""

    id = serializers.IntegerField(read_only=True)
    etag = serializers.CharField(read_only=True, help_text=ETAG_HELP)
    name = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(Source.Kind.choices, read_only=True)
    origin = serializers.CharField(read_only=True)
    reliability = serializers.ChoiceField(Source.Reliability.choices, read_only=True)
    url = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    aliases = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=ALIASES_HELP
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class AttributionOut(_Out):
    """A source's part in a claim, and its verification."""

    id = serializers.IntegerField(read_only=True)
    etag = serializers.CharField(read_only=True, help_text=ETAG_HELP)
    claim = serializers.IntegerField(read_only=True)
    source = serializers.IntegerField(read_only=True)
    source_name = serializers.CharField(read_only=True)
    stance = serializers.ChoiceField(Attribution.Stance.choices, read_only=True)
    disputes = serializers.ChoiceField(
        [("", "nothing"), *Attribution.Disputes.choices],
        read_only=True,
        help_text="For a contradiction: the toll, the event, or who carried it out.",
    )
    quote = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)
    archive_url = serializers.CharField(read_only=True)
    published_at = _nullable_datetime()
    count_text = serializers.CharField(
        read_only=True, help_text="The source's own count as written; empty when it gave none."
    )
    count_low = serializers.IntegerField(allow_null=True, read_only=True)
    count_high = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="Empty: no upper bound (or no count)."
    )
    count_qualifier = serializers.ChoiceField(
        [("", "no count"), *Qualifier.choices], read_only=True
    )
    verification = serializers.ChoiceField(Attribution.Verification.choices, read_only=True)
    verified_by = serializers.CharField(allow_null=True, read_only=True)
    verified_at = _nullable_datetime()
    verification_note = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ClaimOut(_Out):
    """One statement about one event by one claimant, with its attributions."""

    id = serializers.IntegerField(read_only=True)
    etag = serializers.CharField(read_only=True, help_text=ETAG_HELP)
    event = serializers.IntegerField(read_only=True)
    claimant = serializers.IntegerField(read_only=True)
    claimant_name = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    measure = serializers.ChoiceField(Measure.choices, read_only=True)
    group = serializers.CharField(read_only=True, help_text="Who was counted, as written.")
    # "class" is a Python keyword: declared below.
    class_set_by_hand = serializers.BooleanField(read_only=True)
    count_text = serializers.CharField(read_only=True, help_text='As written: "at least six".')
    count_low = serializers.IntegerField(read_only=True)
    count_high = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="Empty: no upper bound."
    )
    count_qualifier = serializers.ChoiceField(Qualifier.choices, read_only=True)
    made_at = _nullable_datetime()
    status = serializers.ChoiceField(Claim.Status.choices, read_only=True)
    verdict = serializers.ChoiceField(Claim.Verdict.choices, read_only=True)
    corroboration = serializers.ChoiceField(
        Corroboration.choices,
        read_only=True,
        help_text="Derived by the recheck from the event's verified sources and open "
        "conflicts (ANALYSIS.md section 5).",
    )
    credibility = serializers.IntegerField(
        read_only=True, help_text="1 to 6: an editor's rating where given, else the proposed one."
    )
    credibility_proposed = serializers.IntegerField(read_only=True)
    admiralty = serializers.CharField(
        read_only=True, help_text='The claimant\'s reliability and the credibility: "B2".'
    )
    superseded = serializers.BooleanField(
        read_only=True, help_text="The claimant's origin has given a later figure."
    )
    responsibility_disputed = serializers.BooleanField(read_only=True)
    available_transitions = serializers.ListField(
        child=serializers.ChoiceField(TRANSITION_CHOICES),
        read_only=True,
        help_text="Review steps the claim's status allows (your role may allow fewer).",
    )
    assignee = serializers.CharField(allow_null=True, read_only=True)
    published_at = _nullable_datetime()
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    attributions = AttributionOut(many=True, read_only=True)


ClaimOut._declared_fields["class"] = serializers.ChoiceField(
    GroupClass.choices, read_only=True, help_text="The counted group's class."
)


class FlagOut(_Out):
    """A conflict between counts, raised by the recheck."""

    id = serializers.IntegerField(read_only=True)
    etag = serializers.CharField(read_only=True, help_text=ETAG_HELP)
    event = serializers.IntegerField(read_only=True)
    measure = serializers.ChoiceField(Measure.choices, read_only=True)
    group = serializers.CharField(read_only=True, help_text="The counted group, as written.")
    group_key = serializers.CharField(read_only=True, help_text="The group as compared.")
    status = serializers.ChoiceField(ConflictFlag.Status.choices, read_only=True)
    explanation = serializers.CharField(read_only=True)
    sides = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text=(
            "The counts involved as the recheck saw them: speaker, source, count_text, low, "
            "high, claim_id, attribution_id."
        ),
    )
    opened_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    closed_at = _nullable_datetime()
    closed_by = serializers.CharField(allow_null=True, read_only=True)
    resolution_note = serializers.CharField(read_only=True)


# --- Input ----------------------------------------------------------------------------------
REASON_HELP = "Why, for the history (optional)."


def _reason() -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, max_length=500, write_only=True, help_text=REASON_HELP
    )


def _text(max_length: int | None = None, **kwargs: Any) -> serializers.CharField:
    """An optional free-text field: blank allowed, PUT resets it to blank."""
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length, **kwargs
    )


class EventWrite(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    date = serializers.DateField(required=False, allow_null=True, default=None)
    date_end = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Last day, if several."
    )
    date_precision = serializers.ChoiceField(
        Event.DatePrecision.choices, required=False, default=Event.DatePrecision.DAY
    )
    place = _text(300)
    region = _text(200)
    country = _text(200)
    summary = _text()
    reason = _reason()


class SourceWrite(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(Source.Kind.choices)
    origin = _text(
        200, help_text="The origin group (JNIM and its media channel are one); default: name."
    )
    reliability = serializers.ChoiceField(
        Source.Reliability.choices, required=False, default=Source.Reliability.F
    )
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=200)
    notes = _text()
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=100,
        help_text=ALIASES_HELP + " Sent, it replaces the list; left out, the list stays.",
    )
    reason = _reason()


class ClaimWrite(serializers.Serializer):
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all())
    claimant = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), help_text="The source that made the claim."
    )
    text = _text(help_text="The statement, as the claimant made it.")
    measure = serializers.ChoiceField(Measure.choices)
    group = serializers.CharField(max_length=200, help_text='Who was counted: "Wagner fighters".')
    count_text = serializers.CharField(
        max_length=200,
        help_text='The count as written ("at least six", "nearly 50", "several"); the '
        "API returns its interval as count_low, count_high and count_qualifier.",
    )
    made_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    group_class_override = serializers.ChoiceField(
        GroupClass.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Set the group's class by hand; empty: from the group's words.",
    )
    reason = _reason()


class ClaimCreate(ClaimWrite):
    url = serializers.URLField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Where the claimant said it (goes on the claimant's attribution).",
    )
    quote = _text(help_text="The claimant's words (default: the text).")


class AttributionWrite(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())
    stance = serializers.ChoiceField(Attribution.Stance.choices)
    disputes = serializers.ChoiceField(
        Attribution.Disputes.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="For a contradiction: toll, event or perpetrator (required without a figure).",
    )
    quote = _text()
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    archive_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    count_text = _text(200, help_text="The source's own count as written, if it gave one.")
    reason = _reason()


class AttributionCreate(AttributionWrite):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())


class TransitionWrite(serializers.Serializer):
    action = serializers.ChoiceField(
        TRANSITION_CHOICES,
        help_text="start_review, give_verdict (editors), publish (editors), reopen (editors).",
    )
    verdict = serializers.ChoiceField(
        [v.value for v in Verdict], required=False, help_text="For give_verdict."
    )
    override_reason = _text(
        help_text="To publish over an open conflict flag: why (kept in the history)."
    )
    note = _text()


class AssignWrite(serializers.Serializer):
    assignee = serializers.CharField(
        allow_null=True, max_length=150, help_text="A username, or null to unassign."
    )


class NoteWrite(serializers.Serializer):
    note = _text(help_text="What you checked (link, quote, archive).")


class RejectWrite(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, help_text="Why the attribution is rejected.")


class ReasonWrite(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why the flag is closed.")


class ErrorOut(serializers.Serializer):
    """Every error under /api/."""

    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField(help_text="What went wrong, for a program.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For 400: the messages for each field named in the request.",
    )


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


_TEXT = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_AGENT = _object(
    ["@type", "name"], **{"@type": {"enum": ["Organization", "Person"]}}, name=_TEXT, url=_TEXT
)
CLAIM_REVIEW_SCHEMA = _object(
    [
        "@context",
        "@type",
        "url",
        "claimReviewed",
        "datePublished",
        "author",
        "reviewRating",
        "itemReviewed",
    ],
    **{"@context": _TEXT, "@type": {"enum": ["ClaimReview"]}},
    url={"type": "string", "format": "uri"},
    claimReviewed={"type": "string", "maxLength": 74},
    datePublished=_DATE,
    author=_AGENT,
    reviewRating=_object(
        ["@type", "ratingValue", "worstRating", "bestRating", "alternateName"],
        **{"@type": {"enum": ["Rating"]}},
        ratingValue={"type": "integer", "minimum": 1, "maximum": 5},
        worstRating={"type": "integer"},
        bestRating={"type": "integer"},
        alternateName=_TEXT,
    ),
    itemReviewed=_object(
        ["@type", "author", "appearance"],
        **{"@type": {"enum": ["Claim"]}},
        author=_AGENT,
        datePublished=_DATE,
        appearance={
            "type": "array",
            "items": _object(
                ["@type", "url"],
                **{"@type": {"enum": ["CreativeWork"]}},
                url=_TEXT,
                author=_AGENT,
                datePublished=_DATE,
                archivedAt=_TEXT,
            ),
        },
    ),
)


FlagOut._declared_fields["class"] = serializers.ChoiceField(GroupClass.choices, read_only=True)
