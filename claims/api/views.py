"""API endpoints: thin viewsets over ``claims.services``, by the admin's rules.

Each resource is a viewset that names what it reads (``claims.api.querysets``), how it
renders (``claims.api.serializers``), who may do what (``RolePermissions`` and
``action_permissions``) and which service each write calls. Writes go through
``claims.api.mixins``: input checked, If-Match checked, one service called, the object
shown as GET shows it. Errors from any of these become JSON in ``claims.api.errors``.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims import claimreview, services
from claims.api import filters, querysets
from claims.api import serializers as api
from claims.api.mixins import CSVListMixin, EditMixin, GuardedMixin
from claims.api.renderers import ContentNegotiation, EmbeddableJSONRenderer, JSONLDRenderer
from claims.api.schema import CLAIM_REVIEW_SCHEMA, operation, resource
from claims.models import Attribution, Claim, ConflictFlag, Event, Source, Toll
from claims.workflow import TRANSITIONS


class ApiViewSet(
    CSVListMixin,
    GuardedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Lists (a page, or CSV) and details with their ETag; the helpers every action uses."""

    lookup_value_converter = "int"
    content_negotiation_class = ContentNegotiation
    # No OPTIONS: DRF's answer describes forms for its browsable API, which we do not serve.
    http_method_names = ["get", "post", "put", "patch", "head"]
    # action name -> the permissions it needs (see RolePermissions)
    action_permissions: dict[str, list[str]] = {}

    def get_object(self) -> Any:
        # No list filters on a single object: ?status= on a detail URL must not 404 it.
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = response.data["etag"]
        return response


# --- Events and sources -----------------------------------------------------------------------
@resource("an event", "events")
class EventViewSet(EditMixin, ApiViewSet):
    """Incidents."""

    queryset = Event.objects.all()
    serializer_class = api.EventSerializer
    create_serializer_class = update_serializer_class = api.EventWriteSerializer
    create_service = staticmethod(services.event_create)
    update_service = staticmethod(services.event_update)
    service_object = "event"
    filterset_class = filters.EventFilter
    ordering_fields = ["title", "created_at", "updated_at", "id"]
    ordering = ["title"]
    action_permissions = {"recheck": ["claims.view_event", "claims.recheck_event"]}

    def get_queryset(self) -> QuerySet[Event]:
        return querysets.events()

    @operation(
        summary="Recheck the event's conflicts now",
        description="Marks the event and queues its conflict recheck (what the admin's "
        "“Recheck now” does). Answers 202: the recheck runs in the background.",
        request=None,
        response=api.EventSerializer,
        status=202,
        errors=(404,),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def recheck(self, request: Request, pk: int | None = None) -> Response:
        return self.guarded(
            self.get_object(),
            services.event_request_recheck,
            by=request.user,
            answer=status.HTTP_202_ACCEPTED,
        )


@resource("a source", "sources")
class SourceViewSet(EditMixin, ApiViewSet):
    """Who speaks or publishes."""

    queryset = Source.objects.all()
    serializer_class = api.SourceSerializer
    create_serializer_class = update_serializer_class = api.SourceWriteSerializer
    create_service = staticmethod(services.source_create)
    update_service = staticmethod(services.source_update)
    service_object = "source"
    filterset_class = filters.SourceFilter

    ordering_fields = ["name", "created_at", "updated_at", "id"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Source]:
        return querysets.sources()


# --- Claims -----------------------------------------------------------------------------------
CLAIM_CSV = (
    "id", "event", "claimant", "claimant_name", "text", "measure", "group", "class",
    "class_set_by_hand", "count_text", "count_low", "count_high", "count_qualifier", "made_at",
    "status", "verdict", "corroboration", "credibility", "credibility_proposed", "admiralty",
    "superseded", "responsibility_disputed", "rechecking", "assignee", "published_at",
    "version", "updated_at",
)  # fmt: skip


@resource(
    "a claim",
    "claims",
    csv=True,
    create_description="Parses `count_text` into an interval; a phrase with no count is a "
    "400 naming `count_text`. Also creates the claimant's own (“asserts”) attribution.",
)
class ClaimViewSet(EditMixin, ApiViewSet):
    """Claims: content edits, review steps, assignment, credibility, ClaimReview."""

    queryset = Claim.objects.all()
    serializer_class = api.ClaimSerializer
    create_serializer_class = api.ClaimCreateSerializer
    update_serializer_class = api.ClaimWriteSerializer
    create_service = staticmethod(services.claim_create)
    update_service = staticmethod(services.claim_update)
    service_object = "claim"
    filterset_class = filters.ClaimFilter
    ordering_fields = ["created_at", "updated_at", "count_low", "id"]
    ordering = ["id"]
    csv_columns = CLAIM_CSV
    csv_serializer_class = api.ClaimRowSerializer
    action_permissions = {
        # The step's own permission is checked by the view and again by the service.
        "transition": ["claims.view_claim"],
        "assign": ["claims.view_claim", "claims.assign_claim"],
        "credibility": ["claims.view_claim", "claims.give_verdict"],
        "claimreview": ["claims.view_claim"],
    }

    def get_queryset(self) -> QuerySet[Claim]:
        return querysets.claims()

    def csv_queryset(self) -> QuerySet[Claim]:
        return querysets.claim_rows()

    @operation(
        summary="Take a review step",
        description="start_review (needs change_claim), give_verdict with a `verdict`, "
        "publish (with `override_reason` when a conflict flag is open), republish (a "
        "published claim's ClaimReview is frozen: this lets later edits to its evidence "
        "through) and reopen: the last four are for editors. A step the claim's status or "
        "the rules do not allow is a 409 that says why (e.g. “confirmed” without an "
        "independent verified source).",
        request=api.TransitionSerializer,
        response=api.ClaimSerializer,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: int | None = None) -> Response:
        claim = self.get_object()
        data = self.valid(api.TransitionSerializer, request)
        step = TRANSITIONS[data["action"]]
        if not request.user.has_perm(step.permission):
            raise PermissionDenied(f"Your role cannot take the step “{step.label}”.")
        return self.guarded(claim, services.claim_transition, by=request.user, **data)

    @operation(
        summary="Assign the claim",
        request=api.AssignSerializer,
        response=api.ClaimSerializer,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: int | None = None) -> Response:
        claim = self.get_object()
        username = self.valid(api.AssignSerializer, request)["assignee"]
        assignee = None
        if username is not None:
            user_model = get_user_model()
            active = user_model._default_manager.filter(is_active=True)
            assignee = active.filter(**{user_model.USERNAME_FIELD: username}).first()
            if assignee is None:
                raise DjangoValidationError({"assignee": f"There is no active user “{username}”."})
        return self.guarded(claim, services.claim_assign, assignee=assignee, by=request.user)

    @operation(
        summary="Rate the claim's credibility (or go back to the proposed rating)",
        description="Editors. 1 to 6 on the Admiralty scale, with a reason for the history; "
        "null goes back to the rating the recheck proposes.",
        request=api.CredibilitySerializer,
        response=api.ClaimSerializer,
        errors=(404,),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def credibility(self, request: Request, pk: int | None = None) -> Response:
        return self.act(api.CredibilitySerializer, services.claim_set_credibility)

    @operation(
        summary="ClaimReview (schema.org JSON-LD) of a published claim",
        description="For a CMS to embed: the review as the editor published it (later edits "
        "to the evidence appear only once an editor republishes). `<`, `>` and `&` come as "
        "`\\u003c`, `\\u003e` and `\\u0026`, so the body can go into a "
        '`<script type="application/ld+json">` as it is. 404 while the claim is not '
        "published.",
        response=CLAIM_REVIEW_SCHEMA,
        errors=(404,),
        media_type="application/ld+json",
        etag=False,
    )
    @action(detail=True, methods=["get"], renderer_classes=[EmbeddableJSONRenderer, JSONLDRenderer])
    def claimreview(self, request: Request, pk: int | None = None) -> Response:
        # The frozen review only: a claim published past the services (raw SQL) without
        # one has nothing approved to serve.
        published = Claim.objects.filter(
            status=Claim.Status.PUBLISHED, published_review__isnull=False
        )
        claim = get_object_or_404(published.only("published_review"), pk=self.kwargs["pk"])
        body = claimreview.document(
            cast("dict[str, Any]", claim.published_review),
            url=request.build_absolute_uri(request.path),
            site_url=request.build_absolute_uri("/"),
        )
        return Response(body, content_type="application/ld+json")


# --- Attributions -----------------------------------------------------------------------------
ATTRIBUTION_CSV = (
    "id", "claim", "source", "source_name", "stance", "disputes", "quote", "url",
    "archive_url", "published_at", "count_text", "count_low", "count_high", "count_qualifier",
    "verification", "verified_by", "verified_at", "verification_note", "version", "updated_at",
)  # fmt: skip


@resource(
    "an attribution",
    "attributions",
    csv=True,
    create_description="`count_text` is the source's own figure, if it gave one; a phrase "
    "with no count is a 400 naming it. A contradiction without a figure must say what it "
    "`disputes`: the toll, the event or the perpetrator.",
    update_description="A changed statement goes back to unverified.",
)
class AttributionViewSet(EditMixin, ApiViewSet):
    """Who said a claim, and the fact-checker's verification of it."""

    queryset = Attribution.objects.all()
    serializer_class = api.AttributionSerializer
    create_serializer_class = api.AttributionCreateSerializer
    update_serializer_class = api.AttributionWriteSerializer
    create_service = staticmethod(services.attribution_create)
    update_service = staticmethod(services.attribution_update)
    service_object = "attribution"
    filterset_class = filters.AttributionFilter
    ordering_fields = ["created_at", "updated_at", "id"]
    ordering = ["id"]
    csv_columns = ATTRIBUTION_CSV
    action_permissions = {
        "verify": ["claims.view_attribution", "claims.verify_attribution"],
        "reject": ["claims.view_attribution", "claims.verify_attribution"],
    }

    def get_queryset(self) -> QuerySet[Attribution]:
        return querysets.attributions()

    @operation(
        summary="Verify: the source really said it",
        request=api.NoteSerializer,
        response=api.AttributionSerializer,
        errors=(404,),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: int | None = None) -> Response:
        return self.act(api.NoteSerializer, services.attribution_verify)

    @operation(
        summary="Reject: the attribution is wrong (say why)",
        request=api.RejectSerializer,
        response=api.AttributionSerializer,
        errors=(404,),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: int | None = None) -> Response:
        return self.act(api.RejectSerializer, services.attribution_reject)


# --- Conflict flags ---------------------------------------------------------------------------
FLAG_CSV = (
    "id", "event", "measure", "group", "group_key", "class", "status", "explanation",
    "opened_at", "updated_at", "closed_at", "closed_by", "resolution_note",
)  # fmt: skip
CLOSE_DESCRIPTION = "Editors only. A flag that is no longer open is a 409."


@resource("a conflict flag", "conflict flags", csv=True)
class FlagViewSet(ApiViewSet):
    """Conflicts the recheck found; editors resolve or dismiss them."""

    queryset = ConflictFlag.objects.all()
    serializer_class = api.FlagSerializer
    service_object = "flag"
    filterset_class = filters.FlagFilter
    ordering_fields = ["opened_at", "updated_at", "id"]
    ordering = ["-id"]
    csv_columns = FLAG_CSV
    action_permissions = {
        "resolve": ["claims.view_conflictflag", "claims.resolve_flag"],
        "dismiss": ["claims.view_conflictflag", "claims.resolve_flag"],
    }

    def get_queryset(self) -> QuerySet[ConflictFlag]:
        return querysets.flags()

    @operation(
        summary="Resolve: the conflict is settled (say how)",
        description=CLOSE_DESCRIPTION,
        request=api.ReasonSerializer,
        response=api.FlagSerializer,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: int | None = None) -> Response:
        return self.act(api.ReasonSerializer, services.flag_resolve)

    @operation(
        summary="Dismiss: not a real conflict (say why)",
        description=CLOSE_DESCRIPTION,
        request=api.ReasonSerializer,
        response=api.FlagSerializer,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: int | None = None) -> Response:
        return self.act(api.ReasonSerializer, services.flag_dismiss)


# --- Tolls ------------------------------------------------------------------------------------
TOLL_CSV = (
    "id", "event", "measure", "group", "group_key", "class", "low", "best", "high",
    "proposed.low", "proposed.best", "proposed.high", "claims.low", "claims.best",
    "claims.high", "method", "confirmed", "confirmed_by", "confirmed_at", "overridden",
    "override_reason", "updated_at",
)  # fmt: skip


@resource("a toll", "the event's tolls", csv=True, list_errors=(400, 404))
class TollViewSet(ApiViewSet):
    """The tolls the desk can publish for one event (``/api/events/{id}/tolls/``)."""

    queryset = Toll.objects.all()
    serializer_class = api.TollSerializer
    service_object = "toll"
    filterset_class = filters.TollFilter
    ordering_fields = ["updated_at", "id"]
    ordering = ["id"]
    csv_columns = TOLL_CSV
    action_permissions = {
        "confirm": ["claims.view_toll", "claims.confirm_toll"],
        "override": ["claims.view_toll", "claims.confirm_toll"],
    }

    def get_queryset(self) -> QuerySet[Toll]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no event
            return Toll.objects.none()
        return querysets.tolls(self.kwargs["event_pk"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        get_object_or_404(Event.objects.only("pk"), pk=self.kwargs["event_pk"])
        return super().list(request, *args, **kwargs)

    @operation(
        summary="Confirm the proposed toll for publication",
        request=api.NoteSerializer,
        response=api.TollSerializer,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: int | None = None, **kwargs: Any) -> Response:
        return self.act(api.NoteSerializer, services.toll_confirm)

    @operation(
        summary="Publish other numbers than the proposal (say why)",
        request=api.TollOverrideSerializer,
        response=api.TollSerializer,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def override(self, request: Request, pk: int | None = None, **kwargs: Any) -> Response:
        return self.act(api.TollOverrideSerializer, services.toll_override)
