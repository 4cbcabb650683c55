"""Draft the claims in a news article and save them, or show them with --dry-run.

    python manage.py ingest_article FILE --url URL --publisher NAME \\
        --published 2024-11-22T10:00:00Z [--event TITLE] [--dry-run] [--format json|table]

The drafts are ``claims.services.article_drafts`` (the same as the admin "Import
article" page and the API's /api/ingest/preview/): claimants matched to existing
sources by name or alias (``source_id``), incidents to existing events. Saving is
``claims.services.article_ingest`` (one transaction, through the usual services, so the
conflict recheck runs). Every draft is accepted: for a choice per draft use the admin
page or the API. ``--event`` names the existing event the article's main incident is
about (else Verifier proposes one: a matching event, or a new one). ``--dry-run
--format json`` prints the drafts and saves nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from claims.extraction import MAX_ARTICLE_CHARS, ArticleDraft, ArticleError
from claims.models import Event, Source
from claims.services import article_drafts, article_ingest


def read_article(path: Path) -> str:
    """The file's text, or a CommandError that says what is wrong with it."""
    try:
        size = path.stat().st_size
        if size > 4 * MAX_ARTICLE_CHARS:  # UTF-8 takes at most 4 bytes a character
            raise CommandError(
                f"{path} is {size:,} bytes: an article is at most {MAX_ARTICLE_CHARS:,} characters."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path} is not UTF-8 text (byte {exc.start} cannot be read): give the article "
            "as a text file."
        ) from exc


def parse_published(value: str) -> datetime:
    try:
        published = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--published {value!r} is not an ISO date-time, e.g. 2024-11-22T10:00:00Z."
        ) from exc
    if timezone.is_naive(published):
        published = timezone.make_aware(published)
    return published


def table(article: ArticleDraft, proposals: list[Event | None], sources: dict[int, Source]) -> str:
    """The drafts as plain text, one event heading and one line per claim."""
    if not article.events:
        return "No figures found in this article: nothing to import."
    lines = []
    for draft, existing in zip(article.events, proposals, strict=True):
        target = f"existing event #{existing.pk} “{existing}”" if existing else "new event"
        when = draft.date.isoformat() if draft.date else "date unknown"
        lines.append(f"{draft.title}  [{when}; {draft.place or 'place unknown'}; {target}]")
        for c in draft.claims:
            high = "open" if c.count_high is None else c.count_high
            figure = f"{c.count_text!r} [{c.count_low}, {high}]" if c.count_text else "(no figure)"
            disputes = f" disputing the {c.disputes}" if c.disputes else ""
            source = sources.get(c.source_id) if c.source_id else None
            match = f" = source #{source.pk} “{source.name}”" if source else ""
            lines.append(
                f"  {c.stance:<12} {c.claimant} ({c.claimant_kind}){match}: {c.measure} "
                f"{c.group}, {figure}{disputes}"
            )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Draft the claims in a news article; save them (or only show them with --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The article's text (UTF-8).")
        parser.add_argument("--url", default="", help="Where the article was published.")
        parser.add_argument("--publisher", required=True, help="Who published it.")
        parser.add_argument(
            "--published", required=True, help="Publication time, ISO 8601 (2024-11-22T10:00Z)."
        )
        parser.add_argument("--event", default="", help="Title of the existing event it is about.")
        parser.add_argument("--dry-run", action="store_true", help="Show the drafts; save nothing.")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        text = read_article(options["file"])
        published = parse_published(options["published"])
        try:
            preview = article_drafts(text, publisher=options["publisher"], published=published)
        except ArticleError as exc:
            raise CommandError(str(exc)) from exc
        article, proposals = preview.article, preview.events
        if options["event"]:
            chosen = Event.objects.filter(title__iexact=options["event"].strip()).first()
            if chosen is None:
                raise CommandError(f"No event is titled {options['event']!r}.")
            if proposals:
                proposals[0] = chosen

        if options["format"] == "json":
            self.stdout.write(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(article, proposals, preview.sources))
        if options["dry_run"] or not article.events:
            return
        try:
            result = article_ingest(
                by=None,
                article=article,
                publisher=options["publisher"],
                url=options["url"],
                published_at=published,
                events=proposals,
                reason=f"Imported from an article ({options['url'] or options['publisher']})",
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("Nothing was saved: " + " ".join(messages)) from exc
        # Saved counts go to stderr so that stdout stays the JSON (or the table) alone.
        self.stderr.write(f"Saved: {result.summary()}.")
