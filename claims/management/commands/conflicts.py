"""Print the open conflict flags, as a table for people or JSON for scripts."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.models import ConflictFlag, Event


def flag_as_dict(flag: ConflictFlag) -> dict[str, Any]:
    # The sides are exactly the figures incompatible with another origin's figure.
    claimants = sorted({side["source"] for side in flag.sides if side.get("low") is not None})
    return {
        "id": flag.pk,
        "event": flag.event.title,
        "measure": flag.measure,
        "group": flag.group_label or flag.group,
        "class": flag.group_class,
        "claimants": claimants,
        "explanation": flag.explanation,
        "sides": flag.sides,
        "opened_at": flag.opened_at.isoformat(),
    }


class Command(BaseCommand):
    help = "Print the open conflict flags (optionally for one event)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", help="Only this event (its exact title).")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        flags = (
            ConflictFlag.objects.open()
            .select_related("event")
            .order_by("event__title", "measure", "group")
        )
        if options["event"]:
            if not Event.objects.filter(title=options["event"]).exists():
                raise CommandError(f"No event titled “{options['event']}”.")
            flags = flags.filter(event__title=options["event"])
        rows = [flag_as_dict(flag) for flag in flags]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("No open conflicts.")
            return
        for row in rows:
            self.stdout.write(
                f"{row['event']} | {row['group']} {row['measure'].replace('_', ' ')} "
                f"({row['class'].replace('_', ' ')})"
            )
            self.stdout.write(f"  {row['explanation']}")
        self.stdout.write(f"{len(rows)} open conflict(s).")
