"""The record of changes, in words: "editor moved it from new to in review: checking".

Built from django-simple-history's records: each record is compared with the one
before it for the same object (fetched for a whole page at once, ``with_previous``)
and said as a sentence, who first. The claim page's recent history, each object's
History page and the desk home's recent activity all read it from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, OuterRef, Subquery

from claims.models import Attribution, Claim, ConflictFlag, Event, Source
from claims.selectors import with_readable_times
from claims.workflow import TRANSITIONS

from .display import when

# Fields never worth a word: bookkeeping that every save changes.
# (A verification note is the record's reason, said after the sentence.)
QUIET = {
    "version", "updated_at", "created_at", "published_at", "verified_at", "verified_by",
    "verification_note",
}  # fmt: skip
# Foreign keys shown by name: field -> the model that names them.
NAMED = {"assignee": "user", "event": "event", "claimant": "source", "source": "source"}
# Reasons the services write that only repeat what the sentence already says.
SAID_ALREADY = {"Edited in the admin", "Added in the admin", "Unassigned", "Verified"} | {
    t.label for t in TRANSITIONS.values()
}


@dataclass(frozen=True)
class Entry:
    when: datetime
    who: str
    sentence: str  # "editor moved it from new to in review"
    why: str
    kind: str  # the model's name: "claim", "attribution", ...
    url: str = ""

    @property
    def text(self) -> str:
        return self.sentence + (f": {self.why}" if self.why else "")


def with_previous(records: Sequence[Any]) -> list[tuple[Any, Any]]:
    """Each record with the one before it for the same object (or None): two queries."""
    if not records:
        return []
    model = type(records[0])
    before = (
        model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    ids = dict(
        model.objects.filter(history_id__in=[r.history_id for r in records])
        .annotate(previous=Subquery(before))
        .values_list("history_id", "previous")
    )
    previous = with_readable_times(model.objects.all()).in_bulk(
        [p for p in ids.values() if p is not None]
    )
    return [(r, previous.get(ids.get(r.history_id))) for r in records]


class Names:
    """Users, events and sources named in a set of records, fetched once."""

    def __init__(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        wanted: dict[str, set[int]] = {"user": set(), "event": set(), "source": set()}
        for pair in pairs:
            for record in pair:
                if record is None:
                    continue
                user_id = getattr(record, "history_user_id", None)
                if user_id is not None:
                    wanted["user"].add(user_id)
                for field, kind in NAMED.items():
                    value = getattr(record, f"{field}_id", None)
                    if value is not None:
                        wanted[kind].add(value)
        self.found: dict[str, dict[int, Any]] = {
            "user": get_user_model().objects.in_bulk(wanted["user"]),
            "event": Event.objects.in_bulk(wanted["event"]),
            "source": Source.objects.in_bulk(wanted["source"]),
        }

    def person(self, user_id: int | None) -> str:
        user = self.found["user"].get(user_id) if user_id is not None else None
        if user is None:
            return "the system" if user_id is None else f"user #{user_id}"
        return user.get_full_name() or user.get_username()

    def of(self, kind: str, pk: int | None) -> str:
        obj = self.found[kind].get(pk) if pk is not None else None
        return str(obj) if obj is not None else f"#{pk}"


def value_words(record: Any, name: str, names: Names) -> str:
    if name in NAMED:
        pk = getattr(record, f"{name}_id")
        if pk is None:
            return "nobody" if name == "assignee" else "none"
        return names.person(pk) if name == "assignee" else names.of(NAMED[name], pk)
    value = getattr(record, name)
    if value in (None, ""):
        return "nothing"
    display = getattr(record, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, datetime):
        return when(value)
    return f"“{value}”"


def changed(model: type[Model], record: Any, previous: Any) -> list[str]:
    """Names of the model's fields whose value differs between the two records."""
    history_fields = {f.name for f in type(record)._meta.fields}
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.name in history_fields
        and f.name not in QUIET
        and f.name != "id"
        and getattr(record, f.attname) != getattr(previous, f.attname)
    ]
    # (Sentences say the object as "{it}": "it" on its own page, "claim #12" elsewhere.)


def clauses(model: type[Model], record: Any, previous: Any, names: Names) -> list[str]:
    """What changed, as clauses: "moved it from new to in review", "assigned it to Ana"."""
    fields = changed(model, record, previous)
    said: list[str] = []
    if "status" in fields and model is Claim:
        said.append(f"moved {{it}} from {value_words(previous, 'status', names)} to "
                    f"{value_words(record, 'status', names)}")  # fmt: skip
        if record.verdict:
            said.append(f"verdict {record.get_verdict_display()}")
    elif "status" in fields and model is ConflictFlag:
        said.append(f"{record.get_status_display()} {{it}}")
    if "verification" in fields:
        state = record.verification
        said.append("sent {it} back to unverified" if state == "unverified" else f"{state} {{it}}")
    # A publish or unpublish is said by the status; a new review on a claim that stays
    # published is a republish. (None before it: frozen on upgrade, said nowhere.)
    if (
        "published_review" in fields
        and "status" not in fields
        and previous.published_review is not None
        and record.published_review is not None
    ):
        said.append("republished {it}")
    if "assignee" in fields:
        said.append(
            f"assigned {{it}} to {value_words(record, 'assignee', names)}"
            if record.assignee_id
            else "unassigned {it}"
        )
    for name in fields:
        quiet = {"status", "verdict", "verification", "assignee", "published_review"}
        if name in quiet or name.startswith("history"):
            continue
        label = getattr(model._meta.get_field(name), "verbose_name", name)
        if name in {"text", "quote", "explanation", "sides", "summary", "notes", "basis"}:
            said.append(f"edited the {label}")
        else:
            said.append(f"changed the {label} from {value_words(previous, name, names)} "
                        f"to {value_words(record, name, names)}")  # fmt: skip
    return said


def created_words(model: type[Model], record: Any, names: Names) -> str:
    if model is Claim:
        return f"added {{it}}: “{record.count_text}” {record.group} {record.get_measure_display()}"
    if model is Attribution:
        source = names.of("source", record.source_id)
        return (
            f"added {source} ({record.get_stance_display()}), {record.get_verification_display()}"
        )
    if model is ConflictFlag:
        return "opened {it}"
    return "added {it}"


def reason_words(reason: str | None) -> str:
    reason = (reason or "").strip()
    if reason in SAID_ALREADY or reason.startswith("Assigned to "):
        return ""
    for prefix in ("Verdict: ", "Verified: ", "Rejected: "):
        if reason.startswith(prefix):
            rest = reason.removeprefix(prefix)
            # "Verdict: confirmed (checked with AP)": the note is the reason.
            return (
                rest[rest.find("(") + 1 : -1]
                if rest.endswith(")") and "(" in rest
                else ("" if prefix == "Verdict: " else rest)
            )
    return reason


def entry(model: type[Model], record: Any, previous: Any, names: Names, subject: str) -> Entry:
    """One record as a sentence about ``subject`` ("it" on the object's own page)."""
    who = names.person(record.history_user_id)
    if record.history_type == "+" or previous is None:
        sentence = created_words(model, record, names)
    else:
        sentence = ", ".join(clauses(model, record, previous, names)) or "saved {it}, no change"
    own_page = subject == "it"
    it = subject
    if model is Attribution:
        # An attribution is named by its source, on the claim's page and elsewhere.
        it = f"{names.of('source', record.source_id)}'s attribution"
    if "{it}" in sentence:
        sentence = sentence.replace("{it}", it)
    if not own_page and (model is Attribution or it not in sentence):
        sentence += f" on {subject}"
    return Entry(
        when=record.history_date,
        who=who,
        sentence=f"{who} {sentence}",
        why=reason_words(record.history_change_reason),
        kind=model._meta.model_name or "",
    )


def entries(
    model: type[Model], records: Sequence[Any], subject: Callable[[Any], str] | None = None
) -> list[Entry]:
    """The records (newest first, any objects of ``model``) as sentences; ``subject``
    names a record's object ("claim #12"), which is "it" on the object's own page."""
    pairs = with_previous(records)
    names = Names(pairs)
    return [
        entry(model, record, previous, names, subject(record) if subject else "it")
        for record, previous in pairs
    ]


def claim_timeline(claim: Claim, limit: int = 12) -> list[Entry]:
    """The latest ``limit`` changes to a claim and its attributions, newest first."""
    claim_records = list(
        with_readable_times(Claim.history.filter(id=claim.pk)).order_by("-history_id")[:limit]  # type: ignore[attr-defined]
    )
    attribution_records = list(
        with_readable_times(Attribution.history.filter(claim_id=claim.pk)).order_by(  # type: ignore[attr-defined]
            "-history_id"
        )[:limit]
    )
    found = entries(Claim, claim_records) + entries(Attribution, attribution_records)
    return sorted(found, key=lambda e: e.when, reverse=True)[:limit]
