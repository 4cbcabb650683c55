"""OpenAPI annotations shared by the views: error responses, If-Match, ETag.

Every status an operation can answer is declared, so that a client generated from
/api/schema/ knows them and schemathesis can check that the server keeps its word.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from claims.api.serializers import ErrorOut

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
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[201],
    description="The new object's URL.",
)


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorOut, description=ERROR_TEXT[code]) for code in codes}


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
) -> Any:
    """extend_schema for one operation, with the errors every operation can answer."""
    codes = {401, 403, 429, *errors}
    if request is not None:
        codes.add(400)
    if if_match:
        codes |= {412, 428}
    params = [RETRY_AFTER, *(parameters or [])]
    if if_match:
        params.append(IF_MATCH)
    if etag:
        params.append(ETAG)
    if status == 201:
        params.append(LOCATION)
    success: Any = OpenApiResponse(response, description="OK")
    responses: dict[Any, Any] = {status: success, **error_responses(*sorted(codes))}
    if media_type:
        responses = {(status, media_type): success}
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
