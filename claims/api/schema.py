"""OpenAPI annotations shared by the views: error responses, If-Match, ETag, CSV.

Every status an operation can answer is declared, so that a client generated from
/api/schema/ knows them and schemathesis can check that the server keeps its word.
``resource`` annotates a viewset's standard operations at once; ``operation`` one
operation (an action).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from claims.api.serializers import ErrorSerializer

ERROR_TEXT = {
    400: "Invalid input: `fields` names each field in the request that is wrong.",
    401: "Not logged in: send `Authorization: Token <token>` (or use the admin session).",
    403: "Your role does not allow this.",
    404: "No such object.",
    409: "The claim's state or the review rules do not allow this step, or a change saved "
    "at the same moment collides with this one. `detail` says which.",
    412: "If-Match is not the current ETag: someone changed the object since you read it. "
    "The response's ETag is the current one. Nothing was saved.",
    428: "If-Match is missing: send the ETag you last read.",
    429: "Too many requests: wait `Retry-After` seconds.",
}

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the object as you last read it (from its `etag` field or the "
    'ETag header), e.g. `"claim-12-v3"`.',
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201, 202, 412],
    description="The object's current ETag.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before the next request.",
)
CSV_FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "csv"],
    description="csv: every row the filters select (not a page), as a CSV file; the same "
    "as `Accept: text/csv`. Cells a spreadsheet would run as a formula start with '.",
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[201],
    description="The new object's URL.",
)


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_TEXT[code]) for code in codes}


def operation(
    *,
    summary: str,
    response: Any,
    status: int = 200,
    request: Any = None,
    errors: tuple[int, ...] = (),
    if_match: bool = False,
    description: str = "",
    parameters: list[OpenApiParameter] | None = None,
    media_type: str | None = None,
    etag: bool = True,
    csv: bool = False,
) -> Any:
    """extend_schema for one operation, with the errors every operation can answer."""
    codes = {401, 403, 429, *errors}
    if request is not None:
        codes.add(400)
    if if_match:
        codes |= {412, 428}
    params = [RETRY_AFTER, *(parameters or []), *([CSV_FORMAT] if csv else [])]
    if if_match:
        params.append(IF_MATCH)
    if etag:
        params.append(ETAG)
    if status == 201:
        params.append(LOCATION)
    success: Any = OpenApiResponse(response, description="OK")
    responses: dict[Any, Any] = {status: success, **error_responses(*sorted(codes))}
    if media_type or csv:
        responses = {(status, media_type or "application/json"): success}
        if csv:
            responses[(status, "text/csv")] = OpenApiResponse(
                OpenApiTypes.STR, description="CSV, a header line first."
            )
        responses.update(
            {(code, "application/json"): r for code, r in error_responses(*sorted(codes)).items()}
        )
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses=responses,
        parameters=params,
    )


def resource[V](
    one: str,
    many: str,
    *,
    csv: bool = False,
    list_errors: tuple[int, ...] = (400,),
    create_description: str = "",
    update_description: str = "",
) -> Callable[[type[V]], type[V]]:
    """extend_schema_view for a viewset's list, retrieve and (if it edits) create and edits.

    The serializers are the viewset's own: ``serializer_class`` for answers, and
    ``create_serializer_class`` / ``update_serializer_class`` where ``EditMixin`` gives
    it writes. ``one`` and ``many`` name the resource in summaries: "a claim", "claims".
    """

    def describe(viewset: type[V]) -> type[V]:
        response = viewset.serializer_class  # type: ignore[attr-defined]
        create = getattr(viewset, "create_serializer_class", None)
        update = getattr(viewset, "update_serializer_class", None)
        operations = {
            "list": operation(
                summary=f"List {many}",
                response=response(many=True),
                etag=False,
                errors=list_errors,
                csv=csv,
            ),
            "retrieve": operation(summary=one.capitalize(), response=response, errors=(404,)),
        }
        if create is not None:
            operations["create"] = operation(
                summary=f"Create {one}",
                description=create_description,
                request=create,
                response=response,
                status=201,
                errors=(409,),
            )
        if update is not None:
            for name, verb in (("update", "Replace"), ("partial_update", "Edit")):
                operations[name] = operation(
                    summary=f"{verb} {one}",
                    description=update_description,
                    request=update,
                    response=response,
                    errors=(404, 409),
                    if_match=True,
                )
        return extend_schema_view(**operations)(viewset)  # type: ignore[no-any-return]

    return describe


# --- ClaimReview: JSON-LD, described by hand (it is not a serializer's output) -----------------
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
