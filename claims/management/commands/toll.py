"""Print an event's tolls and how each of its claims stands, as a table or as JSON.

The tolls are those the recheck proposed (ANALYSIS.md section 6), with an editor's
override where one was given; each claim shows its class, corroboration and
credibility (sections 3, 5 and 7). JSON for scripts:
``{"event", "tolls": [{"measure", "class", "group", "low", "best", "high",
"confirmed", ...}], "claims": [{"id", "claimant", "measure", "group", "class",
"count_text", "corroboration", "credibility", ...}]}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.models import Claim, Event, Toll
from claims.services import recheck_event


def toll_as_dict(toll: Toll) -> dict[str, Any]:
    low, best, high = toll.published
    return {
        "measure": toll.measure,
        "class": toll.group_class,
        "group": toll.group_label,
        "low": low,
        "best": best,
        "high": high,
        "confirmed": toll.confirmed,
        "overridden": toll.overridden,
        "proposed": {"low": toll.low, "best": toll.best, "high": toll.high},
        "claims_behind": {k: (toll.basis or {}).get(k, []) for k in ("low", "best", "high")},
        "method": toll.method,
        "override_reason": toll.override_reason,
    }


def claim_as_dict(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "claimant": claim.claimant.name,
        "measure": claim.measure,
        "group": claim.group,
        "class": claim.group_class,
        "count_text": claim.count_text,
        "corroboration": claim.corroboration,
        "credibility": claim.credibility_override or claim.credibility,
        "superseded": claim.superseded,
        "responsibility_disputed": claim.responsibility_disputed,
    }


class Command(BaseCommand):
    help = "Print an event's tolls (low, best, high) and each claim's corroboration."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", required=True, help="The event's exact title.")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        event = Event.objects.filter(title=options["event"]).first()
        if event is None:
            raise CommandError(f"No event titled “{options['event']}”.")
        if event.needs_recheck_since is not None:
            # Changes wait for the workers: judge them now rather than print stale figures.
            recheck_event(event_id=event.pk)
        tolls = [
            toll_as_dict(t)
            for t in Toll.objects.filter(event=event).exclude(best=None, override_best=None)
        ]
        claims = [
            claim_as_dict(c)
            for c in Claim.objects.filter(event=event).select_related("claimant").order_by("id")
        ]
        if options["format"] == "json":
            report = {"event": event.title, "tolls": tolls, "claims": claims}
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
            return
        self.stdout.write(event.title)
        for t in tolls:
            state = "confirmed" if t["confirmed"] else "proposed"
            self.stdout.write(
                f"  {t['group']} {t['measure'].replace('_', ' ')} ({t['class']}): "
                f"low {t['low']}, best {t['best']}, high {t['high']} [{state}]"
            )
            self.stdout.write(f"    {t['method']}")
        for c in claims:
            self.stdout.write(
                f"  #{c['id']} {c['claimant']}: “{c['count_text']}” {c['group']} "
                f"{c['measure']} · {c['corroboration'].replace('_', ' ')} · "
                f"credibility {c['credibility']}"
            )
