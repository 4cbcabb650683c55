"""One import line's fields read and checked, or the reason it cannot go in.

``parse`` turns a line's fields into a ``Row`` (known fields, one-line texts, choices,
dates) and raises ``LineError`` for a line that cannot go in; ``claims.importing.batch``
saves the rows. ``reason`` turns a refusal (``LineError``, a service's ValidationError
or PermissionDenied, a database error such as a value out of the database's range)
into the sentence the import reports for the line. Nothing here asks the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DataError, IntegrityError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from claims import services
from claims.models import Attribution, Measure, Source

REQUIRED = ("event", "claimant", "measure")
KNOWN = {
    "event",
    "event_date",
    "place",
    "claimant",
    "claimant_kind",
    "origin",
    "measure",
    "group",
    "count_text",
    "text",
    "source_url",
    "published_at",
    "stance",
    "claim_by",
    "claim_count_text",
    "disputes",
    "verification",
    "quote",
}
DEFAULT_GROUP = "people"
DEFAULT_KIND = Source.Kind.OFFICIAL


class LineError(Exception):
    """A line that cannot go in; the message says why."""


# What a refused line can raise. Anything else is a bug and is not hidden; neither is a
# lost connection (OperationalError), after which no line could go in.
REFUSALS_BY_THE_DATABASE = (DataError, IntegrityError)
REFUSALS = (
    LineError,
    ValidationError,
    PermissionDenied,
    services.ServiceError,
    *REFUSALS_BY_THE_DATABASE,
)


def shown(value: str, limit: int = 60) -> str:
    """A value quoted in a message, cut short: a reason is one readable line."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def reason(exc: Exception) -> str:
    """The sentence reported for a refused line."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "; ".join(
                " ".join(v) if k == NON_FIELD_ERRORS else f"{k}: {' '.join(v)}"
                for k, v in exc.message_dict.items()
            )
        return " ".join(exc.messages)
    if isinstance(exc, REFUSALS_BY_THE_DATABASE):
        # e.g. "timestamp out of range", "value too long for type character varying(300)"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"refused by the database ({shown(first, 120)})"
    return str(exc)


def text_field(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise LineError(f"{name} must be text")
    text = " ".join(str(value).split())
    # PostgreSQL stores neither NUL nor a lone surrogate (a JSON "\ud800"): refuse them
    # here, with the field's name, rather than as an error from the driver.
    if "\x00" in text:
        raise LineError(f"{name} contains a NUL character")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise LineError(f"{name} is not valid Unicode text") from None
    return text


def parse_when(value: str, name: str) -> datetime | None:
    """An ISO date or date-time, in UTC; a value Python or PostgreSQL cannot hold is
    refused here (2024-02-30, year 0, a time zone that pushes 9999-12-31 into 10000)."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                raise LineError(f"{name} “{shown(value)}” is not an ISO date or date-time")
            parsed = datetime(day.year, day.month, day.day)
    except ValueError as exc:  # the shape of a date, not a date: "2024-02-30", year 0
        raise LineError(f"{name} “{shown(value)}” is not a valid date ({exc})") from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    try:
        # Stored in UTC, and read back as a Python datetime: it must exist in both.
        return parsed.astimezone(UTC)
    except OverflowError:
        raise LineError(
            f"{name} “{shown(value)}” falls outside the years 1 to 9999 in UTC"
        ) from None


def parse_event_dates(value: str) -> tuple[date | None, date | None]:
    """ "2024-07-25" or a range "2024-07-25/2024-07-27"."""
    if not value:
        return None, None
    first, _, last = value.partition("/")
    try:
        start, end = parse_date(first.strip()), parse_date(last.strip()) if last else None
    except ValueError as exc:
        raise LineError(f"event_date “{shown(value)}” is not a valid date ({exc})") from None
    if start is None or (last and end is None):
        raise LineError(f"event_date “{shown(value)}” is not an ISO date or date range")
    return start, end


def choice(fields: dict[str, str], name: str, allowed: list[str], default: str = "") -> str:
    value = (fields[name] or default).lower()
    if value and value not in allowed:
        raise LineError(f"{name} “{shown(fields[name])}” is not one of {', '.join(allowed)}")
    return value


@dataclass(frozen=True, slots=True)
class Row:
    """A line's fields as text (every known field, "" when not given) and its choices."""

    fields: dict[str, str]
    measure: str
    stance: str
    verification: str
    disputes: str
    group: str
    published_at: datetime | None

    @property
    def asserts(self) -> bool:
        """A claim by the line's claimant, rather than a source attached to someone's claim."""
        return self.stance == Attribution.Stance.ASSERTS


def parse(row: dict[str, Any]) -> Row:
    """The line's fields checked one by one, or ``LineError`` naming the first wrong one."""
    unknown = set(row) - KNOWN
    if unknown:
        names = sorted(shown(str(u), 40) for u in unknown)
        raise LineError(f"unknown fields {names}; known: {sorted(KNOWN)}")
    fields = {name: text_field(row, name) for name in KNOWN}
    missing = [name for name in REQUIRED if not fields[name]]
    if missing:
        raise LineError(f"missing {', '.join(missing)}")
    fields["measure"] = fields["measure"].replace(" ", "_")
    return Row(
        fields=fields,
        measure=choice(fields, "measure", Measure.values),
        stance=choice(fields, "stance", Attribution.Stance.values, Attribution.Stance.ASSERTS),
        verification=choice(
            fields,
            "verification",
            Attribution.Verification.values,
            Attribution.Verification.UNVERIFIED,
        ),
        disputes=choice(fields, "disputes", Attribution.Disputes.values),
        group=fields["group"] or DEFAULT_GROUP,
        published_at=parse_when(fields["published_at"], "published_at"),
    )
