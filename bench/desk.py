"""How fast the desk's pages are at 10,000 and at 1,000,000 claims, and what a CSV costs.

    .venv/bin/python bench/desk.py [--claims N ...] [--rounds R] [--rebuild]

For each size it builds an archive in its own PostgreSQL database (1,000,000 claims:
``verifier_bench_desk``; other sizes: ``verifier_bench_desk_<N>``) once and reuses it
(``--rebuild`` starts again; see bench/desk_data.py for what is in it), then times
every desk page in-process with Django's test client, logged in as an editor.

Each size runs in a child process of its own (one database per process). The parent
asks them for a round each in turn, ``R`` rounds (default 9; the first is thrown
away), so that both sizes see the same load on a shared machine; it prints medians.
Then each child streams the claims queue's CSV export of every claim and measures the
Python memory held at its peak (tracemalloc) against a small filtered export, and
reads the file back with ``csv`` to check its rows and that no cell starts a formula.

The PostgreSQL server is ``postgres://postgres@127.0.0.1:5432`` unless BENCH_POSTGRES
says otherwise.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
MILLION = 1_000_000


def database_name(claims: int) -> str:
    return "verifier_bench_desk" if claims == MILLION else f"verifier_bench_desk_{claims}"


def setup_django(claims: int) -> None:
    """Point Django at this size's database, creating the database if it is missing."""
    os.environ["DATABASE_URL"] = f"{SERVER}/{database_name(claims)}"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.pop("REDIS_URL", None)  # nothing is queued: the bench only reads
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verifier.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("ensure_database")
    # Development settings (static files from the finders), without DEBUG's query log.
    settings.DEBUG = False


def ensure_built(claims: int, rebuild: bool) -> float | None:
    """Migrate, and build the archive unless it is there. Returns the build's seconds."""
    from django.core.management import call_command
    from django.db import connection

    if rebuild:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    from claims.models import Claim

    if Claim.objects.exists():
        return None
    sys.path.insert(0, str(ROOT / "bench"))
    from desk_data import build

    started = time.perf_counter()
    build(claims)
    return time.perf_counter() - started


def pages() -> dict[str, str]:
    """The desk's pages, by name, as the editor opens them."""
    from django.urls import reverse

    from claims.models import Claim, ConflictFlag, Event, Source

    flagged = ConflictFlag.objects.filter(status="open").order_by("id").first()
    assert flagged is not None, "the archive has no open flag"
    claim = Claim.objects.filter(event_id=flagged.event_id).order_by("id").first()
    event = Event.objects.get(pk=flagged.event_id)
    source = Source.objects.order_by("id")[7]
    queue = reverse("admin:claims_claim_changelist")
    return {
        "desk home": reverse("admin:index"),
        "claims queue": queue,
        "claims queue, page 50": queue + "?p=50",
        "claims queue, in review": queue + "?status__exact=in_review",
        "search: a place (~2 %)": queue + "?q=Tinzaouaten",
        "search: a source's name": queue + "?" + urlencode({"q": f'"{source.name}"'}),
        "assigned to me": queue + "?assigned=me",
        "queue, one event (picker)": queue + f"?event__id__exact={event.pk}",
        "sources to check": reverse("admin:claims_attribution_changelist"),
        "conflict desk": reverse("admin:claims_conflictflag_changelist"),
        "events": reverse("admin:claims_event_changelist"),
        "claim page": reverse("admin:claims_claim_change", args=[claim.pk]),
        "event page": reverse("admin:claims_event_change", args=[event.pk]),
        "API: /api/claims/": "/api/claims/",
    }


def editor_client() -> Any:
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="editor"))
    return client


def time_round(client: Any, urls: dict[str, str]) -> dict[str, tuple[float, int]]:
    """One request to each page: {name: (seconds, queries)}."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (name, url, response.status_code)
        found[name] = (elapsed, len(captured))
    return found


def export_csv(client: Any, url: str) -> tuple[int, float, float, int, int]:
    """(rows, seconds, peak MiB held while streaming, cells that a spreadsheet would run
    as a formula, cells neutralised with an apostrophe)."""
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    reader = csv.reader(io.TextIOWrapper(StreamReader(response.streaming_content), "utf-8"))
    header = next(reader)
    rows = formulas = neutralised = 0
    for row in reader:
        assert len(row) == len(header)
        rows += 1
        formulas += sum(1 for cell in row if cell[:1] in ("=", "+", "@"))
        neutralised += sum(1 for cell in row if cell[:2] in ("'=", "'+", "'@"))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, elapsed, peak / 2**20, formulas, neutralised


class StreamReader(io.RawIOBase):
    """A streaming response's chunks as a file, so csv reads it as it arrives."""

    def __init__(self, chunks: Any) -> None:
        self.chunks = iter(chunks)
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def time_exports(claims: int) -> dict[str, Any]:
    from django.urls import reverse

    client = editor_client()
    url = reverse("admin:claims_claim_export")
    small = export_csv(client, url + "?status__exact=in_review&q=Tinzaouaten")
    whole = export_csv(client, url)
    keys = ("rows", "s", "peak_mib", "formulas", "neutralised")
    return {
        "small": dict(zip(keys, small, strict=True)),
        "whole": dict(zip(keys, whole, strict=True)),
    }


def child(claims: int, rebuild: bool) -> None:
    """Serve the parent: "round" times every page once, "export" the CSV, "urls" the pages."""
    setup_django(claims)
    built = ensure_built(claims, rebuild)
    client, urls = editor_client(), pages()
    print(json.dumps({"claims": claims, "built_s": built, "urls": urls}), flush=True)
    for line in sys.stdin:
        if line.strip() == "round":
            print(json.dumps(time_round(client, urls)), flush=True)
        elif line.strip() == "export":
            print(json.dumps(time_exports(claims)), flush=True)


class Child:
    """A child process for one size, asked for one thing at a time."""

    def __init__(self, claims: int, rebuild: bool) -> None:
        command = [sys.executable, __file__, "--child", str(claims)]
        command += ["--rebuild"] if rebuild else []
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.info = self.ask(None)

    def ask(self, what: str | None) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if what is not None:
            self.proc.stdin.write(what + "\n")
            self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {what or 'start'} of a bench child failed; see its output")
        return dict(json.loads(line))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def run(sizes: list[int], rounds: int, rebuild: bool, exports: bool) -> list[dict[str, Any]]:
    children = [Child(claims, rebuild) for claims in sizes]
    times: list[dict[str, list[tuple[float, int]]]] = [{} for _ in children]
    for round_number in range(rounds):
        for child_times, child in zip(times, children, strict=True):
            result = child.ask("round")
            if round_number:  # the first round warms caches and connections
                for name, value in result.items():
                    child_times.setdefault(name, []).append(tuple(value))  # type: ignore[arg-type]
    results = []
    for child, child_times in zip(children, times, strict=True):
        pages_ = {
            name: {
                "ms": statistics.median(t for t, _ in values) * 1000,
                "queries": values[-1][1],
                "url": child.info["urls"][name],
            }
            for name, values in child_times.items()
        }
        result = {**child.info, "pages": pages_}
        if exports:
            result["exports"] = child.ask("export")
        child.close()
        results.append(result)
    return results


def report(results: list[dict[str, Any]]) -> None:
    small, large = results[0], results[-1]
    print(f"\n| page | {small['claims']:,} claims (ms) | {large['claims']:,} claims (ms) "
          "| ratio | queries |")  # fmt: skip
    print("|---|---:|---:|---:|---:|")
    for name, row in large["pages"].items():
        base = small["pages"][name]["ms"]
        print(f"| {name} | {base:.1f} | {row['ms']:.1f} | {row['ms'] / base:.2f} "
              f"| {row['queries']} |")  # fmt: skip
    for result in results:
        if result.get("built_s"):
            print(f"\nBuilt {result['claims']:,} claims in {result['built_s']:.0f} s.")
        export = result.get("exports")
        if export:
            for label, row in (("filtered", export["small"]), ("every claim", export["whole"])):
                print(
                    f"CSV at {result['claims']:,}, {label}: {row['rows']:,} rows in "
                    f"{row['s']:.1f} s, peak Python memory {row['peak_mib']:.1f} MiB; "
                    f"{row['neutralised']} formula cells neutralised, {row['formulas']} left"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, nargs="*", default=[10_000, MILLION])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rebuild)
        return
    load = os.getloadavg()[0]
    results = run(sorted(args.claims), args.rounds, args.rebuild, not args.no_export)
    report(results)
    print(f"\nLoad average at the start: {load:.2f}, at the end: {os.getloadavg()[0]:.2f} "
          f"({os.cpu_count()} CPUs).")  # fmt: skip


if __name__ == "__main__":
    main()
