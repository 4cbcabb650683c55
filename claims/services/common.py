"""What every service shares: the errors they raise, permission checks, history notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from claims import validation
from claims.counts import CountRange, parse_count

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Actor = User | AnonymousUser | None
else:
    Actor = Any


class ServiceError(Exception):
    """A write refused for a reason the user can act on; the message says which."""


class StaleEdit(ServiceError):
    """Someone saved the object after this user loaded it; nothing was written."""

    def __init__(self, obj: Any, expected: int) -> None:
        self.obj = obj
        self.expected = expected
        self.current = obj.version
        super().__init__(
            f"{obj._meta.verbose_name.capitalize()} #{obj.pk} was changed by someone else "
            f"since you opened it (you had version {expected}, it is now at version "
            f"{obj.version}). Nothing was saved: reload it and apply your change again."
        )


class TransitionNotAllowed(ServiceError):
    """A review transition that the claim's state or the rules do not allow."""


def require(actor: Actor, perm: str) -> None:
    """Refuse unless the actor holds ``perm``. ``None`` is the system (commands, tasks)."""
    if actor is None:
        return
    if not actor.is_authenticated or not actor.has_perm(perm):
        raise PermissionDenied(f"You do not have permission to do this ({perm}).")


def remember(obj: Any, actor: Actor, reason: str) -> None:
    """Tell django-simple-history who makes the next save of ``obj``, and why."""
    if actor is not None and actor.is_authenticated:
        obj._history_user = actor
    obj._change_reason = reason or None


def clean_input(**values: Any) -> dict[str, Any]:
    """``values`` cleaned by ``claims.validation`` (one-line names without control or
    bidi characters, sizes, times in range), or a ValidationError naming each field.

    Every service that stores text or a time people or imports give calls this first,
    so admin forms, the API and imports refuse the same things with the same words.
    """
    cleaned, problems = validation.clean_input(values, now=timezone.now())
    if problems:
        raise ValidationError(problems)
    return cleaned


def required_text(field: str, value: str | None, missing: str) -> str:
    """A reason or note that must be given: cleaned as ``clean_input`` cleans it, and
    refused with ``missing`` when nothing is left (a note of control characters too)."""
    text = clean_input(**{field: value or ""})[field].strip()
    if not text:
        raise ValidationError({field: missing})
    return text


def parse_count_field(phrase: str, *, field: str = "count_text") -> CountRange:
    """The interval for a count phrase, or a ValidationError that names the phrase."""
    phrase = validation.single_line(phrase or "")
    if not phrase:
        raise ValidationError({field: "Give the count as written, e.g. “at least six”."})
    if len(phrase) > validation.SINGLE_LINE["count_text"]:
        raise ValidationError({field: "A count phrase is at most 200 characters."})
    parsed = parse_count(phrase)
    if parsed is None and (backwards := validation.reversed_range(phrase)) is not None:
        raise ValidationError(
            {field: f"“{phrase}” gives the larger figure first. Write it “{backwards}”."}
        )
    if parsed is None:
        raise ValidationError(
            {
                field: f"“{phrase}” gives no count. Write it as the source did, e.g. "
                "“at least six”, “nearly 50”, “several”, “between 10 and 20”."
            }
        )
    return parsed
