"""Bad input to the desk gets a 4xx that says what was wrong, never a 500.

Two kinds of input reached the database and failed there: an id that is not one
("abc", "1.5", "²" — ``"²".isdigit()`` is true, ``int("²")`` fails — or a number past
the column's range), and a NUL character, which PostgreSQL refuses in any text. Every
admin view is wrapped by ``refuse_bad_input`` (``verifier.admin.DeskSite.admin_view``);
the desk's pages check ids with ``object_pk``; forms check their own fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

NUL = "\x00"


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 page that says what was wrong (and that nothing was done)."""
    body = render_to_string("admin/claims/bad_input.html", {"message": message}, request)
    return HttpResponseBadRequest(body)


def nul_field(request: HttpRequest) -> str | None:
    """The name of the first query parameter that holds a NUL character, if any.

    Only the address: a posted form's fields are checked by the form itself (Django's
    CharField refuses a NUL and says so), and reading the body here would answer an
    oversized paste before the view that explains it does.
    """
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "\\0")
    if NUL in request.path:
        return "the address"
    return None


def refuse_bad_input(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an admin view: an address carrying a NUL character gets a 400, unread."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        field = nul_field(request)
        if field is not None:
            return bad_request(
                request, f"{field} contains a NUL character (\\0), which no text may hold."
            )
        return view(request, *args, **kwargs)

    return checked


def object_pk(model: type[models.Model], value: str, *, noun: str = "") -> Any:
    """``value`` as ``model``'s primary key, or a 404 that says why it is not one."""
    field = model._meta.pk
    assert field is not None
    try:
        # clean(): the type, and the column's range (a 20-digit id is not an id either).
        return field.clean(value, None)
    except (ValidationError, ValueError, TypeError, OverflowError):
        name = noun or str(model._meta.verbose_name)
        raise Http404(f"“{value}” is not a {name} id: ids are whole numbers, like 42.") from None
