"""One import line saved through ``claims.services``, or the reason it cannot be.

``LineImporter.save`` takes a line's fields and returns what it did ("created",
"linked" or "unchanged"); it raises ``LineError`` (or a service's ValidationError or
PermissionDenied) for a line that cannot go in. The caller runs each call in its own
savepoint, so nothing of a refused line stays. ``reason`` turns any of those, and a
database error such as a value out of the database's range, into the sentence the
import reports for the line.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from claims import services
from claims.groups import normalise as group_key
from claims.models import Attribution, Claim, Event, Measure, Source

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
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
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


class LineImporter:
    """Saves lines as ``by`` (None: the system), matching events and sources by name."""

    def __init__(self, by: Any = None) -> None:
        self.by = by

    def save(self, row: dict[str, Any]) -> str:
        unknown = set(row) - KNOWN
        if unknown:
            names = sorted(shown(str(u), 40) for u in unknown)
            raise LineError(f"unknown fields {names}; known: {sorted(KNOWN)}")
        fields = {name: text_field(row, name) for name in KNOWN}
        missing = [name for name in REQUIRED if not fields[name]]
        if missing:
            raise LineError(f"missing {', '.join(missing)}")
        fields["measure"] = fields["measure"].replace(" ", "_")
        measure = choice(fields, "measure", Measure.values)
        stance = choice(fields, "stance", Attribution.Stance.values, Attribution.Stance.ASSERTS)
        verification = choice(
            fields,
            "verification",
            Attribution.Verification.values,
            Attribution.Verification.UNVERIFIED,
        )
        disputes = choice(fields, "disputes", Attribution.Disputes.values)
        group = fields["group"] or DEFAULT_GROUP
        published_at = parse_when(fields["published_at"], "published_at")
        event = self.event(fields)
        source = self.source(fields)
        if stance == Attribution.Stance.ASSERTS:
            return self.claim(fields, event, source, measure, group, published_at, verification)
        if not fields["claim_by"]:
            raise LineError(
                f"a {stance} line needs claim_by: the claimant of the claim it is about"
            )
        claim = self.claim_by(fields, event, measure, group)
        if Attribution.objects.filter(claim=claim, source=source).exists():
            return "unchanged"
        attribution = services.attribution_create(
            by=None,
            claim=claim,
            source=source,
            stance=stance,
            disputes=disputes,
            quote=fields["quote"] or fields["text"],
            url=fields["source_url"],
            published_at=published_at,
            count_text=fields["count_text"],
            reason=f"Imported from {fields['source_url'] or 'a file'}",
        )
        self.verify(attribution, verification)
        return "linked"

    def claim(
        self,
        fields: dict[str, str],
        event: Event,
        source: Source,
        measure: str,
        group: str,
        published_at: datetime | None,
        verification: str,
    ) -> str:
        if not fields["count_text"]:
            raise LineError("missing count_text")
        count = services.parse_count_field(fields["count_text"])
        existing = Claim.objects.filter(
            event=event, claimant=source, measure=measure, count_text=count.phrase.strip()
        )
        if any(group_key(c.group) == group_key(group) for c in existing):
            return "unchanged"
        claim = services.claim_create(
            by=None,
            event=event,
            claimant=source,
            measure=measure,
            group=group,
            count_text=fields["count_text"],
            text=fields["text"],
            made_at=published_at,
            url=fields["source_url"],
            quote=fields["quote"] or fields["text"],
            reason=f"Imported from {fields['source_url'] or 'a file'}",
        )
        self.verify(claim.attributions.get(source=source), verification)
        return "created"

    def claim_by(self, fields: dict[str, str], event: Event, measure: str, group: str) -> Claim:
        """The claim an attribution line attaches to: by count as written, else the latest."""
        claimant = Source.objects.filter(name=fields["claim_by"]).first()
        candidates = (
            Claim.objects.filter(event=event, claimant=claimant, measure=measure).order_by(
                F("made_at").desc(nulls_last=True), "-id"
            )
            if claimant
            else Claim.objects.none()
        )
        claims = [c for c in candidates if group_key(c.group) == group_key(group)]
        wanted = fields["claim_count_text"]
        if wanted:
            claims = [c for c in claims if " ".join(c.count_text.split()) == wanted]
        if not claims:
            which = f" with the count “{shown(wanted)}”" if wanted else ""
            raise LineError(
                f"found no claim by “{shown(fields['claim_by'])}”{which} on "
                f"“{shown(event.title)}” about {measure} {shown(group)}; import the claim first"
            )
        return claims[0]

    def verify(self, attribution: Attribution, verification: str) -> None:
        if verification == Attribution.Verification.VERIFIED:
            services.attribution_verify(attribution=attribution, by=self.by, note="imported")
        elif verification == Attribution.Verification.REJECTED:
            services.attribution_reject(attribution=attribution, by=self.by, note="imported")

    def event(self, fields: dict[str, str]) -> Event:
        title = fields["event"]
        event = Event.objects.filter(title=title).first()
        if event is not None:
            return event
        start, end = parse_event_dates(fields["event_date"])
        return services.event_create(
            by=None,
            title=title,
            date=start,
            date_end=end,
            place=fields["place"],
            reason="Imported",
        )

    def source(self, fields: dict[str, str]) -> Source:
        source = Source.objects.filter(name=fields["claimant"]).first()
        if source is not None:
            return source
        kind = fields["claimant_kind"] or DEFAULT_KIND
        return services.source_create(
            by=None, name=fields["claimant"], kind=kind, origin=fields["origin"], reason="Imported"
        )
