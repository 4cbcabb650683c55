"""What the API reads and writes: DRF serializers, one per resource and direction.

Reading: a ``ModelSerializer`` per resource renders each object from a queryset that
selects and prefetches every relation it follows (``claims.api.querysets``), so a
page costs a fixed number of queries. Corroboration, credibility and the group's
class are the ones the recheck stored (``claims.analysis``); ``rechecking`` says that
a recheck is pending and they may be about to change.

Writing: a ``ModelSerializer`` per resource checks types, choices and lengths; the
view then calls one service with ``validated_data`` (never ``save()``), which applies
the domain's rules (count phrases, review guards, uniqueness) and whose
``ValidationError`` comes back as a 400 naming the field. Actions take small plain
serializers (a note, a reason, a verdict).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.api.fields import ETagField, IdField, readable_time
from claims.models import (
    Attribution,
    Claim,
    ConflictFlag,
    Credibility,
    Event,
    Qualifier,
    Source,
    Toll,
)
from claims.workflow import TRANSITIONS, Verdict, available

TRANSITION_CHOICES = [(name, t.label) for name, t in TRANSITIONS.items()]


class KeywordNames:
    """JSON names that Python cannot declare: ``group_class`` is shown as ``class``."""

    renamed = {"group_class": "class"}

    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = super().get_fields()  # type: ignore[misc]
        shown = {}
        for name, field in fields.items():
            if name in self.renamed:
                field.source = field.source or name
                name = self.renamed[name]
            shown[name] = field
        return shown


# --- Reading ----------------------------------------------------------------------------------
class ReadSerializer(serializers.ModelSerializer):
    """Read-only output. A URL field shows as text: a stored URL may be blank, which the
    schema's "uri" format would not allow."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: serializers.CharField,
    }


def username() -> serializers.SlugRelatedField:
    """A user, by username (null for nobody)."""
    return serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)


class EventSerializer(ReadSerializer):
    """An incident."""

    etag = ETagField()

    class Meta:
        model = Event
        fields = [
            "id", "etag", "title", "date", "date_end", "date_precision", "place", "region",
            "country", "summary", "needs_recheck_since", "last_checked_at", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "needs_recheck_since": {
                "help_text": "Set while a change waits for the conflict recheck; empty once "
                "it has run."
            }
        }


class SourceSerializer(ReadSerializer):
    """Who speaks or publishes."""

    etag = ETagField()
    aliases = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="name",
        help_text='Other names the source goes by ("Al Qaeda-linked group JNIM" for JNIM): '
        "importing an article matches claimants by name or alias.",
    )

    class Meta:
        model = Source
        fields = [
            "id", "etag", "name", "kind", "origin", "reliability", "url", "notes", "aliases",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class AttributionSerializer(ReadSerializer):
    """A source's part in a claim, and its verification."""

    etag = ETagField()
    source_name = serializers.CharField(source="source.name", read_only=True)
    disputes = serializers.ChoiceField(
        [("", "nothing"), *Attribution.Disputes.choices],
        read_only=True,
        help_text="For a contradiction: the toll, the event, or who carried it out.",
    )
    published_at = readable_time("published_at")
    count_qualifier = serializers.ChoiceField(
        [("", "no count"), *Qualifier.choices], read_only=True
    )
    verified_by = username()
    verified_at = readable_time("verified_at")

    class Meta:
        model = Attribution
        fields = [
            "id", "etag", "claim", "source", "source_name", "stance", "disputes", "quote",
            "url", "archive_url", "published_at", "count_text", "count_low", "count_high",
            "count_qualifier", "verification", "verified_by", "verified_at",
            "verification_note", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "count_text": {"help_text": "The source's own count; empty when it gave none."},
            "count_high": {"help_text": "Empty: no upper bound (or no count)."},
        }


class ClaimRowSerializer(KeywordNames, ReadSerializer):
    """One statement about one event by one claimant (without its attributions)."""

    etag = ETagField()
    claimant_name = serializers.CharField(source="claimant.name", read_only=True)
    class_set_by_hand = serializers.SerializerMethodField()
    made_at = readable_time("made_at")
    credibility = serializers.SerializerMethodField(
        help_text="1 to 6: an editor's rating where given, else the proposed one."
    )
    credibility_proposed = serializers.IntegerField(source="credibility", read_only=True)
    admiralty = serializers.SerializerMethodField(
        help_text='The claimant\'s reliability and the credibility: "B2".'
    )
    rechecking = serializers.BooleanField(
        read_only=True,
        help_text="A change to the event waits for its recheck: corroboration, credibility, "
        "class and superseded may be about to change.",
    )
    available_transitions = serializers.SerializerMethodField(
        help_text="Review steps the claim's status allows (your role may allow fewer)."
    )
    assignee = username()
    published_at = readable_time("published_at")

    class Meta:
        model = Claim
        fields = [
            "id", "etag", "event", "claimant", "claimant_name", "text", "measure", "group",
            "group_class", "class_set_by_hand", "count_text", "count_low", "count_high",
            "count_qualifier", "made_at", "status", "verdict", "corroboration", "credibility",
            "credibility_proposed", "admiralty", "superseded", "responsibility_disputed",
            "rechecking", "available_transitions", "assignee", "published_at", "version",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "group": {"help_text": "Who was counted, as written."},
            "group_class": {"help_text": "The counted group's class."},
            "count_text": {"help_text": 'As written: "at least six".'},
            "count_high": {"help_text": "Empty: no upper bound."},
            "corroboration": {
                "help_text": "Derived by the recheck from the event's verified sources and "
                "open conflicts (ANALYSIS.md section 5)."
            },
            "superseded": {"help_text": "The claimant's origin has given a later figure."},
        }

    def get_class_set_by_hand(self, claim: Claim) -> bool:
        return bool(claim.group_class_override)

    def get_credibility(self, claim: Claim) -> int:
        return claim.credibility_override or claim.credibility

    def get_admiralty(self, claim: Claim) -> str:
        return f"{claim.claimant.reliability}{self.get_credibility(claim)}"

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(TRANSITION_CHOICES)))
    def get_available_transitions(self, claim: Claim) -> list[str]:
        return [t.name for t in available(claim.status)]


class ClaimSerializer(ClaimRowSerializer):
    """One statement about one event by one claimant, with its attributions."""

    attributions = AttributionSerializer(many=True, read_only=True)

    class Meta(ClaimRowSerializer.Meta):
        fields = [*ClaimRowSerializer.Meta.fields, "attributions"]
        read_only_fields = fields


SIDE_SCHEMA = {
    "type": "object",
    "description": "A figure (or a dispute) in the conflict, as the recheck saw it.",
    "properties": {
        "key": {"type": "string"},
        "speaker": {"type": "string", "description": "The origin that gave the figure."},
        "source": {"type": "string"},
        "via": {"type": "string", "nullable": True, "description": "The outlet that relayed it."},
        "count_text": {"type": "string"},
        "low": {"type": "integer", "nullable": True},
        "high": {"type": "integer", "nullable": True},
        "measure": {"type": "string"},
        "group": {"type": "string", "description": "As written."},
        "class": {"type": "string"},
        "published_at": {"type": "string", "format": "date-time", "nullable": True},
        "claim_id": {"type": "integer"},
        "attribution_id": {"type": "integer", "nullable": True},
        "contradicts": {"type": "boolean"},
        "disputes": {"type": "string"},
    },
}


@extend_schema_field({"type": "array", "items": SIDE_SCHEMA})
class SidesField(serializers.JSONField):
    """The sides as stored: kept as data, so the flag still says what it said."""


class FlagSerializer(KeywordNames, ReadSerializer):
    """A conflict between figures, raised by the recheck."""

    etag = ETagField()
    group = serializers.CharField(
        source="group_label", read_only=True, help_text="The counted group, as written."
    )
    group_key = serializers.CharField(
        source="group", read_only=True, help_text="The group as compared (class:words)."
    )
    sides = SidesField(read_only=True)
    closed_by = username()

    class Meta:
        model = ConflictFlag
        fields = [
            "id", "etag", "event", "measure", "group", "group_key", "group_class", "status",
            "explanation", "sides", "opened_at", "updated_at", "closed_at", "closed_by",
            "resolution_note",
        ]  # fmt: skip
        read_only_fields = fields


class TollNumbers(serializers.Serializer):
    low = serializers.IntegerField(allow_null=True)
    best = serializers.IntegerField(allow_null=True)
    high = serializers.IntegerField(allow_null=True)


class TollClaims(serializers.Serializer):
    low = serializers.ListField(child=serializers.IntegerField(), default=list)
    best = serializers.ListField(child=serializers.IntegerField(), default=list)
    high = serializers.ListField(child=serializers.IntegerField(), default=list)


@extend_schema_field({"type": "array", "items": SIDE_SCHEMA})
class CandidatesField(serializers.JSONField):
    """The live figures the proposal chose from, one per origin, strongest first."""


class TollSerializer(KeywordNames, ReadSerializer):
    """The toll the desk can publish for one measure and group of an event."""

    etag = ETagField()
    group = serializers.CharField(source="group_label", read_only=True)
    group_key = serializers.CharField(source="group", read_only=True)
    low = serializers.SerializerMethodField(help_text="As published: the override, if any.")
    best = serializers.SerializerMethodField(help_text="As published: the override, if any.")
    high = serializers.SerializerMethodField(help_text="As published: the override, if any.")
    proposed = TollNumbers(source="*", read_only=True, help_text="The recheck's proposal.")
    claims = serializers.SerializerMethodField(help_text="The claims behind each number.")
    candidates = CandidatesField(source="basis.candidates", read_only=True, default=list)
    confirmed_by = username()
    overridden = serializers.BooleanField(read_only=True)

    class Meta:
        model = Toll
        fields = [
            "id", "etag", "event", "measure", "group", "group_key", "group_class", "low",
            "best", "high", "proposed", "claims", "candidates", "method", "confirmed",
            "confirmed_by", "confirmed_at", "overridden", "override_reason", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_low(self, toll: Toll) -> int | None:
        return toll.published[0]

    def get_best(self, toll: Toll) -> int | None:
        return toll.published[1]

    def get_high(self, toll: Toll) -> int | None:
        return toll.published[2]

    @extend_schema_field(TollClaims)
    def get_claims(self, toll: Toll) -> dict[str, list[int]]:
        basis = toll.basis or {}
        return {number: list(basis.get(number, [])) for number in ("low", "best", "high")}


# --- Writing ----------------------------------------------------------------------------------
class WriteSerializer(serializers.ModelSerializer):
    """Input for a service: ids as whole numbers, no database checks of its own (the
    services check uniqueness), an optional reason for the history."""

    serializer_related_field = IdField

    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        write_only=True,
        help_text="Why, for the history (optional).",
    )

    def get_validators(self) -> list[Any]:
        return []  # uniqueness: the services' model validation names the field


def optional(default: Any) -> dict[str, Any]:
    """A field PUT resets to ``default`` when left out (PATCH leaves it alone)."""
    return {"required": False, "default": default}


class EventWriteSerializer(WriteSerializer):
    class Meta:
        model = Event
        fields = [
            "title", "date", "date_end", "date_precision", "place", "region", "country",
            "summary", "reason",
        ]  # fmt: skip
        extra_kwargs = {
            "title": {"validators": []},
            "date": optional(None),
            "date_end": optional(None),
            "date_precision": optional(Event.DatePrecision.DAY),
            **{name: optional("") for name in ("place", "region", "country", "summary")},
        }


class SourceWriteSerializer(WriteSerializer):
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=100,
        help_text="Other names the source goes by. Sent, it replaces the list; left out, "
        "the list stays.",
    )

    class Meta:
        model = Source
        fields = ["name", "kind", "origin", "reliability", "url", "notes", "aliases", "reason"]
        extra_kwargs = {
            "name": {"validators": []},
            "origin": {
                **optional(""),
                "allow_blank": True,
                "help_text": "The origin group (JNIM and its media channel are one); "
                "default: the name.",
            },
            "reliability": optional(Source.Reliability.F),
            "url": optional(""),
            "notes": optional(""),
        }


class ClaimWriteSerializer(WriteSerializer):
    class Meta:
        model = Claim
        fields = [
            "event", "claimant", "text", "measure", "group", "count_text", "made_at",
            "group_class_override", "reason",
        ]  # fmt: skip
        extra_kwargs = {
            "claimant": {"help_text": "The source that made the claim."},
            "text": {**optional(""), "help_text": "The statement, as the claimant made it."},
            "group": {"help_text": 'Who was counted: "Wagner fighters".'},
            "count_text": {
                "help_text": 'The count as written ("at least six", "nearly 50", "several"); '
                "the API returns its interval as count_low, count_high and count_qualifier."
            },
            "made_at": optional(None),
            "group_class_override": {
                **optional(""),
                "help_text": "Set the group's class by hand; empty: from the group's words.",
            },
        }


class ClaimCreateSerializer(ClaimWriteSerializer):
    url = serializers.URLField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Where the claimant said it (goes on the claimant's attribution).",
    )
    quote = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The claimant's words (default: the text).",
    )

    class Meta(ClaimWriteSerializer.Meta):
        fields = [*ClaimWriteSerializer.Meta.fields, "url", "quote"]


class AttributionWriteSerializer(WriteSerializer):
    class Meta:
        model = Attribution
        fields = [
            "source", "stance", "disputes", "quote", "url", "archive_url", "published_at",
            "count_text", "reason",
        ]  # fmt: skip
        extra_kwargs = {
            "disputes": {
                **optional(""),
                "help_text": "For a contradiction: toll, event or perpetrator (required "
                "without a figure).",
            },
            **{name: optional("") for name in ("quote", "url", "archive_url")},
            "published_at": optional(None),
            "count_text": {
                **optional(""),
                "help_text": "The source's own count as written, if it gave one.",
            },
        }


class AttributionCreateSerializer(AttributionWriteSerializer):
    class Meta(AttributionWriteSerializer.Meta):
        fields = [*AttributionWriteSerializer.Meta.fields, "claim"]


# --- Actions ----------------------------------------------------------------------------------
def _text(help_text: str) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, default="", help_text=help_text)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        TRANSITION_CHOICES,
        help_text="start_review, give_verdict (editors), publish (editors), republish (editors: "
        "a published claim's evidence changed), reopen (editors).",
    )
    verdict = serializers.ChoiceField(
        [v.value for v in Verdict], required=False, help_text="For give_verdict."
    )
    override_reason = _text("To publish over an open conflict flag: why (kept in the history).")
    note = _text("For the history.")


class AssignSerializer(serializers.Serializer):
    assignee = serializers.CharField(
        allow_null=True, max_length=150, help_text="A username, or null to unassign."
    )


class CredibilitySerializer(serializers.Serializer):
    credibility = serializers.ChoiceField(
        Credibility.choices,
        allow_null=True,
        help_text="1 to 6 (Admiralty); null goes back to the proposed rating.",
    )
    reason = serializers.CharField(allow_blank=True, help_text="Why you rate it so (required).")


class NoteSerializer(serializers.Serializer):
    note = _text("What you checked (link, quote, archive).")


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, help_text="Why the attribution is rejected.")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why (required).")


class TollOverrideSerializer(serializers.Serializer):
    low = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    best = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    high = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    reason = serializers.CharField(
        allow_blank=True, help_text="Why the toll differs from the proposal (required)."
    )


class ErrorSerializer(serializers.Serializer):
    """Every error under /api/."""

    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField(help_text="What went wrong, for a program.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For 400: the messages for each field named in the request.",
    )
