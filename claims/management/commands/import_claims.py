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
creates nothing new. A bad line (not UTF-8, not JSON or nested too deep, over 1 MB, a
date that cannot be stored, a value the services or the database refuse) is reported
with its number and reason and nothing of it is saved; the other lines go in; the exit
code is 1 when any line failed. Everything goes through claims.services, so the
conflict pipeline runs as for edits. Reading is ``claims.importing.reader``, checking
a line ``claims.importing.lines``, saving a batch of lines ``claims.importing.batch``.
"""

from __future__ import annotations

from collections import Counter
from itertools import batched
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from claims.importing.batch import import_lines
from claims.importing.reader import FileUnreadable, read_lines

# Lines are saved and committed in batches: each event a batch touches is rechecked
# once after its commit, and the desk sees flags as batches land.
BATCH = 500


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
        by = None
        if options.get("by"):
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user “{options['by']}”.")
        outcomes: Counter[str] = Counter()
        try:
            for batch in batched(read_lines(path), BATCH):
                with transaction.atomic():
                    for number, done, error in import_lines(batch, by=by):
                        if error:
                            self.stderr.write(f"line {number}: {error}")
                        outcomes[done] += 1
        except FileUnreadable as exc:
            raise CommandError(f"{path}: {exc}") from None
        failed, lines = outcomes["failed"], sum(outcomes.values())
        self.stdout.write(
            f"{path.name}: {outcomes['created']} claims created, {outcomes['linked']} sources "
            f"attached, {outcomes['unchanged']} already there, {failed} lines failed."
        )
        if failed:
            raise CommandError(f"{failed} of {lines} lines failed; the rest went in.")
