"""The recent history shown on a claim's page: who, when, what changed, why.

Built from django-simple-history's records of the claim and of its attributions, in a
fixed number of queries. The full record stays on the History page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model

from claims.models import Attribution, Claim, Event, Source

from .display import when

# (field, label, how to show a value): the claim's fields worth a line in the timeline.
TRACKED = [
    ("status", "review"),
    ("verdict", "verdict"),
    ("count_text", "count"),
    ("measure", "measure"),
    ("group", "group"),
    ("assignee_id", "assigned to"),
    ("event_id", "event"),
    ("claimant_id", "claimant"),
    ("text", "text"),
    ("made_at", "made at"),
    ("published_at", "published at"),
]
LOOKUPS = {"assignee_id": "users", "event_id": "events", "claimant_id": "sources"}


def _who(record: Any) -> str:
    user = record.history_user
    return user.get_username() if user is not None else "system"


def _value(record: Any, name: str, names: dict[str, dict[int, Any]]) -> str:
    value = getattr(record, name)
    if value in (None, ""):
        return "—"
    if name in LOOKUPS:
        obj = names[LOOKUPS[name]].get(value)
        return str(obj) if obj is not None else f"#{value}"
    if name in {"status", "verdict", "measure"}:
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, datetime):
        return when(value)
    return str(value)


def claim_timeline(claim: Claim, limit: int = 12) -> list[dict[str, Any]]:
    """The latest ``limit`` changes to a claim and its attributions, newest first."""
    records = list(
        Claim.history.filter(id=claim.pk)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("-history_id")[: limit + 1]
    )
    attribution_records = list(
        Attribution.history.filter(claim_id=claim.pk)  # type: ignore[attr-defined]
        .select_related("history_user", "source")
        .order_by("-history_id")[:limit]
    )
    ids: dict[str, set[int]] = {"users": set(), "events": set(), "sources": set()}
    for record in records:
        for name, kind in LOOKUPS.items():
            if getattr(record, name) is not None:
                ids[kind].add(getattr(record, name))
    names: dict[str, dict[int, Any]] = {
        "users": get_user_model().objects.in_bulk(ids["users"]) if ids["users"] else {},
        "events": Event.objects.in_bulk(ids["events"]) if ids["events"] else {},
        "sources": Source.objects.in_bulk(ids["sources"]) if ids["sources"] else {},
    }

    entries: list[dict[str, Any]] = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        if record.history_type == "+" or older is None:
            what = [f"created: “{record.count_text}” {record.group} {record.get_measure_display()}"]
        else:
            what = []
            for name, label in TRACKED:
                before, after = getattr(older, name), getattr(record, name)
                if before == after:
                    continue
                if name == "text":
                    what.append("text edited")
                else:
                    what.append(
                        f"{label}: {_value(older, name, names)} → {_value(record, name, names)}"
                    )
        entries.append(
            {
                "when": record.history_date,
                "who": _who(record),
                "what": what or ["saved, no visible change"],
                "why": record.history_change_reason or "",
                "kind": "claim",
            }
        )
    for record in attribution_records:
        verb = {"+": "added", "~": "changed", "-": "deleted"}.get(record.history_type, "changed")
        source = record.source.name if record.source is not None else f"source #{record.source_id}"
        entries.append(
            {
                "when": record.history_date,
                "who": _who(record),
                "what": [
                    f"attribution {verb}: {source} ({record.get_stance_display()}), "
                    f"{record.get_verification_display()}"
                ],
                "why": record.history_change_reason or "",
                "kind": "attribution",
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]
