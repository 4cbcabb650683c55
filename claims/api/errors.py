"""Errors under /api/ are JSON, always: one shape, one status per kind of refusal.

Every error body is ``{"detail": str, "code": str}`` plus ``"fields": {name: [messages]}``
when the request named something wrong. Service exceptions map to statuses here:

- ``ValidationError`` (from a serializer or a service) -> 400, with the field names;
- a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) -> 413 (Django refuses to read
  it, with ``RequestDataTooBig``: without this it was a 500);
- ``PermissionDenied`` -> 403; not logged in -> 401 (``WWW-Authenticate: Token``);
- ``StaleEdit`` (someone saved since your ``If-Match``) -> 412, with the current ``ETag``;
- ``TransitionNotAllowed`` (the claim's state or the review rules forbid it) -> 409;
- any other ``ServiceError`` -> 400 with code ``refused`` (a sentence, no field);
- a write that collides with another one in the database -> 409;
- anything unexpected -> 500, logged with its traceback, with no internals in the body.

Django's own 404 and 500 pages become JSON for paths under /api/ through
``page_not_found`` and ``server_error`` (``handler404``/``handler500`` in verifier/urls.py)
and through ``api_not_found``, the API's catch-all route, which also covers DEBUG mode.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http import HttpResponsePermanentRedirect as PermanentRedirect
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from claims.api.etags import PreconditionFailed, etag_for
from claims.services import ServiceError, StaleEdit, TransitionNotAllowed

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"


TOO_LARGE = "The request body is larger than the API accepts (2.5 MB). Nothing was saved."


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = TOO_LARGE
    default_code = "too_large"


def _messages(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def field_errors(detail: Any) -> dict[str, list[str]]:
    """Flatten DRF or Django validation details to {field: [messages]}."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for name, value in detail.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else str(name)
            if isinstance(value, dict):  # a nested field: name.sub
                for sub, messages in field_errors(value).items():
                    fields[f"{key}.{sub}"] = messages
            else:
                fields[key] = _messages(value)
        return fields
    return {api_settings.NON_FIELD_ERRORS_KEY: _messages(detail)}


def _summary(fields: dict[str, list[str]]) -> str:
    first_field, messages = next(iter(fields.items()))
    if first_field == api_settings.NON_FIELD_ERRORS_KEY:
        return messages[0]
    return f"{first_field}: {messages[0]}"


def _error(detail: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, **extra}


class Refused(exceptions.APIException):
    """400 for a ``ServiceError``: a sentence about the whole request, no field named."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


class Conflict(exceptions.APIException):
    """409: the claim's state or the rules forbid the step, or a concurrent write won."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "This collides with a change saved at the same moment (for example the same "
        "name twice). Nothing was saved: reload and try again."
    )
    default_code = "conflict"


def as_api_exception(exc: Exception) -> exceptions.APIException | None:
    """The API's answer to an exception from a view, a serializer or a service; None
    for an unexpected one (a 500)."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    if isinstance(exc, RequestDataTooBig):
        return TooLarge()
    if isinstance(exc, StaleEdit):
        return PreconditionFailed(str(exc), etag=etag_for(exc.obj))
    if isinstance(exc, TransitionNotAllowed):
        return Conflict(str(exc), code="transition_not_allowed")
    if isinstance(exc, ServiceError):
        return Refused(str(exc))
    if isinstance(exc, IntegrityError):
        # The services validate first; this is a concurrent write that got there first.
        logger.warning("API write refused by the database: %s", exc)
        return Conflict()
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception raised in an API view becomes JSON."""
    api_exc = as_api_exception(exc)
    response = drf_exception_handler(api_exc, context) if api_exc is not None else None
    if api_exc is None or response is None:
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
            extra={"status_code": 500, "request": getattr(request, "_request", None)},
        )
        set_rollback()
        return Response(
            _error("Server error: the team has been told. Nothing was saved.", "error"),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(api_exc, exceptions.ValidationError):
        fields = field_errors(api_exc.detail)
        response.data = _error(_summary(fields), "invalid", fields=fields)
    else:
        response.data = _error(_text(api_exc.detail), _code(api_exc))
    if isinstance(api_exc, PreconditionFailed):
        response["ETag"] = api_exc.etag
    return response


def _text(detail: Any) -> str:
    if isinstance(detail, list) and len(detail) == 1:
        return str(detail[0])
    return str(detail)


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    while isinstance(codes, list) and len(codes) == 1:
        codes = codes[0]
    return codes if isinstance(codes, str) else exc.default_code


# --- Outside DRF views: Django's handlers and the API's catch-all ---------------------------
def _json(status_code: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(_error(detail, code), status=status_code)


@csrf_exempt  # a 404 for any method, never the CSRF failure page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under /api/ that names no endpoint (a route of its own, so DEBUG is JSON too).

    Like APPEND_SLASH, a GET without the trailing slash is redirected when the slashed path
    exists (the catch-all would otherwise stop CommonMiddleware from doing it); other
    methods are told the right URL, since a redirect would lose their body.
    """
    path = request.path
    if not path.endswith("/"):
        try:
            resolved = resolve(path + "/")
        except Resolver404:
            resolved = None
        if resolved is not None and resolved.func is not api_not_found:
            if request.method in ("GET", "HEAD"):
                query = request.META.get("QUERY_STRING", "")
                return PermanentRedirect(path + "/" + (f"?{query}" if query else ""))
            return _json(404, f"No endpoint at {path}. Did you mean {path}/ ?", "not_found")
    return _json(404, f"No endpoint at {path}. The API is described at /api/docs/.", "not_found")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: JSON under /api/; a request too large to read gets a 413 saying so."""
    too_large = isinstance(exception, RequestDataTooBig)
    if request.path.startswith(API_PREFIX):
        if too_large:
            return _json(413, TOO_LARGE, "too_large")
        return _json(400, "The request could not be read.", "bad_request")
    if too_large:
        try:
            match = resolve(request.path)
        except Resolver404:
            match = None
        user = getattr(request, "user", None)
        editor = user is not None and user.has_perm("claims.add_claim")
        if editor and match is not None and match.url_name == "claims_import_article":
            from claims.admin.ingest import too_large as import_page_too_large

            return import_page_too_large(request)
        return HttpResponse(TOO_LARGE, status=413, content_type="text/plain; charset=utf-8")
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/, the normal page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/, the normal page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return _json(500, "Server error: the team has been told. Nothing was saved.", "error")
    return defaults.server_error(request)
