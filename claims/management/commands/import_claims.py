"""Import claims from a .jsonl or .csv file, one claim (or one attribution) a line.

Fields: event, event_date, place, claimant, claimant_kind, origin, measure, group,
count_text, text, source_url, published_at, verification, and for attaching a source
to someone else's claim: stance, claim_by, claim_count_text, disputes. Only event,
claimant, measure and count_text are required (count_text is optional on an
attribution line).

- A line with stance "asserts" (the default) is a claim by ``claimant``.
- A line with stance corroborates, contradicts or relays attaches ``claimant`` as a
  source to a claim that ``claim_by`` made about the same event, measure and group
  (imported earlier in the file or before): the one whose count is
  ``claim_count_text``, else the latest; its count_text, if any, is the figure that
  source gave. A contradiction says what it ``disputes``: toll, event or perpetrator
  (required when it gives no figure).
- ``verification`` (unverified, verified or rejected) is the fact-checker's verdict on
  the line's statement: the claimant's own attribution on a claim line, the new
  attribution on an attribution line. It is recorded as given by ``--by`` (or the
  system), with "imported" as the note.

Events and sources are matched by name or created. Importing the same file again
creates nothing new. A bad line is reported with its number and reason and nothing
of it is saved; the other lines go in; the exit code is 1 when any line failed.
Everything goes through claims.services, so the conflict pipeline runs as for edits.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
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
# Lines are committed in batches (each line in its own savepoint), so a recheck
# runs once per event per batch rather than once per line.
BATCH = 500


class LineError(Exception):
    pass


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line number, fields or None, error) for each non-blank line."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                yield reader.line_num, {k: v for k, v in row.items() if k}, ""
        return
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"not valid JSON ({exc.msg} at column {exc.colno})"
                continue
            if not isinstance(row, dict):
                yield number, None, "each line must be a JSON object"
                continue
            yield number, row, ""


def text_field(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise LineError(f"{name} must be text")
    return " ".join(str(value).split())


def parse_when(value: str, name: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise LineError(f"{name} “{value}” is not an ISO date or date-time")
        parsed = datetime(day.year, day.month, day.day)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def parse_event_dates(value: str) -> tuple[date | None, date | None]:
    """ "2024-07-25" or a range "2024-07-25/2024-07-27"."""
    if not value:
        return None, None
    first, _, last = value.partition("/")
    start, end = parse_date(first.strip()), parse_date(last.strip()) if last else None
    if start is None or (last and end is None):
        raise LineError(f"event_date “{value}” is not an ISO date or date range")
    return start, end


def messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Import claims from a .jsonl or .csv file (see the module docstring for fields)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="Who imports: verifications are recorded as theirs, with their permissions.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        self.by = None
        if options.get("by"):
            self.by = get_user_model().objects.filter(username=options["by"]).first()
            if self.by is None:
                raise CommandError(f"No user “{options['by']}”.")
        created = linked = unchanged = 0
        failures: list[str] = []
        rows = list(read_rows(path))
        for start in range(0, len(rows), BATCH):
            with transaction.atomic():
                for number, row, error in rows[start : start + BATCH]:
                    try:
                        if row is None:
                            raise LineError(error)
                        with transaction.atomic():
                            outcome = self.import_row(row)
                    except LineError as exc:
                        failures.append(f"line {number}: {exc}")
                        continue
                    except ValidationError as exc:
                        failures.append(f"line {number}: {messages(exc)}")
                        continue
                    except PermissionDenied as exc:
                        failures.append(f"line {number}: {exc}")
                        continue
                    if outcome == "created":
                        created += 1
                    elif outcome == "linked":
                        linked += 1
                    else:
                        unchanged += 1
        for failure in failures:
            self.stderr.write(failure)
        self.stdout.write(
            f"{path.name}: {created} claims created, {linked} sources attached, "
            f"{unchanged} already there, {len(failures)} lines failed."
        )
        if failures:
            raise CommandError(f"{len(failures)} of {len(rows)} lines failed; the rest went in.")

    def import_row(self, row: dict[str, Any]) -> str:
        unknown = set(row) - KNOWN
        if unknown:
            raise LineError(f"unknown fields {sorted(unknown)}; known: {sorted(KNOWN)}")
        fields = {name: text_field(row, name) for name in KNOWN}
        missing = [name for name in REQUIRED if not fields[name]]
        if missing:
            raise LineError(f"missing {', '.join(missing)}")
        measure = fields["measure"].lower().replace(" ", "_")
        if measure not in Measure.values:
            raise LineError(
                f"measure “{fields['measure']}” is not one of {', '.join(Measure.values)}"
            )
        stance = (fields["stance"] or Attribution.Stance.ASSERTS).lower()
        if stance not in Attribution.Stance.values:
            raise LineError(
                f"stance “{stance}” is not one of {', '.join(Attribution.Stance.values)}"
            )
        group = fields["group"] or DEFAULT_GROUP
        verification = (fields["verification"] or Attribution.Verification.UNVERIFIED).lower()
        if verification not in Attribution.Verification.values:
            raise LineError(
                f"verification “{verification}” is not one of "
                f"{', '.join(Attribution.Verification.values)}"
            )
        disputes = fields["disputes"].lower()
        if disputes and disputes not in Attribution.Disputes.values:
            raise LineError(
                f"disputes “{disputes}” is not one of {', '.join(Attribution.Disputes.values)}"
            )
        event = self.event(fields)
        source = self.source(fields)
        published_at = parse_when(fields["published_at"], "published_at")
        if stance == Attribution.Stance.ASSERTS:
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
            which = f" with the count “{wanted}”" if wanted else ""
            raise LineError(
                f"found no claim by “{fields['claim_by']}”{which} on “{event.title}” about "
                f"{measure} {group}; import the claim first"
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
