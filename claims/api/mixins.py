"""What every resource's viewset shares: guarded writes and CSV lists.

``GuardedMixin`` is the one place writes happen: create, PUT, PATCH (``EditMixin``) and
every action check the input (a serializer), check If-Match against the object
(``claims.api.etags``: 428 without it, 412 when stale), call one service, and answer
with the object as GET shows it, with its ETag. The refusals come in this order: 401,
403 (role), 404, 400 (input), 403 (a claim's review step), 428/412, then what the
service says.

``CSVListMixin`` lets a list answer as CSV (``Accept: text/csv`` or ``?format=csv``):
every row the filters select, not a page, streamed from the database in chunks
through ``claims.exports.csv_lines`` (formula-safe), so a million rows never sit in
memory. Errors stay JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import StreamingHttpResponse
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.etags import check_current, expected_version, is_versioned
from claims.api.renderers import CSVRenderer
from claims.exports import csv_lines

API_REASON_CREATED = "Created through the API"
API_REASON_EDITED = "Edited through the API"
CSV_CHUNK_ROWS = 2000


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


def _reason(data: dict[str, Any], default: str) -> str:
    return (data.pop("reason", "") or "").strip() or default


class GuardedMixin:
    """Writes through ``claims.services``, guarded by If-Match: the helpers of every
    action. ``service_object`` is the keyword the services take the object by."""

    service_object: str

    # From GenericViewSet:
    request: Request
    basename: str
    get_object: Callable[[], Any]
    get_queryset: Callable[[], models.QuerySet[Any]]
    get_serializer: Callable[..., serializers.Serializer]
    reverse_action: Callable[..., str]

    def valid(
        self, serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any
    ) -> dict[str, Any]:
        """The request's data, checked by ``serializer_class`` (a 400 naming each field)."""
        serializer = serializer_class(data=request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def guarded(
        self,
        obj: models.Model,
        service: Callable[..., Any],
        *,
        answer: int = status.HTTP_200_OK,
        **arguments: Any,
    ) -> Response:
        """``service(<service_object>=obj, **arguments)`` if If-Match names ``obj`` as it
        is now, then the object as GET shows it.

        A versioned object's service compares the version under its own row lock; for
        the others the row is locked and compared here, in the same transaction.
        """
        with transaction.atomic(), count_errors_on_count_text():
            if is_versioned(obj):
                arguments["version"] = expected_version(self.request, obj)
                target = obj
            else:
                target = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
                check_current(self.request, target)
            service(**{self.service_object: target}, **arguments)
        return self.respond(obj.pk, status=answer)

    def act(
        self, serializer: type[serializers.Serializer], service: Callable[..., Any]
    ) -> Response:
        """A detail action: the object (404 first), the body checked by ``serializer``,
        then ``service`` called through ``guarded`` by the requesting user."""
        obj = self.get_object()
        data = self.valid(serializer, self.request)
        return self.guarded(obj, service, by=self.request.user, **data)

    def respond(
        self, pk: Any, *, status: int = status.HTTP_200_OK, created: bool = False
    ) -> Response:
        """The object as GET shows it, with its ETag (and Location when just created)."""
        data = self.get_serializer(self.get_queryset().get(pk=pk)).data
        headers = {"ETag": data["etag"]}
        if created:
            headers["Location"] = self.reverse_action("detail", args=[pk])
        return Response(data, status=status, headers=headers)


class EditMixin(GuardedMixin):
    """Create, PUT and PATCH: ``create_service`` and ``update_service`` (wrapped in
    ``staticmethod``), fed by ``create_serializer_class`` and ``update_serializer_class``."""

    create_serializer_class: type[serializers.Serializer]
    update_serializer_class: type[serializers.Serializer]
    create_service: Callable[..., models.Model]
    update_service: Callable[..., models.Model]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.valid(self.create_serializer_class, request)
        reason = _reason(data, API_REASON_CREATED)
        with count_errors_on_count_text():
            obj = self.create_service(by=request.user, reason=reason, **data)
        return self.respond(obj.pk, status=status.HTTP_201_CREATED, created=True)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.edit(partial=False)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.edit(partial=True)

    def edit(self, *, partial: bool) -> Response:
        obj = self.get_object()
        data = self.valid(self.update_serializer_class, self.request, instance=obj, partial=partial)
        reason = _reason(data, API_REASON_EDITED)
        return self.guarded(obj, self.update_service, by=self.request.user, reason=reason, **data)


class CSVListMixin:
    """``list`` as CSV: ``csv_columns`` are paths into each row's JSON (``"proposed.low"``);
    ``csv_serializer_class`` renders the rows (default: the viewset's serializer)."""

    csv_columns: tuple[str, ...] = ()
    csv_serializer_class: type[serializers.Serializer] | None = None

    # From GenericViewSet:
    action: str | None
    basename: str
    filter_queryset: Callable[[models.QuerySet[Any]], models.QuerySet[Any]]
    get_queryset: Callable[[], models.QuerySet[Any]]
    get_serializer_context: Callable[[], dict[str, Any]]
    serializer_class: type[serializers.Serializer]

    def get_renderers(self) -> list[BaseRenderer]:
        renderers: list[BaseRenderer] = super().get_renderers()  # type: ignore[misc]
        if self.action == "list" and self.csv_columns:
            renderers.append(CSVRenderer())
        return renderers

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if isinstance(request.accepted_renderer, CSVRenderer):
            return self.csv_response(self.filter_queryset(self.csv_queryset()))
        return super().list(request, *args, **kwargs)  # type: ignore[misc]

    def csv_queryset(self) -> models.QuerySet[Any]:
        return self.get_queryset()

    def csv_response(self, queryset: models.QuerySet[Any]) -> StreamingHttpResponse:
        serializer_class = self.csv_serializer_class or self.serializer_class
        serializer = serializer_class(context=self.get_serializer_context())
        rows = (
            [cell(serializer.to_representation(obj), path) for path in self.csv_columns]
            for obj in queryset.iterator(chunk_size=CSV_CHUNK_ROWS)
        )
        response = StreamingHttpResponse(
            csv_lines(self.csv_columns, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.basename}s.csv"'
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(response, "exception", False) and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer
        ):
            # An error answers a CSV request in JSON, as everywhere under /api/.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


def cell(data: dict[str, Any], path: str) -> Any:
    """The value at ``path`` ("proposed.low") in a row's JSON; lists of ids joined."""
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, Iterable) and not isinstance(value, (str, dict)):
        return " ".join(str(item) for item in value)
    return value
