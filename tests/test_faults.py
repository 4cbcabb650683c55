"""Fault drills: the promises the pipeline keeps when Redis, PostgreSQL or a worker fail.

Each test starts real processes (celery workers, beat, honcho, writers) and its own
private redis-server or PostgreSQL cluster (tests/servers.py), kills them, and waits
on conditions with a deadline. One test per finding of issue #17:

1. a Redis outage kills the worker (and under ``make run`` web with it);
2. notifications are lost for good when the broker or the database is away;
3. the sweep multiplies a backlog;
4. a dead worker's connection keeps the event's row lock;
5. writes slow down while Redis is down, a failed enqueue and a traceback per line.

``bench/drill.py`` repeats the outages at a larger scale and prints what was lost.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import redis
from conftest import ARTIFACTS, ROOT, WorkerProcess, need, on_postgres, wait_for
from django.conf import settings
from servers import PrivatePostgres, PrivateRedis, free_port, stop_group

from claims import services
from claims.models import ConflictFlag, Event, Source

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


# --- Helpers --------------------------------------------------------------------------------
def database_url_for_tests() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def app_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a Verifier process on these servers; beat's sweeps every 2 s."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RECHECK_SWEEP_SECONDS": "2",
        "RECHECK_STALE_SECONDS": "1",
        "NOTIFY_SWEEP_SECONDS": "2",
        **extra,
    }


def run_django(env: dict[str, str], code: str) -> str:
    """Run ``code`` in a fresh Django process with ``env``; returns what it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def start_celery(env: dict[str, str], role: str, name: str, tmp: Path) -> subprocess.Popen[bytes]:
    ARTIFACTS.mkdir(exist_ok=True)
    if role == "worker":
        args = ["worker", "--concurrency=1", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"{name}@%h"]  # fmt: skip
    else:
        args = ["beat", f"--schedule={tmp / 'beat-schedule'}"]
    log = open(ARTIFACTS / f"{name}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "verifier", *args, "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def log_of(name: str) -> str:
    return (ARTIFACTS / f"{name}.log").read_text(errors="replace")


CONFLICT = """
from claims import services
from claims.models import Source
event = services.event_create(by=None, title={title!r})
for name, count in [("JNIM", "50"), ("CSP-DPA", "84")]:
    who = Source.objects.filter(name=name).first() or services.source_create(
        by=None, name=name, kind="party")
    services.claim_create(by=None, event=event, claimant=who, measure="killed",
                          group="Wagner fighters", count_text=count)
print(event.pk)
"""


def open_flag_on(event_id: int) -> bool:
    return ConflictFlag.objects.open().filter(event_id=event_id).exists()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    yield server
    server.close()


# --- 1. A Redis outage kills the worker, and under make run the whole desk ------------------
def web_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


def test_a_redis_outage_under_make_run_leaves_web_up_and_rechecks_resume(
    transactional_db: None, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    need(on_postgres(), "PostgreSQL (set DATABASE_URL)")
    private_redis.start()
    port = free_port()
    env = app_env(
        database_url_for_tests(),
        private_redis.url(),
        PORT=str(port),
        BEAT_SCHEDULE=str(tmp_path / "beat-schedule"),
        RESPAWN_DELAY="1",
    )
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "honcho.log", "wb")  # noqa: SIM115
    honcho = subprocess.Popen(
        [str(ROOT / ".venv/bin/honcho"), "start", "-f", "Procfile"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    broker = redis.Redis(port=private_redis.port)
    try:
        wait_for(lambda: web_answers(port), timeout=60)
        wait_for(lambda: "worker.1" in log_of("honcho") and " ready." in log_of("honcho"), 60)
        # Two edits whose rechecks wait in the worker as countdown tasks (unacknowledged)
        # when Redis dies: the case that made kombu kill the worker.
        writer = {**env, "RECHECK_COALESCE_SECONDS": "120"}
        held = [int(run_django(writer, CONFLICT.format(title=f"Ambush {i}"))) for i in (1, 2)]
        wait_for(lambda: broker.hlen("unacked") == 2, timeout=30)

        private_redis.kill()
        wait_for(lambda: "Connection to broker lost" in log_of("honcho"), timeout=30)
        assert honcho.poll() is None and web_answers(port), log_of("honcho")[-3000:]

        private_redis.start()  # empty: the queue, the keys and the unacked set are gone
        # Nobody touches anything: the worker reconnects, beat's sweep requeues the
        # events still marked, the worker rechecks them.
        for event_id in held:
            wait_for(lambda e=event_id: open_flag_on(e), timeout=60)
        later = int(run_django(env, CONFLICT.format(title="Ambush after the outage")))
        wait_for(lambda: open_flag_on(later), timeout=30)
        assert honcho.poll() is None and web_answers(port)
        assert "Unrecoverable error" not in log_of("honcho")
    finally:
        stop_group(honcho)


# --- 2. Notifications are never lost ---------------------------------------------------------
class Receiver:
    """A webhook receiver on loopback that records each POST's idempotency key."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.keys.append(body["idempotency_key"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    need(Path("/usr/lib/postgresql").exists(), "PostgreSQL's server binaries (initdb, pg_ctl)")
    server = PrivatePostgres().init()
    server.create_database("verifier")
    yield server
    server.close()


def test_a_flag_opened_while_redis_and_then_postgres_are_down_still_gets_its_messages(
    private_postgres: PrivatePostgres, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    receiver = Receiver()
    env = app_env(
        private_postgres.url("verifier"), private_redis.url(), CONFLICT_WEBHOOK_URL=receiver.url
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    # Redis is not running: the flag commits, queueing its messages fails.
    flag_id = run_django(
        env,
        "from django.contrib.auth.models import Group, User\n"
        "u = User.objects.create_user('ed', 'ed@example.org', 'pw')\n"
        "u.groups.add(Group.objects.get(name='Editors'))\n"
        + CONFLICT.format(title="Raid on Kidal").replace("print(event.pk)", "")
        + "services.recheck_event(event_id=event.pk)\n"
        "print(event.flags.get().pk)\n",
    ).split()[-1]
    private_postgres.stop()  # and then PostgreSQL goes away too
    private_redis.start()
    procs = [start_celery(env, role, f"outbox-{role}", tmp_path) for role in ("worker", "beat")]
    try:
        wait_for(lambda: "OperationalError" in log_of("outbox-worker"), timeout=60)
        private_postgres.start()
        key = f"verifier-flag-{flag_id}-opened"
        wait_for(lambda: f"{key}-webhook" in receiver.keys, timeout=60)
        wait_for(lambda: f"X-Verifier-Idempotency-Key: {key}-email" in log_of("outbox-worker"), 60)
        assert set(receiver.keys) == {f"{key}-webhook"}
        sent = run_django(
            env,
            "from claims.models import Notification\n"
            "print(sorted(Notification.objects.values_list('channel', 'status')))",
        )
        assert sent.strip() == "[('email', 'sent'), ('webhook', 'sent')]"
    finally:
        for proc in procs:
            stop_group(proc)
        receiver.server.shutdown()


# --- 3. The sweep requeues only what is not already queued ----------------------------------
def make_conflict(title: str) -> Event:
    event = services.event_create(by=None, title=title)
    for name, count in [("JNIM", "50"), ("CSP-DPA", "84")]:
        who = Source.objects.filter(name=name).first() or services.source_create(
            by=None, name=name, kind="party"
        )
        services.claim_create(
            by=None,
            event=event,
            claimant=who,
            measure="killed",
            group="Wagner fighters",
            count_text=count,
        )
    return event


def test_the_sweep_requeues_only_events_with_no_recheck_queued(
    celery_worker_process: WorkerProcess,
) -> None:
    events = [make_conflict(f"Convoy {i}") for i in range(20)]  # queued; no worker yet
    queue = redis.Redis.from_url(settings.REDIS_URL)
    backlog = queue.llen("verifier")
    assert backlog == 20
    for _ in range(3):  # beat's sweep, three times while the backlog waits
        services.requeue_stale_rechecks(older_than=timedelta(0))
    assert queue.llen("verifier") == backlog

    celery_worker_process.start("sweep")
    wait_for(lambda: not Event.objects.filter(needs_recheck_since__isnull=False).exists(), 60)
    wait_for(lambda: queue.llen("verifier") == 0 and not queue.hlen("unacked"), timeout=30)
    runs = re.findall(r"recheck_event\[[^\]]+\] succeeded", log_of("worker-sweep"))
    assert len(runs) == len(events)
    assert all(open_flag_on(e.pk) for e in events)


# --- 4. A dead worker's row lock does not hold the recheck -----------------------------------
FROZEN_HOLDER = """
import os, signal
from django.db import transaction
from claims.models import Event
with transaction.atomic():
    Event.objects.select_for_update().get(pk={event_id})
    print("locked", flush=True)
    os.kill(os.getpid(), signal.SIGSTOP)  # frozen, its socket open: a machine that vanished
"""


def test_a_frozen_workers_row_lock_is_released_and_the_recheck_retries(
    celery_worker_process: WorkerProcess,
) -> None:
    event = make_conflict("Checkpoint attack")  # its recheck is queued; no worker yet
    # Long enough that the worker, however slow to start on a busy machine, meets the
    # lock while the frozen session still holds it.
    env = {**celery_worker_process.env, "DB_IDLE_IN_TRANSACTION_SECONDS": "25"}
    holder = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            FROZEN_HOLDER.format(event_id=event.pk),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        celery_worker_process.env["RECHECK_LOCK_TIMEOUT_MS"] = "1000"
        celery_worker_process.start("lock")
        # PostgreSQL ends the frozen session (idle in transaction), the recheck that
        # gave up on the lock retries, and the flag opens.
        wait_for(lambda: open_flag_on(event.pk), timeout=120)
        assert "lock timeout" in log_of("worker-lock")
    finally:
        stop_group(holder, __import__("signal").SIGKILL)


# --- 5. Writes stay fast while Redis is down: one failed enqueue, then skips -----------------
def test_an_import_while_redis_is_down_logs_one_failure_not_one_per_line(
    transactional_db: None, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    need(on_postgres(), "PostgreSQL (set DATABASE_URL)")
    private_redis.start()
    private_redis.kill()  # Redis was here, and is gone
    lines = tmp_path / "claims.jsonl"
    lines.write_text(
        "\n".join(
            json.dumps(
                {
                    "event": f"Raid {i}",
                    "claimant": "JNIM",
                    "measure": "killed",
                    "group": "soldiers",
                    "count_text": str(10 + i),
                }
            )
            for i in range(40)
        )
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "import_claims", str(lines)],
        cwd=ROOT,
        env=app_env(database_url_for_tests(), private_redis.url()),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "40 claims created" in result.stdout
    assert result.stderr.count("Could not queue") == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert Event.objects.filter(needs_recheck_since__isnull=False).count() == 40
