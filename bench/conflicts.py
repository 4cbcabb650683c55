"""Benchmark the conflict pipeline on PostgreSQL and Redis (issue 4).

(a) One event's recheck with 10 .. 10,000 counts: queries per recheck, median time,
    and the ratio to a bare SELECT of the same rows, measured in the same run.
(b) A burst of edits over many events with two real worker processes: time to drain,
    rechecks run per event, and the latency from commit to flag (idle and in the burst).

    .venv/bin/python bench/conflicts.py            # full: 10,000 edits over 1,000 events
    .venv/bin/python bench/conflicts.py --quick    # 1,000 edits over 100 events

Uses the database `verifier_bench` (created if missing) and Redis db 14; it never touches
the development or test databases. Needs PostgreSQL and Redis (see README).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claims.models import Claim

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
os.environ["DATABASE_URL"] = f"{PG}/verifier_bench"
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verifier.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.database import empty_claims, setup_django  # noqa: E402

LOGS = ROOT / "test-artifacts" / "bench"
T0 = datetime(2024, 7, 27, tzinfo=UTC)


def fresh() -> None:
    empty_claims()
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def build_event(n: int, title: str, origins: int = 40, *, each_its_own_time: bool = False) -> int:
    """An event with n counts (claims) from `origins` origins; some figures conflict.

    The claims repeat a handful of figures, as reports of one event do; with
    ``each_its_own_time`` every claim has its own publication time, so no two give the
    same figure (the worst case for the recheck, which reads each distinct figure once).
    """
    from claims.models import Attribution, Claim, Event, Source

    event = Event.objects.create(title=title)
    sources = Source.objects.bulk_create(
        [
            Source(name=f"{title} source {i}", kind="party", origin=f"{title} origin {i}")
            for i in range(origins)
        ]
    )
    rng = random.Random(n)
    claims = []
    for i in range(n):
        low = rng.choice([6, 7, 40, 45, 50, 84, 100])
        high = rng.choice([low, low + 5, None])
        claims.append(
            Claim(
                event=event,
                claimant=sources[i % origins],
                measure="killed",
                group=rng.choice(["Wagner fighters", "Malian soldiers"]),
                count_text=str(low),
                count_low=low,
                count_high=high,
                count_qualifier="exact",
                made_at=T0 + timedelta(seconds=i) if each_its_own_time else None,
            )
        )
    claims = Claim.objects.bulk_create(claims, batch_size=2000)
    Attribution.objects.bulk_create(
        [Attribution(claim=c, source=c.claimant, stance="asserts") for c in claims],
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum keeps them in production: with none, the
        # planner takes 10,000 rows for a handful and both the recheck and the bare
        # SELECT pay for a nested loop over the attributions.
        cursor.execute("ANALYZE claims_event, claims_source, claims_claim, claims_attribution")
    return event.pk


def bare_select(event_id: int) -> Callable[[], None]:
    """The recheck's own two SELECTs, compiled beforehand and run through a plain
    cursor: the rows fetched and dropped, nothing else."""
    from django.db import connection

    from claims.selectors import attribution_rows, claim_rows

    statements = [q(event_id).query.sql_with_params() for q in (claim_rows, attribution_rows)]

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def paired_times(first: Callable[[], object], second: Callable[[], object], rounds: int):
    """Median times of two functions and the median of their per-round ratio.

    Each round runs both, in alternating order, so that the machine's drift (these
    machines are shared and noisy) weighs on both alike and each ratio compares
    runs made moments apart.
    """
    times: tuple[list[float], list[float]] = ([], [])
    for round_ in range(rounds):
        order = ((0, first), (1, second)) if round_ % 2 == 0 else ((1, second), (0, first))
        for which, fn in order:
            start = time.perf_counter()
            fn()
            times[which].append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(*times, strict=True)]
    return statistics.median(times[0]), statistics.median(times[1]), statistics.median(ratios)


def part_a(sizes: list[int]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims import services

    rows = [
        "| counts | queries/recheck | recheck (ms, median) | bare SELECT (ms) | ratio (median) |",
        "|---:|---:|---:|---:|---:|",
    ]
    cases = [(n, f"{n:,}", False) for n in sizes]
    cases.append((sizes[-1], f"{sizes[-1]:,}, every figure distinct", True))
    for n, label, distinct in cases:
        event_id = build_event(n, f"Event with {label} counts", each_its_own_time=distinct)
        services.recheck_event(event_id=event_id, force=True)  # opens the flags once
        with CaptureQueriesContext(connection) as queries:
            services.recheck_event(event_id=event_id, force=True)
        recheck, bare, ratio = paired_times(
            lambda event_id=event_id: services.recheck_event(event_id=event_id, force=True),
            bare_select(event_id),
            rounds=31 if n <= 1000 else 21,
        )
        statements = [
            q for q in queries if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT"))
        ]
        rows.append(
            f"| {label} | {len(statements)} | {recheck * 1000:.1f} | {bare * 1000:.1f} | "
            f"{ratio:.2f} |"
        )
        print(rows[-1], flush=True)
    return rows


def start_worker(name: str) -> subprocess.Popen[bytes]:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = open(LOGS / f"{name}.log", "wb")  # noqa: SIM115
    env = {**os.environ, "LOG_LEVEL": "INFO"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "verifier",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_workers(names: list[str]) -> None:
    from verifier.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        seen = {next(iter(r)).split("@")[0] for r in replies}
        if set(names) <= seen:
            return
    raise RuntimeError("workers did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def edit_to_conflict(claim, count: str):
    """Edit a claim's count through the service; the edited claim and the commit time."""
    from claims import services

    claim = services.claim_update(claim=claim, version=claim.version, by=None, count_text=count)
    return claim, time.time()


def wait_flag(event_id: int, timeout: float = 30) -> float:
    from claims.models import ConflictFlag

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        flag = ConflictFlag.objects.open().filter(event_id=event_id).first()
        if flag:
            return flag.opened_at.timestamp()
        time.sleep(0.005)
    raise RuntimeError(f"no flag on event {event_id}")


def write_edits(share: list[tuple[int, int]], per_event: int, order: str) -> dict[int, float]:
    """One writer process: its share of the burst; returns each event's last commit time."""
    import django

    django.setup()
    from claims.models import Claim

    claims = {event_id: Claim.objects.get(pk=claim_id) for event_id, claim_id in share}
    plan = (
        [(event_id, round_) for event_id, _ in share for round_ in range(per_event)]
        if order == "grouped"
        else [(event_id, round_) for round_ in range(per_event) for event_id, _ in share]
    )
    committed_at: dict[int, float] = {}
    for event_id, round_ in plan:
        # Figures that stay compatible, then a last edit that conflicts.
        count = "84" if round_ == per_event - 1 else f"about {48 + round_ % 3}"
        claims[event_id], committed_at[event_id] = edit_to_conflict(claims[event_id], count)
    return committed_at


def pair_maker() -> Callable[[str], tuple[int, Claim]]:
    """make(title): an event with two compatible claims; the CSP claim is edited later."""
    from claims import services

    jnim = services.source_create(by=None, name="JNIM", kind="party")
    csp = services.source_create(by=None, name="CSP-DPA", kind="party")

    def make(title: str) -> tuple[int, Claim]:
        event = services.event_create(by=None, title=title)
        services.claim_create(
            by=None, event=event, claimant=jnim, measure="killed",
            group="Wagner fighters", count_text="50",
        )  # fmt: skip
        other = services.claim_create(
            by=None, event=event, claimant=csp, measure="killed",
            group="Wagner fighters", count_text="about 50",
        )  # fmt: skip
        return event.pk, other

    return make


def idle_latencies(make: Callable[[str], tuple[int, Claim]]) -> list[float]:
    """Commit → flag, one edit at a time on a quiet system."""
    idle = []
    for i in range(20):
        event_id, claim = make(f"Idle {i}")
        time.sleep(1.5)  # let the creation's recheck finish
        _, committed = edit_to_conflict(claim, "84")
        idle.append(wait_flag(event_id) - committed)
    return idle


def burst(
    events: list[tuple[int, Claim]], per_event: int, order: str, writers: int
) -> tuple[float, float, list[float]]:
    """The edits from ``writers`` processes: (seconds to make them, to drain, latencies)."""
    from claims.models import ConflictFlag, Event

    # Each writer process (an editor, an API client, an import) takes its share of
    # the events. grouped: it makes each event's edits together, then moves on;
    # interleaved: round-robin over its events, the worst case for coalescing.
    shares = [
        [(event_id, claim.pk) for event_id, claim in events[w::writers]] for w in range(writers)
    ]
    start = time.monotonic()
    with multiprocessing.get_context("spawn").Pool(writers) as pool:
        results = pool.starmap(write_edits, [(share, per_event, order) for share in shares])
    edits_done = time.monotonic() - start
    committed_at = {event_id: at for result in results for event_id, at in result.items()}
    opened = ConflictFlag.objects.open().filter(event__title__startswith="Burst")

    def drained() -> bool:
        return (
            opened.count() == len(events)
            and not Event.objects.filter(needs_recheck_since__isnull=False).exists()
        )

    deadline = time.monotonic() + 300
    while not drained() and time.monotonic() < deadline:
        time.sleep(0.05)
    drain = time.monotonic() - start
    latencies = [flag.opened_at.timestamp() - committed_at[flag.event_id] for flag in opened]
    return edits_done, drain, latencies


def recheck_runs(event_ids: set[int]) -> tuple[list[int], list[int]]:
    """Per event, from the workers' logs: rechecks that read the counts, and task runs."""
    runs: Counter[int] = Counter()
    # A run that read the counts says 'checked': True; the others waited for a lull
    # or found every change already seen (one locked read).
    pattern = re.compile(r"recheck_event\[.*succeeded .*'event': (\d+), '(\w+)': (\w+)")
    tasks: Counter[int] = Counter()
    for log in LOGS.glob("bench-w*.log"):
        for line in log.read_text(errors="replace").splitlines():
            match = pattern.search(line)
            if match:
                tasks[int(match.group(1))] += 1
                if match.group(2, 3) == ("checked", "True"):
                    runs[int(match.group(1))] += 1
    return [runs.get(e, 0) for e in event_ids], [tasks.get(e, 0) for e in event_ids]


def part_b(n_events: int, n_edits: int, order: str, writers: int) -> list[str]:
    fresh()
    workers = [start_worker("bench-w1"), start_worker("bench-w2")]
    try:
        wait_workers(["bench-w1", "bench-w2"])
        make = pair_maker()
        idle = idle_latencies(make)
        events = [make(f"Burst {i}") for i in range(n_events)]
        time.sleep(3)
        for log in LOGS.glob("bench-w*.log"):
            log.write_text("")  # count only the burst's rechecks
        edits_done, drain, latencies = burst(events, n_edits // n_events, order, writers)
        time.sleep(2)
        per, per_task = recheck_runs({event_id for event_id, _ in events})
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    return [
        "| measure | value | target |",
        "|---|---:|---:|",
        f"| edits / events ({order}, {writers} writers) | {n_edits:,} / {n_events:,} | |",
        f"| time to make the edits (s), edits/s | {edits_done:.1f}, {n_edits / edits_done:.0f} | |",
        f"| time to drain, from the first edit (s) | {drain:.1f} | |",
        f"| rechecks per event, median / max | {statistics.median(per):.0f} / {max(per)} | ≤ 3 |",
        f"| task runs per event (with waits and no-ops), median / max | "
        f"{statistics.median(per_task):.0f} / {max(per_task)} | |",
        f"| commit → flag, idle, p50 / p95 (s) | {percentile(idle, 0.5):.2f} / "
        f"{percentile(idle, 0.95):.2f} | p95 < 1 |",
        f"| commit → flag, in the burst, p50 / p95 (s) | {percentile(latencies, 0.5):.2f} / "
        f"{percentile(latencies, 0.95):.2f} | p95 < 5 |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--part", choices=["a", "b", "both"], default="both")
    parser.add_argument(
        "--order",
        choices=["grouped", "interleaved"],
        default="grouped",
        help="(b) how each writer spreads its edits over its events",
    )
    parser.add_argument(
        "--writers", type=int, default=4, help="(b) processes making the edits at once"
    )
    args = parser.parse_args()
    setup_django()
    out = []
    if args.part in {"a", "both"}:
        fresh()
        print("(a) one event's recheck", flush=True)
        out += part_a([10, 100, 1000] if args.quick else [10, 100, 1000, 10000])
    if args.part in {"b", "both"}:
        print("(b) a burst of edits with two workers", flush=True)
        sizes = (100, 1000) if args.quick else (1000, 10000)
        out += ["", *part_b(*sizes, order=args.order, writers=args.writers)]
    print("\n".join(out))


if __name__ == "__main__":
    main()
