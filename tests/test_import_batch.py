"""import_claims saves a batch of lines at once (claims.importing.batch): the same result
as saving each line alone, in a number of statements that does not grow with the lines."""

from __future__ import annotations

import contextlib
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import services
from claims.models import Attribution, Claim, ConflictFlag, Event, Source, Toll

pytestmark = pytest.mark.django_db


def incident(prefix: str) -> list[dict[str, Any]]:
    """Three incidents' worth of lines, each title and name prefixed so that one test can
    import them twice side by side: claims, sources attached to claims made earlier in
    the same batch (by count as written, else the latest), relays, a verification and a
    rejection, a line repeated, and lines that cannot go in."""
    ambush, raid, market = (f"{prefix} ambush", f"{prefix} raid", f"{prefix} market")

    def claim(event: str, who: str, count: str, when: str, **more: Any) -> dict[str, Any]:
        return {
            "event": event,
            "claimant": f"{prefix} {who}",
            "measure": "killed",
            "group": "soldiers",
            "count_text": count,
            "published_at": when,
            **more,
        }

    def on(event: str, who: str, by: str, stance: str, **more: Any) -> dict[str, Any]:
        return {
            "event": event,
            "claimant": f"{prefix} {who}",
            "measure": "killed",
            "group": "soldiers",
            "stance": stance,
            "claim_by": f"{prefix} {by}",
            **more,
        }

    return [
        claim(ambush, "Army", "at least 6", "2024-07-01T08:00:00Z", verification="verified"),
        claim(ambush, "Army", "9", "2024-07-02T08:00:00Z"),
        claim(ambush, "Rebels", "nearly 50", "2024-07-01T09:00:00Z", event_date="2024-06-30"),
        on(ambush, "Wire", "Army", "relays", count_text="9"),
        on(
            ambush, "Radio", "Army", "corroborates", count_text="six", claim_count_text="at least 6"
        ),
        on(ambush, "Monitor", "Rebels", "contradicts", count_text="7", verification="verified"),
        on(ambush, "Blog", "Rebels", "corroborates", verification="rejected"),
        claim(ambush, "Army", "9", "2024-07-02T08:00:00Z"),  # the same again: unchanged
        on(ambush, "Wire", "Army", "relays", count_text="9"),  # unchanged
        claim(raid, "Council", "at least 30", "2022-03-02T08:00:00Z", group="villagers"),
        on(raid, "Air force", "Council", "contradicts", disputes="perpetrator", group="villagers"),
        on(raid, "Nobody", "Stranger", "corroborates"),  # no such claim: refused
        claim(market, "Police", "12 so far", "2021-06-05T08:00:00Z", group="people"),
        claim(market, "Hospital", "lots", "2021-06-06T08:00:00Z", group="people"),  # no count
        on(market, "Doctor", "Hospital", "corroborates", group="people"),  # its claim refused
        claim(market, "Hospital", "30", "2021-06-06T09:00:00Z", group="people"),
    ]


def write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return path


def import_file(path: Path, *args: str) -> str:
    """The import's errors (its exit status is 1 when a line failed)."""
    err = StringIO()
    with contextlib.suppress(CommandError):
        call_command("import_claims", str(path), *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def outcome(prefix: str) -> dict[str, Any]:
    """What the desk sees of the incidents imported under ``prefix``, without ids, and
    with the reported lines' numbers and reasons."""
    for event_id in Event.objects.filter(title__startswith=prefix).values_list("pk", flat=True):
        services.recheck_event(event_id=event_id, force=True)

    def name(text: str) -> str:
        return text.removeprefix(f"{prefix} ")

    claims = Claim.objects.filter(event__title__startswith=prefix)
    attributions = Attribution.objects.filter(claim__in=claims)
    return {
        "claims": sorted(
            (
                name(c.event.title),
                name(c.claimant.name),
                c.count_text,
                c.count_low,
                c.count_high,
                c.group,
                str(c.made_at),
                c.corroboration,
                c.credibility,
            )
            for c in claims
        ),
        "attributions": sorted(
            (
                name(a.claim.claimant.name),
                a.claim.count_text,
                name(a.source.name),
                a.stance,
                a.count_text,
                a.disputes,
                a.verification,
                a.verification_note,
                a.verified_by_id,
                a.quote,
                a.url,
            )
            for a in attributions
        ),
        "flags": sorted(
            (name(f.event.title), f.measure, f.group, f.status, len(f.sides))
            for f in ConflictFlag.objects.filter(event__title__startswith=prefix)
        ),
        "tolls": sorted(
            (name(t.event.title), t.measure, t.group, t.low, t.best, t.high)
            for t in Toll.objects.filter(event__title__startswith=prefix)
        ),
        "events": sorted(
            (name(e.title), str(e.date)) for e in Event.objects.filter(title__startswith=prefix)
        ),
        "sources": sorted(
            (name(s.name), s.kind, name(s.origin))
            for s in Source.objects.filter(name__startswith=prefix)
        ),
    }


def test_a_whole_file_gives_what_its_lines_one_at_a_time_give(
    tmp_path: Path, factchecker: User
) -> None:
    whole = import_file(write(tmp_path / "whole.jsonl", incident("A")), "--by", "factchecker")
    alone = []
    for number, line in enumerate(incident("B"), start=1):
        err = import_file(write(tmp_path / f"line-{number}.jsonl", [line]), "--by", "factchecker")
        alone += [e.replace("line 1:", f"line {number}:").replace("B ", "A ") for e in [err] if e]

    assert outcome("A") == outcome("B")
    assert whole.replace("\n", "") == "".join(alone).replace("\n", "")
    assert whole.splitlines() == [
        "line 12: found no claim by “A Stranger” on “A raid” about killed soldiers; "
        "import the claim first",
        "line 14: count_text: “lots” gives no count. Write it as the source did, e.g. “at "
        "least six”, “nearly 50”, “several”, “between 10 and 20”.",
        "line 15: found no claim by “A Hospital” on “A market” about killed people; "
        "import the claim first",
    ]
    # The attachments went to the claims the lines named, made earlier in the same batch.
    radio = Attribution.objects.get(source__name="A Radio")
    assert radio.claim.count_text == "at least 6"
    wire = Attribution.objects.get(source__name="A Wire")
    assert wire.claim.count_text == "9"
    monitor = Attribution.objects.get(source__name="A Monitor")
    assert (monitor.verification, monitor.verified_by, monitor.verification_note) == (
        "verified",
        factchecker,
        "imported",
    )
    record = monitor.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        factchecker,
        "Imported from a file. Verified: imported",
    )
    assert ConflictFlag.objects.filter(event__title="A ambush", status="open").exists()


def test_an_import_takes_as_many_statements_for_200_lines_as_for_20(tmp_path: Path) -> None:
    def line(e: int, i: int) -> dict[str, Any]:
        """Nine claims an event, and a source attached to the first."""
        fields = {
            "event": f"Attack {e}",
            "claimant": f"Source {e}-{i}",
            "measure": "killed",
            "count_text": str(5 + i),
        }
        if i == 9:
            fields |= {"stance": "corroborates", "claim_by": f"Source {e}-0"}
        return fields

    def lines(events: range) -> list[dict[str, Any]]:
        return [line(e, i) for e in events for i in range(10)]

    statements = []
    for events in (range(2), range(2, 22)):
        path = write(tmp_path / f"{len(events)}.jsonl", lines(events))
        with CaptureQueriesContext(connection) as queries:
            assert import_file(path) == ""
        statements.append(len(queries))
    assert Claim.objects.count() == 22 * 9
    assert Attribution.objects.count() == 22 * 10
    assert statements[0] == statements[1]


def test_a_new_source_named_as_another_sources_alias_is_refused_with_its_line(
    tmp_path: Path,
) -> None:
    """Only the write checks a new name against every alias: the batch is redone line by
    line and the line is named, with the other lines saved."""
    jnim = services.source_create(
        by=None, name="Jama'at Nusrat al-Islam wal-Muslimin", kind="party", aliases=["JNIM"]
    )
    path = write(
        tmp_path / "claims.jsonl",
        [
            {"event": "Ambush", "claimant": "Army", "measure": "killed", "count_text": "6"},
            {"event": "Ambush", "claimant": "JNIM", "measure": "killed", "count_text": "50"},
            {"event": "Ambush", "claimant": "Rebels", "measure": "killed", "count_text": "84"},
        ],
    )
    assert import_file(path).strip() == (
        f"line 2: name: “JNIM” is another name of the source “{jnim.name}”: use that "
        "source, or remove the alias from it first."
    )
    assert set(Claim.objects.values_list("claimant__name", flat=True)) == {"Army", "Rebels"}
