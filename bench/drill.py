"""Fault drill (issue #17): five outages against real workers, beat and a webhook receiver.

    .venv/bin/python bench/drill.py [--events 20] [--outage 20]

Everything runs on a PRIVATE redis-server and a PRIVATE PostgreSQL cluster that the
drill starts on free ports and kills (tests/servers.py): never the shared ones. Two
workers (concurrency 1 each) and beat run as in production, with beat's sweeps every
2 s. The desk here is a webhook receiver on loopback that records idempotency keys.

Each scenario writes conflicts (two claims with incompatible counts on a new event:
each must end with exactly one open flag and one webhook message), breaks something,
repairs it, and waits for convergence. It prints, per scenario: acknowledged writes
lost, flags missing or duplicated, notifications missing or duplicated (deliveries
beyond one per key: a receiver drops them by key), and the time from the repair to
convergence.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from servers import PrivatePostgres, PrivateRedis, stop_group  # noqa: E402

LOGS = ROOT / "test-artifacts" / "drill"
SWEEP_SECONDS = "2"


class Lines(logging.Handler):
    """Keeps what a logger said, to count it."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.text += record.getMessage() + "\n"


class Receiver:
    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.keys[body["idempotency_key"]] += 1
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@dataclass
class Row:
    scenario: str
    acknowledged: int = 0
    lost: int = 0
    flags_missing: int = 0
    flags_duplicated: int = 0
    notes_missing: int = 0
    notes_duplicated: int = 0
    converge: float = float("nan")
    extra: str = ""


class Drill:
    def __init__(self, events: int, outage: float) -> None:
        self.events, self.outage = events, outage
        self.pg = PrivatePostgres().init()
        self.pg.create_database("verifier")
        self.redis = PrivateRedis().start()
        self.receiver = Receiver()
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "verifier.settings",
            "DATABASE_URL": self.pg.url("verifier"),
            "REDIS_URL": self.redis.url(),
            "CONFLICT_WEBHOOK_URL": self.receiver.url,
            "RECHECK_SWEEP_SECONDS": SWEEP_SECONDS,
            "RECHECK_STALE_SECONDS": "1",
            "NOTIFY_SWEEP_SECONDS": SWEEP_SECONDS,
        }
        os.environ.update({**self.env, "LOG_LEVEL": "WARNING"})
        import django

        django.setup()
        self.queueing_log = Lines()
        logging.getLogger("claims.queueing").addHandler(self.queueing_log)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        LOGS.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        for name in ("w1", "w2", "beat"):
            self.start(name)
        self.serial = 0

    # --- processes ---
    def start(self, name: str, **env: str) -> None:
        role = ["beat", f"--schedule={self.redis.dir / 'beat'}"] if name == "beat" else [
            "worker", "--concurrency=1", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-n", f"{name}@%h"]  # fmt: skip
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "verifier", *role, "--loglevel=INFO"],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=open(LOGS / f"{name}.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def close(self) -> None:
        for proc in self.procs.values():
            stop_group(proc)
        self.redis.close()
        self.pg.close()

    # --- writes and checks ---
    def write_conflicts(self, n: int, tag: str) -> tuple[list[int], int]:
        """n new events with two conflicting claims each; (acknowledged ids, attempted)."""
        from django.db import connection

        from claims import services

        done = []
        for _ in range(n):
            self.serial += 1
            try:
                event = services.event_create(by=None, title=f"{tag} {self.serial}")
                for who, count in (("JNIM", "50"), ("CSP-DPA", "84")):
                    source = self.source(who)
                    services.claim_create(by=None, event=event, claimant=source,
                                          measure="killed", group="Wagner fighters",
                                          count_text=count)  # fmt: skip
            except Exception:  # the database is down: this write was not acknowledged
                connection.close()
                continue
            done.append(event.pk)
        return done, n

    def source(self, name: str) -> Any:
        from claims import services
        from claims.models import Source

        return Source.objects.filter(name=name).first() or services.source_create(
            by=None, name=name, kind="party"
        )

    def state(self, events: list[int]) -> tuple[int, int, int, int, int, int]:
        """(lost, flags missing, flags duplicated, notes missing, notes duplicated, marked)."""
        from django.db import connection

        from claims.models import Claim, ConflictFlag, Event

        try:
            lost = len(events) - Claim.objects.filter(event_id__in=events).values(
                "event_id").distinct().count()  # fmt: skip
            opened = Counter(
                ConflictFlag.objects.filter(event_id__in=events).values_list("event_id", flat=True)
            )
            flag_ids = ConflictFlag.objects.filter(event_id__in=events).values_list("pk", flat=True)
            marked = Event.objects.filter(pk__in=events, needs_recheck_since__isnull=False).count()
        except Exception:
            connection.close()
            return (-1, -1, -1, -1, -1, -1)
        keys = [f"verifier-flag-{pk}-opened-webhook" for pk in flag_ids]
        return (
            lost,
            sum(1 for e in events if opened[e] == 0),
            sum(n - 1 for n in opened.values() if n > 1),
            sum(1 for k in keys if not self.receiver.keys[k]),
            sum(self.receiver.keys[k] - 1 for k in keys if self.receiver.keys[k] > 1),
            marked,
        )

    def converge(self, row: Row, events: list[int], since: float, limit: float = 300) -> Row:
        while True:
            lost, fm, fd, nm, nd, marked = self.state(events)
            done = lost == 0 and fm == 0 and nm == 0 and marked == 0
            if done or time.monotonic() - since > limit:
                break
            time.sleep(0.2)
        row.lost, row.flags_missing, row.flags_duplicated = lost, fm, fd
        row.notes_missing, row.notes_duplicated = nm, nd
        row.converge = time.monotonic() - since if done else float("nan")
        return row

    def wait(self, predicate: Callable[[], bool], limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while not predicate() and time.monotonic() < deadline:
            time.sleep(0.1)

    # --- the five outages ---
    def redis_outage(self) -> Row:
        """Redis killed while the workers hold countdown rechecks; back empty."""
        import redis
        from django.conf import settings

        from claims import queueing

        settings.RECHECK_COALESCE_SECONDS = 60  # these rechecks wait in the workers
        held, _n1 = self.write_conflicts(self.events, "redis-outage")
        broker = redis.Redis(port=self.redis.port)
        self.wait(lambda: broker.hlen("unacked") >= 2, 30)
        settings.RECHECK_COALESCE_SECONDS = 0.3
        self.redis.kill()
        during, _n2 = self.write_conflicts(self.events, "redis-outage")
        time.sleep(self.outage)
        self.redis.start()
        queueing.breaker.open_until = 0.0  # the drill's own writer tries again at once
        repaired = time.monotonic()
        row = Row("1. Redis killed under workers holding countdown rechecks", len(held + during))
        row = self.converge(row, held + during, repaired)
        row.extra = f"workers alive: {sum(p.poll() is None for p in self.procs.values())}/3"
        return row

    def postgres_outage(self) -> Row:
        """PostgreSQL stopped (immediate) while rechecks and notifications are in flight."""
        events, n1 = self.write_conflicts(self.events, "pg-outage")
        self.pg.stop()
        later, n2 = self.write_conflicts(5, "pg-outage")  # refused: not acknowledged
        time.sleep(self.outage)
        self.pg.start()
        repaired = time.monotonic()
        row = Row("2. PostgreSQL down while flags open", len(events + later))
        row = self.converge(row, events + later, repaired)
        row.extra = f"{n1 + n2 - len(events + later)} writes refused while it was down"
        return row

    def backlog(self) -> Row:
        """Redis down through a burst of edits; back up: how many rechecks does it take?"""
        from claims import queueing

        runs_before = self.recheck_runs()
        self.redis.kill()
        events, _n = self.write_conflicts(self.events * 5, "backlog")
        self.redis.start()
        queueing.breaker.open_until = 0.0
        repaired = time.monotonic()
        row = self.converge(
            Row("3. Backlog swept in after Redis returns", len(events)), events, repaired
        )
        self.wait(lambda: False, 3 * float(SWEEP_SECONDS))  # a few more sweeps: no re-runs
        runs = self.recheck_runs() - runs_before
        row.extra = f"{runs} recheck runs for {len(events)} events"
        return row

    def frozen_worker(self) -> Row:
        """A worker frozen while holding an event's row lock (a machine that vanished)."""
        from django.conf import settings

        [event], _n = self.write_conflicts(1, "frozen")
        holder = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c",
             "import os, signal\nfrom django.db import transaction\n"
             "from claims.models import Event\nwith transaction.atomic():\n"
             f"    Event.objects.select_for_update().get(pk={event})\n"
             "    print('locked', flush=True)\n    os.kill(os.getpid(), signal.SIGSTOP)\n"],
            cwd=ROOT, env={**self.env, "DB_IDLE_IN_TRANSACTION_SECONDS": "10"},
            stdout=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        assert holder.stdout is not None
        holder.stdout.readline()
        frozen = time.monotonic()
        from claims import services

        services.event_request_recheck(event=self.event(event), by=None)
        row = self.converge(
            Row("4. Worker frozen holding the event's row lock", 1), [event], frozen
        )
        stop_group(holder, signal.SIGKILL)
        row.extra = (
            f"idle-in-transaction limit 10 s, lock wait {settings.RECHECK_LOCK_TIMEOUT_MS} ms"
        )
        return row

    def event(self, pk: int) -> Any:
        from claims.models import Event

        return Event.objects.get(pk=pk)

    def slow_writes(self) -> Row:
        """Writes while Redis is down: time per write against Redis up, log lines."""
        from claims import queueing

        self.queueing_log.text = ""
        started = time.monotonic()
        up, _ = self.write_conflicts(self.events, "writes-up")
        per_up = (time.monotonic() - started) / len(up)
        self.redis.kill()
        queueing.breaker.open_until = 0.0
        started = time.monotonic()
        down, _n = self.write_conflicts(self.events, "writes-down")
        per_down = (time.monotonic() - started) / max(len(down), 1)
        self.redis.start()
        queueing.breaker.open_until = 0.0
        repaired = time.monotonic()
        row = self.converge(
            Row("5. Writes while Redis is down", len(up + down)), up + down, repaired
        )
        row.extra = (
            f"{per_down * 1000:.0f} ms a write down vs {per_up * 1000:.0f} ms up "
            f"({per_down / per_up:.1f}×); {self.enqueue_warnings()} enqueue warning(s)"
        )
        return row

    def enqueue_warnings(self) -> int:
        return self.queueing_log.text.count("Could not queue")

    def recheck_runs(self) -> int:
        text = "".join((LOGS / f"{w}.log").read_text(errors="replace") for w in ("w1", "w2"))
        return len(re.findall(r"recheck_event\[[^\]]+\] succeeded", text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20, help="conflicts written per scenario")
    parser.add_argument("--outage", type=float, default=20, help="seconds each outage lasts")
    args = parser.parse_args()
    for old in LOGS.glob("*.log"):
        old.unlink()
    drill = Drill(args.events, args.outage)
    try:
        time.sleep(8)  # the workers and beat start
        rows = [drill.redis_outage(), drill.postgres_outage(), drill.backlog(),
                drill.frozen_worker(), drill.slow_writes()]  # fmt: skip
    finally:
        drill.close()
    print(f"\n{args.events} conflicts per scenario, outages of {args.outage:.0f} s, "
          f"beat's sweeps every {SWEEP_SECONDS} s, 2 workers\n")  # fmt: skip
    print(
        "| outage | writes acknowledged | lost | flags missing / duplicated "
        "| notifications missing / duplicated | converged after repair (s) | notes |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r.scenario} | {r.acknowledged} | {r.lost} | {r.flags_missing} / "
              f"{r.flags_duplicated} | {r.notes_missing} / {r.notes_duplicated} | "
              f"{r.converge:.1f} | {r.extra} |")  # fmt: skip


if __name__ == "__main__":
    main()
