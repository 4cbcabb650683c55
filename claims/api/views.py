"""API endpoints: thin views over ``claims.services``, by the admin's rules.

Each view checks the request's shape (serializers), the role (``RolePermissions``
and ``action_permissions``), the client's copy (If-Match, ``claims.api.etags``), then
calls one service. Errors from any of these become JSON in ``claims.api.errors``.
The order of refusals is: 401, 403 (role), 404, 400 (input), 403 (the step), 428/412
(If-Match), then what the service says (400, 403, 409, 412).

Reads fetch a page with its relations in a fixed number of queries, whatever the page
size, and render it through the functions in ``claims.api.serializers``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema_view
from rest_framework import status as http
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims import services
from claims.api import filters, reads
from claims.api import serializers as s
from claims.api.claimreview import claim_review
from claims.api.etags import expected_version, locked_matching
from claims.api.pagination import KeysetPages
from claims.api.schema import operation
from claims.models import Attribution, Claim, ConflictFlag, Event, Source
from claims.review import TRANSITIONS

Row = dict[str, Any]


class JSONLDRenderer(JSONRenderer):
    """For clients that ask for JSON-LD by name (Accept: application/ld+json)."""

    media_type = "application/ld+json"


API_REASON_CREATED = "Created through the API"
API_REASON_EDITED = "Edited through the API"


@contextmanager
def count_errors_on_count_text() -> Iterator[None]:
    """A figure too large to store fails on count_low/count_high: name the field sent."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict") and {"count_low", "count_high"} & set(exc.error_dict):
            errors = dict(exc.error_dict)
            messages = errors.pop("count_low", []) + errors.pop("count_high", [])
            errors.setdefault("count_text", []).extend(messages)
            raise DjangoValidationError(errors) from exc
        raise


class ApiViewSet(viewsets.GenericViewSet):
    """Lists, details and the helpers every resource shares."""

    lookup_value_converter = "int"
    # No OPTIONS: DRF's answer describes forms for its browsable API, which we do not serve.
    http_method_names = ["get", "post", "put", "patch", "delete", "head"]
    filter_backends = [filters.FilterBackend, filters.StableOrdering]
    # action name -> the permissions it needs beyond logging in (see RolePermissions)
    action_permissions: dict[str, list[str]] = {}
    render_rows: Callable[[Sequence[Any]], list[Row]]

    def read_queryset(self) -> QuerySet[Any]:
        """Rows with everything rendering reads, so a page costs a fixed number of queries."""
        return self.get_queryset()

    def get_object(self) -> Any:
        # No list filters on a single object: ?status= on a detail URL must not 404 it.
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def read_one(self, pk: int) -> Row:
        """The object as GET shows it; 404 when there is none."""
        return self.render_rows([get_object_or_404(self.read_queryset(), pk=pk)])[0]

    def valid(
        self,
        serializer_class: type[s.serializers.Serializer],
        request: Request,
        *,
        partial: bool = False,
    ) -> dict[str, Any]:
        serializer = serializer_class(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def present(
        self, pk: int, *, status: int = http.HTTP_200_OK, created: bool = False
    ) -> Response:
        """The object as GET shows it, with its ETag (and Location when just created)."""
        row = self.read_one(pk)
        headers = {"ETag": row["etag"]}
        if created:
            name = self.basename
            headers["Location"] = self.request.build_absolute_uri(
                reverse(f"api:{name}-detail", args=[pk])
            )
        return Response(row, status=status, headers=headers)

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.read_queryset())
        page = self.paginate_queryset(queryset)
        assert page is not None  # pagination is always on
        return self.get_paginated_response(self.render_rows(page))

    def retrieve(self, request: Request, pk: int | None = None) -> Response:
        row = self.read_one(self.kwargs["pk"])
        return Response(row, headers={"ETag": row["etag"]})

    def locked(self, model: type[models.Model], obj: Any) -> Any:
        """Lock ``obj``'s row and check If-Match against it (inside transaction.atomic)."""
        return locked_matching(self.request, model._default_manager.all(), obj.pk)


def _reason(data: dict[str, Any], default: str) -> str:
    return (data.pop("reason", "") or "").strip() or default


# --- Events ---------------------------------------------------------------------------------
@extend_schema_view(
    list=operation(
        summary="List events", response=s.EventOut(many=True), etag=False, errors=(400,)
    ),
    retrieve=operation(summary="An event", response=s.EventOut, errors=(404,)),
    create=operation(
        summary="Create an event",
        request=s.EventWrite,
        response=s.EventOut,
        status=201,
        errors=(409,),
    ),
    update=operation(
        summary="Replace an event",
        request=s.EventWrite,
        response=s.EventOut,
        errors=(404, 409),
        if_match=True,
    ),
    partial_update=operation(
        summary="Edit an event",
        request=s.EventWrite,
        response=s.EventOut,
        errors=(404, 409),
        if_match=True,
    ),
)
class EventViewSet(ApiViewSet):
    """Incidents."""

    queryset = Event.objects.all()
    filterset_class = filters.EventFilter
    ordering_fields = ["title", "created_at", "updated_at", "id"]
    ordering = ["title"]
    action_permissions = {"recheck": ["claims.view_event", "claims.recheck_event"]}

    @staticmethod
    def render_rows(events: Sequence[Event]) -> list[Row]:
        return [s.event_data(e) for e in events]

    def create(self, request: Request) -> Response:
        data = self.valid(s.EventWrite, request)
        reason = _reason(data, API_REASON_CREATED)
        event = services.event_create(by=request.user, reason=reason, **data)
        return self.present(event.pk, status=http.HTTP_201_CREATED, created=True)

    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._edit(request, partial=False)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._edit(request, partial=True)

    def _edit(self, request: Request, *, partial: bool) -> Response:
        event = self.get_object()
        data = self.valid(s.EventWrite, request, partial=partial)
        reason = _reason(data, API_REASON_EDITED)
        with transaction.atomic():
            locked = self.locked(Event, event)
            services.event_update(event=locked, by=request.user, reason=reason, **data)
        return self.present(event.pk)

    @operation(
        summary="Recheck the event's conflicts now",
        description="Marks the event and queues its conflict recheck (what the admin's "
        "“Recheck now” does). Answers 202: the recheck runs in the background.",
        request=None,
        response=s.EventOut,
        status=202,
        errors=(404,),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def recheck(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        with transaction.atomic():
            locked = self.locked(Event, event)
            services.event_request_recheck(event=locked, by=request.user)
        return self.present(event.pk, status=http.HTTP_202_ACCEPTED)


# --- Sources --------------------------------------------------------------------------------
@extend_schema_view(
    list=operation(
        summary="List sources", response=s.SourceOut(many=True), etag=False, errors=(400,)
    ),
    retrieve=operation(summary="A source", response=s.SourceOut, errors=(404,)),
    create=operation(
        summary="Create a source",
        request=s.SourceWrite,
        response=s.SourceOut,
        status=201,
        errors=(409,),
    ),
    update=operation(
        summary="Replace a source",
        request=s.SourceWrite,
        response=s.SourceOut,
        errors=(404, 409),
        if_match=True,
    ),
    partial_update=operation(
        summary="Edit a source",
        request=s.SourceWrite,
        response=s.SourceOut,
        errors=(404, 409),
        if_match=True,
    ),
)
class SourceViewSet(ApiViewSet):
    """Who speaks or publishes."""

    queryset = Source.objects.all()
    filterset_class = filters.SourceFilter

    def read_queryset(self) -> QuerySet[Source]:
        return self.get_queryset().prefetch_related("aliases")

    ordering_fields = ["name", "created_at", "updated_at", "id"]
    ordering = ["name"]

    @staticmethod
    def render_rows(sources: Sequence[Source]) -> list[Row]:
        return [s.source_data(x) for x in sources]

    def create(self, request: Request) -> Response:
        data = self.valid(s.SourceWrite, request)
        reason = _reason(data, API_REASON_CREATED)
        source = services.source_create(by=request.user, reason=reason, **data)
        return self.present(source.pk, status=http.HTTP_201_CREATED, created=True)

    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._edit(request, partial=False)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._edit(request, partial=True)

    def _edit(self, request: Request, *, partial: bool) -> Response:
        source = self.get_object()
        data = self.valid(s.SourceWrite, request, partial=partial)
        reason = _reason(data, API_REASON_EDITED)
        with transaction.atomic():
            locked = self.locked(Source, source)
            services.source_update(source=locked, by=request.user, reason=reason, **data)
        return self.present(source.pk)


# --- Claims ---------------------------------------------------------------------------------
@extend_schema_view(
    list=operation(
        summary="List claims",
        description="A page of claims, each with its attributions and derived "
        "corroboration status.",
        response=s.ClaimOut(many=True),
        etag=False,
        errors=(400,),
    ),
    retrieve=operation(summary="A claim", response=s.ClaimOut, errors=(404,)),
    create=operation(
        summary="Create a claim",
        description="Parses `count_text` into an interval; a phrase with no count is a 400 "
        "naming `count_text`. Also creates the claimant's own (“asserts”) attribution.",
        request=s.ClaimCreate,
        response=s.ClaimOut,
        status=201,
        errors=(409,),
    ),
    update=operation(
        summary="Replace a claim's content",
        request=s.ClaimWrite,
        response=s.ClaimOut,
        errors=(404, 409),
        if_match=True,
    ),
    partial_update=operation(
        summary="Edit a claim's content",
        request=s.ClaimWrite,
        response=s.ClaimOut,
        errors=(404, 409),
        if_match=True,
    ),
)
class ClaimViewSet(ApiViewSet):
    """Claims: content edits, review steps, assignment, ClaimReview."""

    queryset = Claim.objects.all()
    filterset_class = filters.ClaimFilter
    ordering_fields = ["created_at", "updated_at", "count_low", "id"]
    ordering = ["id"]
    action_permissions = {
        # The step's own permission is checked by the view and again by the service.
        "transition": ["claims.view_claim"],
        "assign": ["claims.view_claim", "claims.assign_claim"],
        "claimreview": ["claims.view_claim"],
    }

    # Claims are read through claims.api.reads: values() rows, queries compiled once.
    def list(self, request: Request) -> Response:
        paginator = self.paginator
        assert isinstance(paginator, KeysetPages)
        page = paginator.page_queryset(self.filter_queryset(Claim.objects.all()), request)
        claims = paginator.close_page(reads.claim_page(page))
        reads.attach_attributions(claims)
        return paginator.get_paginated_response(reads.render_claims(claims))

    def read_one(self, pk: int) -> Row:
        row = reads.render_claim(pk)
        if row is None:
            raise Http404("No claim with this id.")
        return row

    def create(self, request: Request) -> Response:
        data = self.valid(s.ClaimCreate, request)
        reason = _reason(data, API_REASON_CREATED)
        with count_errors_on_count_text():
            claim = services.claim_create(by=request.user, reason=reason, **data)
        return self.present(claim.pk, status=http.HTTP_201_CREATED, created=True)

    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._edit(request, partial=False)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._edit(request, partial=True)

    def _edit(self, request: Request, *, partial: bool) -> Response:
        claim = self.get_object()
        data = self.valid(s.ClaimWrite, request, partial=partial)
        reason = _reason(data, API_REASON_EDITED)
        with count_errors_on_count_text():
            services.claim_update(
                claim=claim,
                version=expected_version(request, claim),
                by=request.user,
                reason=reason,
                **data,
            )
        return self.present(claim.pk)

    @operation(
        summary="Take a review step",
        description="start_review (needs change_claim), give_verdict with a `verdict`, "
        "publish (with `override_reason` when a conflict flag is open) and reopen: the last "
        "three are for editors. A step the claim's status or the rules do not allow is a "
        "409 that says why (e.g. “confirmed” without an independent verified source).",
        request=s.TransitionWrite,
        response=s.ClaimOut,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        data = self.valid(s.TransitionWrite, request)
        step = TRANSITIONS[data["action"]]
        if not request.user.has_perm(step.permission):
            raise PermissionDenied(f"Your role cannot take the step “{step.label}”.")
        services.claim_transition(
            claim=claim,
            action=data["action"],
            version=expected_version(request, claim),
            by=request.user,
            verdict=data.get("verdict", ""),
            override_reason=data["override_reason"],
            note=data["note"],
        )
        return self.present(claim.pk)

    @operation(
        summary="Assign the claim",
        request=s.AssignWrite,
        response=s.ClaimOut,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        data = self.valid(s.AssignWrite, request)
        assignee = None
        if data["assignee"] is not None:
            user_model = get_user_model()
            assignee = user_model._default_manager.filter(
                **{user_model.USERNAME_FIELD: data["assignee"]}, is_active=True
            ).first()
            if assignee is None:
                raise DjangoValidationError(
                    {"assignee": f"There is no active user “{data['assignee']}”."}
                )
        services.claim_assign(
            claim=claim,
            assignee=assignee,
            by=request.user,
            version=expected_version(request, claim),
        )
        return self.present(claim.pk)

    @operation(
        summary="ClaimReview (schema.org JSON-LD) of a published claim",
        description="For a CMS to embed. 404 while the claim is not published.",
        response=s.CLAIM_REVIEW_SCHEMA,
        errors=(404,),
        media_type="application/ld+json",
        etag=False,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, JSONLDRenderer],
    )
    def claimreview(self, request: Request, pk: str | None = None) -> Response:
        claim = get_object_or_404(
            Claim.objects.select_related("claimant").prefetch_related(
                Prefetch("attributions", Attribution.objects.select_related("source"))
            ),
            pk=self.kwargs["pk"],
            status=Claim.Status.PUBLISHED,
        )
        body = claim_review(
            claim,
            url=request.build_absolute_uri(request.path),
            site_url=request.build_absolute_uri("/"),
        )
        return Response(body, content_type="application/ld+json")


# --- Attributions ---------------------------------------------------------------------------
@extend_schema_view(
    list=operation(
        summary="List attributions", response=s.AttributionOut(many=True), etag=False, errors=(400,)
    ),
    retrieve=operation(summary="An attribution", response=s.AttributionOut, errors=(404,)),
    create=operation(
        summary="Attribute a claim to a source",
        description="`count_text` is the source's own figure, if it gave one; a phrase with "
        "no count is a 400 naming it.",
        request=s.AttributionCreate,
        response=s.AttributionOut,
        status=201,
        errors=(409,),
    ),
    update=operation(
        summary="Replace an attribution",
        description="A changed statement goes back to unverified.",
        request=s.AttributionWrite,
        response=s.AttributionOut,
        errors=(404, 409),
        if_match=True,
    ),
    partial_update=operation(
        summary="Edit an attribution",
        description="A changed statement goes back to unverified.",
        request=s.AttributionWrite,
        response=s.AttributionOut,
        errors=(404, 409),
        if_match=True,
    ),
)
class AttributionViewSet(ApiViewSet):
    """Who said a claim, and the fact-checker's verification of it."""

    queryset = Attribution.objects.all()
    filterset_class = filters.AttributionFilter
    ordering_fields = ["created_at", "updated_at", "id"]
    ordering = ["id"]
    action_permissions = {
        "verify": ["claims.view_attribution", "claims.verify_attribution"],
        "reject": ["claims.view_attribution", "claims.verify_attribution"],
    }

    def read_queryset(self) -> QuerySet[Attribution, Row]:
        return reads.attribution_values()

    @staticmethod
    def render_rows(attributions: Sequence[Row]) -> list[Row]:
        return [s.attribution_data(a) for a in attributions]

    def create(self, request: Request) -> Response:
        data = self.valid(s.AttributionCreate, request)
        reason = _reason(data, API_REASON_CREATED)
        with count_errors_on_count_text():
            attribution = services.attribution_create(by=request.user, reason=reason, **data)
        return self.present(attribution.pk, status=http.HTTP_201_CREATED, created=True)

    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._edit(request, partial=False)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._edit(request, partial=True)

    def _edit(self, request: Request, *, partial: bool) -> Response:
        attribution = self.get_object()
        data = self.valid(s.AttributionWrite, request, partial=partial)
        reason = _reason(data, API_REASON_EDITED)
        with count_errors_on_count_text():
            services.attribution_update(
                attribution=attribution,
                version=expected_version(request, attribution),
                by=request.user,
                reason=reason,
                **data,
            )
        return self.present(attribution.pk)

    @operation(
        summary="Verify: the source really said it",
        request=s.NoteWrite,
        response=s.AttributionOut,
        errors=(404,),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        attribution = self.get_object()
        data = self.valid(s.NoteWrite, request)
        services.attribution_verify(
            attribution=attribution,
            by=request.user,
            note=data["note"],
            version=expected_version(request, attribution),
        )
        return self.present(attribution.pk)

    @operation(
        summary="Reject: the attribution is wrong (say why)",
        request=s.RejectWrite,
        response=s.AttributionOut,
        errors=(404,),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        attribution = self.get_object()
        data = self.valid(s.RejectWrite, request)
        services.attribution_reject(
            attribution=attribution,
            by=request.user,
            note=data["note"],
            version=expected_version(request, attribution),
        )
        return self.present(attribution.pk)


# --- Conflict flags -------------------------------------------------------------------------
_CLOSE_DESCRIPTION = "Editors only. A flag that is no longer open is a 409."


@extend_schema_view(
    list=operation(
        summary="List conflict flags", response=s.FlagOut(many=True), etag=False, errors=(400,)
    ),
    retrieve=operation(summary="A conflict flag", response=s.FlagOut, errors=(404,)),
)
class FlagViewSet(ApiViewSet):
    """Conflicts the recheck found; editors resolve or dismiss them."""

    queryset = ConflictFlag.objects.all()
    filterset_class = filters.FlagFilter
    ordering_fields = ["opened_at", "updated_at", "id"]
    ordering = ["-id"]
    action_permissions = {
        "resolve": ["claims.view_conflictflag", "claims.resolve_flag"],
        "dismiss": ["claims.view_conflictflag", "claims.resolve_flag"],
    }

    def read_queryset(self) -> QuerySet[ConflictFlag]:
        return ConflictFlag.objects.select_related("closed_by")

    @staticmethod
    def render_rows(flags: Sequence[ConflictFlag]) -> list[Row]:
        return [s.flag_data(f) for f in flags]

    def _close(self, request: Request, close: Callable[..., ConflictFlag]) -> Response:
        flag = self.get_object()
        data = self.valid(s.ReasonWrite, request)
        with transaction.atomic():
            locked = self.locked(ConflictFlag, flag)
            close(flag=locked, by=request.user, reason=data["reason"])
        return self.present(flag.pk)

    @operation(
        summary="Resolve: the conflict is settled (say how)",
        description=_CLOSE_DESCRIPTION,
        request=s.ReasonWrite,
        response=s.FlagOut,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        return self._close(request, services.flag_resolve)

    @operation(
        summary="Dismiss: not a real conflict (say why)",
        description=_CLOSE_DESCRIPTION,
        request=s.ReasonWrite,
        response=s.FlagOut,
        errors=(404, 409),
        if_match=True,
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        return self._close(request, services.flag_dismiss)
