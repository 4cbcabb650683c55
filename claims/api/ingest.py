"""The API's article import: drafts without saving (``preview``), then the chosen ones saved.

The same drafts as the admin "Import article" page and the ``ingest_article`` command
(``claims.services.article_drafts``): each claimant matched to an existing source by
name or alias (``source``), each incident to an existing event (``existing_event``).
A client edits or drops drafts and posts the rest to ``save``, which calls
``claims.services.article_ingest`` once, in one transaction. Editors only, as on the
admin page: both need ``claims.add_claim``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims import services
from claims.api.schema import operation
from claims.api.views import ApiViewSet
from claims.extraction import (
    MAX_ARTICLE_CHARS,
    ArticleDraft,
    ArticleError,
    ClaimDraft,
    EventDraft,
    check_article_text,
)
from claims.models import Attribution, Claim, Event, Measure, Source

PERMISSION = "claims.add_claim"


# --- Input ------------------------------------------------------------------------------------
class ArticleIn(serializers.Serializer):
    text = serializers.CharField(
        trim_whitespace=False, max_length=MAX_ARTICLE_CHARS, help_text="The article as published."
    )
    publisher = serializers.CharField(max_length=200)
    published = serializers.DateTimeField(help_text="Dates in the text are read from this time.")
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)

    def validate_text(self, value: str) -> str:
        try:
            return check_article_text(value.replace("\r\n", "\n"))
        except ArticleError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ClaimDraftIn(serializers.Serializer):
    claimant = serializers.CharField(max_length=200)
    claimant_kind = serializers.ChoiceField(Source.Kind.choices)
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, allow_null=True, default=None,
        help_text="The existing source to use; empty: match the claimant by name or alias, "
        "else create it.",
    )  # fmt: skip
    stance = serializers.ChoiceField(Attribution.Stance.choices)
    disputes = serializers.ChoiceField(
        [("", "none"), *Attribution.Disputes.choices], required=False, default=""
    )
    measure = serializers.ChoiceField(Measure.choices)
    group = serializers.CharField(max_length=200)
    count_text = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    quote = serializers.CharField(required=False, allow_blank=True, default="")

    def draft(self, data: dict[str, Any]) -> ClaimDraft:
        source = data["source"]
        return ClaimDraft(
            data["claimant"], data["claimant_kind"], data["stance"], data["measure"],
            data["group"], data["count_text"].strip(), None, None, data["quote"], 0, 0,
            disputes=data["disputes"], source_id=source.pk if source else None,
        )  # fmt: skip


class EventDraftIn(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    date = serializers.DateField(required=False, allow_null=True, default=None)
    date_end = serializers.DateField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    existing_event = serializers.PrimaryKeyRelatedField(
        queryset=Event.objects.all(), required=False, allow_null=True, default=None,
        help_text="An existing event these claims are about; empty: matched by title or made.",
    )  # fmt: skip
    claims = ClaimDraftIn(many=True, max_length=500)


class SaveIn(serializers.Serializer):
    publisher = serializers.CharField(max_length=200)
    published = serializers.DateTimeField()
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    events = EventDraftIn(many=True, min_length=1, max_length=50)


# --- Output ----------------------------------------------------------------------------------
class ClaimDraftOut(serializers.Serializer):
    claimant = serializers.CharField()
    claimant_kind = serializers.ChoiceField(Source.Kind.choices)
    source = serializers.IntegerField(allow_null=True, help_text="The existing source matched.")
    source_name = serializers.CharField(allow_null=True)
    stance = serializers.ChoiceField(Attribution.Stance.choices)
    disputes = serializers.CharField(help_text="For a contradiction: toll, event or perpetrator.")
    measure = serializers.ChoiceField(Measure.choices)
    group = serializers.CharField()
    count_text = serializers.CharField()
    count_low = serializers.IntegerField(allow_null=True)
    count_high = serializers.IntegerField(allow_null=True)
    quote = serializers.CharField()
    start = serializers.IntegerField(help_text="Where the figure is in the text (offset).")
    end = serializers.IntegerField()
    mentions = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Other places the same speaker gives the same figure: [start, end].",
    )


class EventDraftOut(serializers.Serializer):
    title = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    date_end = serializers.DateField(allow_null=True)
    place = serializers.CharField()
    region = serializers.CharField()
    country = serializers.CharField()
    existing_event = serializers.IntegerField(allow_null=True, help_text="A matching event.")
    existing_event_title = serializers.CharField(allow_null=True)
    claims = ClaimDraftOut(many=True)


class PreviewOut(serializers.Serializer):
    events = EventDraftOut(many=True)


class SavedOut(serializers.Serializer):
    summary = serializers.CharField()
    events = serializers.ListField(child=serializers.IntegerField())
    events_created = serializers.ListField(child=serializers.IntegerField())
    claims_created = serializers.ListField(child=serializers.IntegerField())
    claims_linked = serializers.ListField(child=serializers.IntegerField())
    attributions_created = serializers.ListField(child=serializers.IntegerField())
    sources_created = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.ListField(child=serializers.CharField())


def preview_data(preview: services.ArticlePreview) -> dict[str, Any]:
    events = []
    for data, existing in zip(preview.article.to_dict()["events"], preview.events, strict=True):
        for claim in data["claims"]:
            source = preview.sources.get(claim["source_id"]) if claim["source_id"] else None
            claim["source"] = claim.pop("source_id")
            claim["source_name"] = source.name if source else None
        data["existing_event"] = existing.pk if existing else None
        data["existing_event_title"] = existing.title if existing else None
        events.append(data)
    return {"events": events}


def _ids(objects: list[Any]) -> list[int]:
    return [o.pk for o in objects]


# --- The endpoint ----------------------------------------------------------------------------
@extend_schema_view(
    preview=operation(
        summary="Draft an article's claims (saves nothing)",
        description="Every casualty figure in the article, who gave it (claimant matched to "
        "an existing source by name or alias), its stance and the incident it is about.",
        request=ArticleIn,
        response=PreviewOut,
        etag=False,
    ),
    save=operation(
        summary="Save chosen drafts",
        description="The drafts to keep, edited as needed, in one transaction: all or "
        "nothing. A refused draft is a 400 naming it.",
        request=SaveIn,
        response=SavedOut,
        status=201,
        etag=False,
    ),
)
class IngestViewSet(ApiViewSet):
    """Import an article: its drafts, then the chosen ones saved."""

    queryset = Claim.objects.none()  # what the permission check reads: the claims' model
    http_method_names = ["post"]
    action_permissions = {"preview": [PERMISSION], "save": [PERMISSION]}

    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        data = self.valid(ArticleIn, request)
        preview = services.article_drafts(
            data["text"], publisher=data["publisher"], published=data["published"]
        )
        return Response(preview_data(preview))

    @action(detail=False, methods=["post"])
    def save(self, request: Request) -> Response:
        data = self.valid(SaveIn, request)
        article = ArticleDraft()
        for e in data["events"]:
            article.events.append(
                EventDraft(
                    e["title"], e["date"], e["place"], e["region"], e["country"],
                    [ClaimDraftIn().draft(c) for c in e["claims"]], e["date_end"],
                )
            )  # fmt: skip
        result = services.article_ingest(
            by=request.user,
            article=article,
            publisher=data["publisher"],
            url=data["url"],
            published_at=data["published"],
            events=[e["existing_event"] for e in data["events"]],
            reason=f"Imported from an article through the API ({data['url'] or data['publisher']})",
        )
        body = {
            "summary": result.summary(),
            "events": _ids(result.events),
            "events_created": _ids(result.events_created),
            "claims_created": _ids(result.claims_created),
            "claims_linked": _ids(result.claims_linked),
            "attributions_created": _ids(result.attributions_created),
            "sources_created": _ids(result.sources_created),
            "skipped": result.skipped,
        }
        return Response(body, status=http.HTTP_201_CREATED)
