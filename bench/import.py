"""Benchmark ``import_claims`` on PostgreSQL with rechecks in-process (issue 15, Measure).

    .venv/bin/python bench/import.py            # 10,000 lines over 500 events
    .venv/bin/python bench/import.py --quick    # 2,000 lines over 100 events

Three runs into an emptied database, in the same process:

- the baseline: a sample of the lines (every event's lines, of one event in ten)
  imported one line at a time, each its own ``import_claims`` call, so each line commits
  and is rechecked on its own, as the same statements typed one by one at the desk;
- the file: every line in one ``import_claims`` call;
- the file with every tenth line bad (a NUL byte, 2024-02-30, year 0, invalid UTF-8,
  JSON nested 100,000 deep, a time that is year 10000 in UTC, an unknown measure, a
  count that is no count), the others unchanged.

It prints lines per second for each, checks that every good line was saved, and that
the open flags (and each claim's corroboration) after the sample imported as part of
the whole file are exactly those after importing it one line at a time.

No REDIS_URL: tasks run in-process (``TASKS_IN_PROCESS``), so every recheck is paid
inside the import, as on a machine without Redis. Uses its own database
``verifier_bench_imp`` (created if missing), never the development or test data.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "verifier_bench_imp"
os.environ["DATABASE_URL"] = f"{PG}/{DB}"
os.environ.pop("REDIS_URL", None)  # tasks in-process: the rechecks are part of the import
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verifier.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

from bench.database import empty_claims, setup_django  # noqa: E402

GROUPS = ("soldiers", "civilians", "Wagner fighters")
FIGURES = ("six", "at least 6", "7", "nearly 50", "84", "between 10 and 20", "several", "12")
PER_EVENT = 20
BAD_LINES = [
    b'{"event": "Bad \\u0000 NUL", "claimant": "X", "measure": "killed", "count_text": "3"}',
    b'{"event": "B", "event_date": "2024-02-30", "claimant": "X", "measure": "killed", '
    b'"count_text": "3"}',
    b'{"event": "B", "claimant": "X", "measure": "killed", "count_text": "3", '
    b'"published_at": "0000-01-01T00:00:00Z"}',
    b'{"event": "B\xff\xfe", "claimant": "X", "measure": "killed", "count_text": "3"}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"event": "B", "claimant": "X", "measure": "killed", "count_text": "3", '
    b'"published_at": "9999-12-31T23:59:59-05:00"}',
    b'{"event": "B", "claimant": "X", "measure": "vanished", "count_text": "3"}',
    b'{"event": "B", "claimant": "X", "measure": "killed", "count_text": "lots"}',
]


def event_lines(rng: random.Random, number: int) -> list[dict[str, Any]]:
    """One event's 20 lines: claims by a dozen claimants, then sources attached to them.

    Figures repeat and disagree as reports of one incident do, so about half the events
    end with an open flag. Claimants come from a pool of 300 shared across events.
    """
    title = f"Attack number {number} in the Mopti region"
    base = {"event": title, "event_date": f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}"}
    claims: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for i in range(12):
        claimant = f"Source {rng.randrange(300)}"
        if any(c["claimant"] == claimant for c in claims):
            claimant = f"{claimant} ({number}-{i})"
        line = base | {
            "claimant": claimant,
            "origin": claimant.split(" (")[0],
            "measure": rng.choice(("killed", "killed", "injured")),
            "group": rng.choice(GROUPS),
            "count_text": rng.choice(FIGURES),
            "text": f"{claimant} gave a figure for attack {number}.",
            "source_url": f"https://example.org/{number}/{i}",
            "published_at": f"2024-07-{1 + i:02d}T{rng.randrange(24):02d}:00:00Z",
        }
        claims.append(line)
        lines.append(line)
    for i in range(PER_EVENT - 12):
        claim = rng.choice(claims[:9] + claims[10:])  # the tenth is the one made bad
        stance = rng.choice(("corroborates", "relays", "contradicts"))
        line = base | {
            "claimant": f"Outlet {rng.randrange(100)} on {number}-{i}",
            "measure": claim["measure"],
            "group": claim["group"],
            "stance": stance,
            "claim_by": claim["claimant"],
            "count_text": rng.choice(FIGURES) if stance != "relays" else claim["count_text"],
            "verification": rng.choice(("unverified", "verified")),
            "published_at": f"2024-08-{1 + i:02d}T12:00:00Z",
        }
        lines.append(line)
    return lines


def corpus(events: int, seed: int = 15) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    return [event_lines(rng, n) for n in range(events)]


def as_file(lines: list[bytes], folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def encode(line: dict[str, Any]) -> bytes:
    return json.dumps(line, ensure_ascii=False).encode()


def with_bad_lines(lines: list[bytes]) -> list[bytes]:
    """Every tenth line replaced by a bad one. The tenth line of each group of twenty is a
    claim line that no later line attaches to, so no good line depends on a bad one."""
    return [
        BAD_LINES[(i // 10) % len(BAD_LINES)] if i % 10 == 9 else b for i, b in enumerate(lines)
    ]


def import_file(path: Path) -> tuple[float, str, str]:
    """Seconds for one ``import_claims`` call, its output and its errors."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, err = StringIO(), StringIO()
    start = time.perf_counter()
    try:
        call_command("import_claims", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"{exc}\n")
    return time.perf_counter() - start, out.getvalue(), err.getvalue()


def outcome(titles: set[str]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """What the desk sees: the open flags (their sides without database ids, which differ
    from run to run, and so does the fingerprint made from them), each claim's
    corroboration."""
    from claims.models import Claim, ConflictFlag

    flags = ConflictFlag.objects.open().select_related("event").filter(event__title__in=titles)
    claims = Claim.objects.select_related("event", "claimant").filter(event__title__in=titles)
    ids = {"key", "claim_id", "attribution_id"}
    return (
        sorted(
            (
                f.event.title,
                f.measure,
                f.group,
                f.explanation,
                sorted(
                    json.dumps({k: v for k, v in side.items() if k not in ids}) for side in f.sides
                ),
            )
            for f in flags
        ),
        sorted(
            (c.event.title, c.claimant.name, c.measure, c.group, c.count_text, c.corroboration)
            for c in claims
        ),
    )


@dataclass
class Workload:
    """The file, the same file with every tenth line bad, and the sample imported alone."""

    events: list[list[dict[str, Any]]]
    lines: list[bytes] = field(init=False)
    sample: list[bytes] = field(init=False)
    titles: set[str] = field(init=False)
    bad: list[bytes] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = [encode(line) for group in self.events for line in group]
        self.sample = [encode(line) for group in self.events[::10] for line in group]
        self.titles = {group[0]["event"] for group in self.events[::10]}
        self.bad = with_bad_lines(self.lines)

    @property
    def claims_in_good(self) -> int:
        return sum(1 for b in self.lines if b"claim_by" not in b)

    @property
    def claims_in_bad(self) -> int:
        """The good claim lines left in the file with bad lines (every tenth replaced)."""
        lost = sum(1 for i in range(9, len(self.lines), 10) if b"claim_by" not in self.lines[i])
        return self.claims_in_good - lost


def checked_round(
    work: Workload, singles: list[Path], paths: dict[str, Path], times: dict[str, list[float]]
) -> list[str]:
    """One round of the three imports, timed; what the first round checks, in words."""
    from claims.models import Claim, Event

    empty_claims()
    start = time.perf_counter()
    single_errors = sum(bool(import_file(path)[2]) for path in singles)
    times["one at a time"].append(time.perf_counter() - start)
    one_by_one = outcome(work.titles)

    empty_claims()
    seconds, _, err = import_file(paths["file"])
    times["file"].append(seconds)
    same = outcome(work.titles) == one_by_one
    good_saved = Claim.objects.count()
    # A recheck that failed in-process raises nothing (its error is logged): it would
    # leave both runs without flags, and "identical".
    marked = Event.objects.filter(needs_recheck_since__isnull=False).count()
    checks = [
        f"open flags and corroboration of the sample's {len(work.titles)} events after "
        f"the whole file {'==' if same else '!='} one line at a time "
        f"({len(one_by_one[0])} open flags, {len(one_by_one[1])} claims): "
        f"{'identical' if same else 'DIFFERENT'}",
        f"errors importing the good file: {err.strip() or 'none'}",
        f"events left marked for a recheck after it: {marked}",
        f"lines refused one at a time: {single_errors}",
        f"claims saved {good_saved} of {work.claims_in_good}: "
        f"{'all' if good_saved == work.claims_in_good else 'MISSING SOME'}",
    ]

    empty_claims()
    seconds, _, err = import_file(paths["file, every tenth bad"])
    times["file, every tenth bad"].append(seconds)
    reported = sum(1 for line in err.splitlines() if line.startswith("line "))
    bad_saved = Claim.objects.count()
    checks.append(
        f"file with bad lines: {reported} of {len(work.lines) // 10} bad lines reported; "
        f"claims saved {bad_saved} of {work.claims_in_bad} good claim lines: "
        f"{'all' if bad_saved == work.claims_in_bad else 'MISSING SOME'}"
    )
    return checks


def report(work: Workload, times: dict[str, list[float]], checks: list[str]) -> None:
    counts = {"one at a time": len(work.sample), "file": len(work.lines)}
    counts["file, every tenth bad"] = len(work.bad)
    print(
        f"{len(work.lines):,} lines over {len(work.events)} events ({PER_EVENT} lines each: "
        f"12 claims, 8 sources attached); the baseline imports {len(work.sample):,} of them "
        f"one at a time. PostgreSQL, rechecks in-process, medians of "
        f"{len(times['file'])} rounds.\n"
    )
    print("| import | lines | seconds (median) | lines/s | × baseline |")
    print("|---|---:|---:|---:|---:|")
    base_rate = counts["one at a time"] / statistics.median(times["one at a time"])
    for name, runs in times.items():
        median = statistics.median(runs)
        rate = counts[name] / median
        print(
            f"| {name} | {counts[name]:,} | {median:.1f} | {rate:,.0f} | {rate / base_rate:.1f} |"
        )
    whole = counts["file"] / statistics.median(times["file"])
    print(f"\nTarget at least 500 lines/s: {'met' if whole >= 500 else 'MISSED'} ({whole:,.0f}).")
    for check in checks:
        print(f"- {check}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 lines over 100 events")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, medians taken")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    work = Workload(corpus(100 if args.quick else 500))
    times: dict[str, list[float]] = {"one at a time": [], "file": [], "file, every tenth bad": []}
    checks: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = {
            "file": as_file(work.lines, folder, "good.jsonl"),
            "file, every tenth bad": as_file(work.bad, folder, "bad.jsonl"),
        }
        singles = [as_file([b], folder, f"line-{i}.jsonl") for i, b in enumerate(work.sample)]
        for round_ in range(args.rounds):
            said = checked_round(work, singles, paths, times)
            checks = said if round_ == 0 else checks
        connection.close()
    report(work, times, checks)


if __name__ == "__main__":
    main()
