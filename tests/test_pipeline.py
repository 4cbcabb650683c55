"""The conflict pipeline end to end: real Redis, real Celery worker processes, PostgreSQL.

No eager mode and no mocks of the queue: edits commit in this process, the recheck
runs in a `celery worker` subprocess, and we watch the database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTIFACTS, ROOT, WorkerProcess, wait_for
from django.db import connection, transaction

from claims import queueing, services
from claims.models import ConflictFlag, Event, Source
from claims.tasks import recheck_event

pytestmark = pytest.mark.worker


def make_event(title: str = "Battle of Tinzaouaten") -> Event:
    return services.event_create(by=None, title=title)


def make_claim(event: Event, name: str, count: str) -> Any:
    who = Source.objects.filter(name=name).first() or services.source_create(
        by=None, name=name, kind="party"
    )
    return services.claim_create(
        by=None,
        event=event,
        claimant=who,
        measure="killed",
        group="Wagner fighters",
        count_text=count,
    )


def open_flags(event: Event) -> list[ConflictFlag]:
    return list(ConflictFlag.objects.open().filter(event=event))


def worker_errors(name: str) -> list[str]:
    log = (ARTIFACTS / f"worker-{name}.log").read_text(errors="replace")
    return [line for line in log.splitlines() if "ERROR" in line or "Traceback" in line]


def test_an_edit_raises_a_flag_through_a_worker_and_a_fix_resolves_it(
    celery_worker_process: WorkerProcess,
) -> None:
    celery_worker_process.start("edit")
    event = make_event()
    make_claim(event, "JNIM", "50")
    csp = make_claim(event, "CSP-DPA", "84")

    flags = wait_for(lambda: open_flags(event), timeout=20)
    assert len(flags) == 1
    assert flags[0].explanation == (
        "JNIM said 50 Wagner fighters (date unknown); CSP-DPA said 84 (date unknown): "
        "no figure fits both."
    )

    services.claim_update(claim=csp, version=csp.version, by=None, count_text="about 50")
    wait_for(lambda: not open_flags(event), timeout=20)
    flags[0].refresh_from_db()
    assert flags[0].status == "resolved"
    event.refresh_from_db()
    assert event.needs_recheck_since is None
    assert worker_errors("edit") == []


def test_a_burst_of_edits_to_one_event_raises_one_flag_once_it_settles(
    celery_worker_process: WorkerProcess, settings: Any
) -> None:
    # A lull of a second, and a maximum wait past the burst, in this process (which
    # queues the recheck) and in the worker (which waits for the lull).
    settings.RECHECK_COALESCE_SECONDS, settings.RECHECK_MAX_WAIT_SECONDS = 1.0, 30.0
    celery_worker_process.env |= {"RECHECK_COALESCE_SECONDS": "1", "RECHECK_MAX_WAIT_SECONDS": "30"}
    celery_worker_process.start("burst")
    event = make_event()
    make_claim(event, "JNIM", "50")
    csp = make_claim(event, "CSP-DPA", "about 50")
    wait_for(lambda: Event.objects.get(pk=event.pk).needs_recheck_since is None, timeout=20)

    # An editor keeps changing the figure (each one conflicting) for twice the lull,
    # edits milliseconds apart: the desk should get one flag with the last figure, not
    # a flag opened and then updated as each edit lands. No sleeping: the edits
    # themselves fill the time, so a slow machine only makes fewer of them.
    first, figure = time.monotonic(), 80
    while time.monotonic() - first < 2 * settings.RECHECK_COALESCE_SECONDS:
        figure += 1
        csp = services.claim_update(claim=csp, version=csp.version, by=None, count_text=str(figure))
    [flag] = wait_for(lambda: open_flags(event), timeout=20)
    assert f"CSP-DPA said {figure} (date unknown)" in flag.explanation
    wait_for(lambda: Event.objects.get(pk=event.pk).needs_recheck_since is None, timeout=20)
    assert [h.history_change_reason for h in flag.history.all()] == ["Opened by the recheck"]
    assert worker_errors("burst") == []


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def test_a_worker_killed_mid_recheck_loses_nothing(celery_worker_process: WorkerProcess) -> None:
    event = make_event()
    make_claim(event, "JNIM", "50")
    make_claim(event, "CSP-DPA", "84")  # queued; no worker yet
    with transaction.atomic():
        # Hold the event's row: the worker's recheck takes the task, then waits here.
        Event.objects.select_for_update().get(pk=event.pk)
        first = celery_worker_process.start("doomed")
        wait_for(waiting_on_a_lock, timeout=20)
        celery_worker_process.kill(first)  # SIGKILL, mid-recheck
    event.refresh_from_db()
    assert event.needs_recheck_since is not None  # the crash rolled nothing forward
    assert open_flags(event) == []

    celery_worker_process.start("rescuer")
    # The killed worker's message waits in Redis' unacked set for the visibility
    # timeout, and its "queued" key keeps the sweep off the event as long (both
    # RECHECK_QUEUED_SECONDS, 5 min); here the key lapses at once. Then the sweep,
    # every few seconds under beat, requeues the event.
    queueing.forget_queued(event.pk)
    assert services.requeue_stale_rechecks(older_than=timedelta(0)) >= 1
    wait_for(lambda: open_flags(event), timeout=20)
    assert len(open_flags(event)) == 1
    assert worker_errors("rescuer") == []


def test_edits_made_while_redis_is_down_are_saved_and_swept_in_later(
    celery_worker_process: WorkerProcess, tmp_path: Path
) -> None:
    event = make_event()
    make_claim(event, "JNIM", "50")
    lines = tmp_path / "edits.jsonl"
    lines.write_text(
        "\n".join(
            json.dumps(
                {
                    "event": event.title,
                    "claimant": who,
                    "measure": "killed",
                    "group": "Wagner fighters",
                    "count_text": count,
                }
            )
            for who, count in [("CSP-DPA", "84"), ("Rusich", "more than 80")]
        )
    )
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        # Nothing listens there: the broker and the cache are unreachable for this writer.
        "REDIS_URL": "redis://127.0.0.1:6390/0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "import_claims", str(lines)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 claims created" in result.stdout
    assert "the sweep will" in result.stderr  # the lost enqueue was logged, not raised
    event.refresh_from_db()
    assert event.claims.count() == 3
    assert event.needs_recheck_since is not None

    celery_worker_process.start("after-outage")
    services.requeue_stale_rechecks(older_than=timedelta(0))
    flags = wait_for(lambda: open_flags(event), timeout=20)
    assert {s["source"] for s in flags[0].sides} == {"JNIM", "CSP-DPA", "Rusich"}


def test_two_workers_rechecking_one_event_fifty_times_make_one_flag(
    celery_worker_process: WorkerProcess,
) -> None:
    celery_worker_process.concurrency = 2
    celery_worker_process.start("left")
    celery_worker_process.start("right")
    event = make_event()
    make_claim(event, "JNIM", "50")
    make_claim(event, "CSP-DPA", "84")
    for _ in range(50):
        recheck_event.apply_async(args=[event.pk], kwargs={"force": True})
    wait_for(lambda: open_flags(event), timeout=30)

    # Drained: nothing left in the queue, nothing reserved by the workers.
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    wait_for(lambda: client.llen("verifier") == 0 and not client.hlen("unacked"), timeout=60)
    assert ConflictFlag.objects.filter(event=event).count() == 1
    assert len(open_flags(event)) == 1
    assert worker_errors("left") == [] and worker_errors("right") == []
