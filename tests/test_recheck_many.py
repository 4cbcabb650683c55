"""Rechecking several events together (services.recheck_events, the in-process queue's
recheck): what the desk sees is exactly what rechecking them one by one gives."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from celery import current_app
from conftest import need, on_postgres
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import services
from claims.models import Claim, ConflictFlag, Event, Toll
from claims.services import recheck

pytestmark = pytest.mark.django_db


def incidents(prefix: str, events: int = 3) -> list[dict[str, Any]]:
    """Events of the same shape: figures from several origins that disagree, a relay, a
    verified contradiction, a part that exceeds its whole."""
    lines = []
    for n in range(events):
        title = f"{prefix} attack {n}"

        def line(who: str, count: str, title: str = title, **more: Any) -> dict[str, Any]:
            return {
                "event": title,
                "claimant": f"{prefix} {who}",
                "measure": "killed",
                "group": "soldiers",
                "count_text": count,
                **more,
            }

        lines += [
            line("Army", "at least 6", published_at="2024-07-01T08:00:00Z"),
            line("Rebels", "nearly 50", published_at="2024-07-01T09:00:00Z"),
            line("Monitor", "84", published_at="2024-07-02T09:00:00Z"),
            line("Wire", "nearly 50", stance="relays", claim_by=f"{prefix} Rebels"),
            line(
                "Ministry",
                "6",
                stance="contradicts",
                claim_by=f"{prefix} Monitor",
                verification="verified",
            ),
            line("Council", "at least 21", group="civilians"),
            line("Governor", "13", group="people"),
        ]
    return lines


def load(tmp_path: Path, prefix: str) -> list[int]:
    path = tmp_path / f"{prefix}.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in incidents(prefix)))
    call_command("import_claims", str(path), stdout=StringIO(), stderr=StringIO())
    return list(Event.objects.filter(title__startswith=prefix).values_list("pk", flat=True))


def seen(prefix: str) -> dict[str, Any]:
    """What the desk reads about the events under ``prefix``, without ids."""

    def name(text: str) -> str:
        return text.removeprefix(f"{prefix} ")

    events = Event.objects.filter(title__startswith=prefix)
    return {
        "flags": sorted(
            (
                name(f.event.title),
                f.measure,
                f.group,
                f.status,
                f.explanation.replace(prefix, ""),
                f.resolution_note,
                len(f.sides),
                f.history.count(),
            )
            for f in ConflictFlag.objects.filter(event__in=events)
        ),
        "claims": sorted(
            (
                name(c.event.title),
                name(c.claimant.name),
                c.count_text,
                c.group_class,
                c.corroboration,
                c.credibility,
                c.superseded,
            )
            for c in Claim.objects.filter(event__in=events)
        ),
        "tolls": sorted(
            (name(t.event.title), t.measure, t.group, t.low, t.best, t.high, t.history.count())
            for t in Toll.objects.filter(event__in=events)
        ),
        "marked": sorted(name(e.title) for e in events.filter(needs_recheck_since__isnull=False)),
    }


def one_by_one(ids: list[int]) -> None:
    for event_id in ids:
        services.recheck_event(event_id=event_id)


def together(ids: list[int]) -> None:
    services.recheck_events(event_ids=ids)


def test_together_the_desk_sees_what_one_by_one_gives(tmp_path: Path) -> None:
    by_one, by_all = load(tmp_path, "A"), load(tmp_path, "B")
    one_by_one(by_one)
    together(by_all)
    first = seen("A")
    assert first == seen("B")
    assert first["marked"] == []
    assert {f[3] for f in first["flags"]} == {"open"}
    assert len(first["flags"]) >= 3 and len(first["tolls"]) >= 3

    # An editor dismisses one flag in each; a count changes so that another resolves.
    for prefix in ("A", "B"):
        flags = ConflictFlag.objects.filter(event__title=f"{prefix} attack 0", status="open")
        flag = flags.order_by("measure", "group").first()
        assert flag is not None
        services.flag_dismiss(flag=flag, by=None, reason="Different engagements")
        monitor = Claim.objects.get(event__title=f"{prefix} attack 1", count_text="84")
        services.claim_update(claim=monitor, version=monitor.version, by=None, count_text="50")
    one_by_one(by_one)
    together(by_all)
    second = seen("A")
    assert second == seen("B")
    assert second != first
    assert {f[3] for f in second["flags"]} >= {"dismissed", "open"}


def test_an_unmarked_event_is_left_alone_unless_forced(tmp_path: Path) -> None:
    ids = load(tmp_path, "A")
    together(ids)
    with CaptureQueriesContext(connection) as queries:
        results = services.recheck_events(event_ids=ids)
    assert [r.checked for r in results] == [False, False, False]
    assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    results = services.recheck_events(event_ids=ids, force=True)
    assert [r.checked for r in results] == [True, True, True]


def test_the_statements_do_not_grow_with_the_events(tmp_path: Path) -> None:
    """Three events of the same shape are rechecked in as many statements as one."""
    ids = load(tmp_path, "A")
    Event.objects.filter(pk__in=ids).update(needs_recheck_since="2024-01-01T00:00:00Z")
    counts = []
    for chunk in ([ids[0]], ids[1:]):
        with CaptureQueriesContext(connection) as queries:
            together(chunk)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_unreadable_row_in_one_event_spares_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A DataError (PostgreSQL's division by zero standing for a value psycopg cannot
    read) while reading one event: the batch is redone event by event, that event is
    logged and its mark cleared, the others get their flags."""
    need(on_postgres(), "PostgreSQL (set DATABASE_URL): SQLite's 1 / 0 is NULL, no error")
    ids = load(tmp_path, "A")
    bad = ids[1]
    store: Callable[[list[int]], Any] = recheck._store_analyses

    def store_or_fail(event_ids: list[int]) -> Any:
        if bad in event_ids:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
        return store(event_ids)

    monkeypatch.setattr(recheck, "_store_analyses", store_or_fail)
    with caplog.at_level(logging.ERROR, logger="claims.services.recheck"):
        together(ids)
    assert f"Event {bad}: a row could not be read; recheck skipped" in caplog.text
    assert not Event.objects.filter(pk__in=ids, needs_recheck_since__isnull=False).exists()
    flagged = set(ConflictFlag.objects.values_list("event_id", flat=True))
    assert flagged == set(ids) - {bad}


def test_without_a_queue_an_import_s_events_are_rechecked_after_its_commit(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    """No Redis: tasks run in-process, and the events a commit marked are rechecked
    together right after it."""
    settings.TASKS_IN_PROCESS = True
    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    calls: list[list[int]] = []
    recheck_events = services.recheck_events

    def spy(**kwargs: Any) -> Any:
        calls.append(sorted(kwargs["event_ids"]))
        return recheck_events(**kwargs)

    monkeypatch.setattr(services, "recheck_events", spy)
    with django_capture_on_commit_callbacks(execute=True):
        ids = load(tmp_path, "A")
    assert calls == [sorted(ids)]
    assert seen("A")["marked"] == []
    assert set(ConflictFlag.objects.values_list("event_id", flat=True)) == set(ids)
