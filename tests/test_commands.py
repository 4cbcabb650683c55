"""Management commands: load_demo, import_claims and conflicts, as an operator runs them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import ROOT, data_path, need, on_postgres
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from claims import services
from claims.groups import DEFAULT_VOCABULARY
from claims.models import Attribution, Claim, ConflictFlag, Event, Source

pytestmark = pytest.mark.django_db


def run(*args: str, **options: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def recheck_all() -> None:
    # With REDIS_URL set the rechecks are queued for workers that these tests don't run.
    for event_id in Event.objects.values_list("pk", flat=True):
        services.recheck_event(event_id=event_id, force=True)


def snapshot() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Event, Source, Claim, Attribution, User))


# --- load_demo ------------------------------------------------------------------------------
def test_load_demo_twice_creates_everything_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    out, _ = run("load_demo")
    assert "editor: password demo-pass-123" in out
    first = snapshot()
    assert first[0] == 3 and first[2] >= 10
    run("load_demo")
    assert snapshot() == first

    editor = User.objects.get(username="editor")
    assert editor.check_password("demo-pass-123")
    assert editor.has_perm("claims.give_verdict")
    assert User.objects.get(username="factchecker").has_perm("claims.verify_attribution")
    assert User.objects.get(username="admin").is_superuser


def test_load_demo_prints_generated_passwords_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out, _ = run("load_demo")
    password = re.search(r"editor: password (\S+)", out).group(1)
    assert len(password) >= 10
    assert User.objects.get(username="editor").check_password(password)


def test_the_demo_shows_the_conflicts_the_desk_must_see() -> None:
    run("load_demo")
    recheck_all()
    out, _ = run("conflicts", "--format", "json")
    flags = {(f["event"], f["group"]): f for f in json.loads(out)}
    assert set(flags) == {
        ("Battle of Tinzaouaten", "Wagner fighters"),
        ("Battle of Tinzaouaten", "Malian soldiers"),
        ("Killings in Ngarbuh", "civilians"),
        ("Killings in Ngarbuh", "people"),
    }
    wagner = flags[("Battle of Tinzaouaten", "Wagner fighters")]
    assert wagner["class"] == "fighters"
    # 84 fits neither 50 nor "nearly 50"; JNIM and the wire agree with each other.
    assert wagner["claimants"] == ["Associated Press", "CSP-DPA", "JNIM"]
    # Dated sentences, and a part that exceeds its whole.
    ngarbuh = flags[("Killings in Ngarbuh", "civilians")]["explanation"]
    assert ngarbuh == (
        "Government of Cameroon said 5 civilians (17 Feb 2020); "
        "Human Rights Watch said at least 21 (25 Feb 2020): no figure fits both."
    )
    whole = flags[("Killings in Ngarbuh", "people")]["explanation"]
    assert "a part cannot exceed its whole" in whole and "13 people killed" in whole
    # The Mopti ambush is consistent ("at least six" and "several"), and the CSP's own
    # toll rising from seven to nine is a revision.
    assert not ConflictFlag.objects.filter(event__title__startswith="Ambush").exists()


def test_the_toll_command_gives_each_toll_and_how_each_claim_stands() -> None:
    run("load_demo")
    recheck_all()
    out, _ = run("toll", "--event", "Ambush on a Wagner convoy, Mopti region", "--format", "json")
    report = json.loads(out)
    [toll] = report["tolls"]
    assert (toll["measure"], toll["class"]) == ("killed", "fighters")
    assert (toll["low"], toll["best"], toll["high"], toll["confirmed"]) == (3, 3, 6, False)
    [claim] = report["claims"]
    assert claim["corroboration"] == "figure_corroborated" and claim["credibility"] == 2
    assert claim["group"] == "Wagner fighters" and claim["class"] == "fighters"
    table, _ = run("toll", "--event", "Killings in Ngarbuh")
    assert "civilians killed (civilians): low 5, best 21, high 21 [proposed]" in table
    with pytest.raises(CommandError, match="No event"):
        run("toll", "--event", "Nowhere")


# --- import_claims --------------------------------------------------------------------------
NAIVE_MEASURES = ("killed", "injured", "missing")


def base_name(claimant: str) -> str:
    return re.split(r" \(|,", claimant, maxsplit=1)[0].strip()


def dev_events_as_import_file(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    events = [json.loads(line) for line in data_path("events.dev.jsonl").read_text().splitlines()]
    lines = []
    for event in events:
        for claim in event["claims"]:
            low, high = claim["count_low"], claim["count_high"]
            lines.append(
                {
                    "event": event["event"],
                    "place": event["place"],
                    "claimant": claim["claimant"],
                    # The naive rule takes claimant variants with one base name as one origin.
                    "origin": base_name(claim["claimant"]),
                    "measure": "killed",
                    "group": claim["what"],
                    # The interval as a phrase our parser reads back exactly.
                    "count_text": f"{low}"
                    if low == high
                    else (f"at least {low}" if high is None else f"between {low} and {high}"),
                    "text": claim["text"],
                    "source_url": claim["source_url"],
                }
            )
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    return path, events


def test_dev_events_through_import_give_the_naive_conflicts(tmp_path: Path) -> None:
    path, events = dev_events_as_import_file(tmp_path)
    _, err = run("import_claims", str(path))
    assert err == "", err
    recheck_all()
    for event in events:
        expected = {what for what, conflict in event["conflict_by_measure"].items() if conflict}
        flagged = {f.group for f in ConflictFlag.objects.open().filter(event__title=event["event"])}
        assert flagged == {DEFAULT_VOCABULARY.resolve(w).key for w in expected}, event["event"]


def test_reimporting_the_same_file_creates_nothing(tmp_path: Path) -> None:
    path, _ = dev_events_as_import_file(tmp_path)
    run("import_claims", str(path))
    before = snapshot()
    out, _ = run("import_claims", str(path))
    assert snapshot() == before
    assert "0 claims created" in out


def test_bad_lines_are_reported_and_the_good_ones_go_in(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = {
        "event": "Ambush",
        "claimant": "JNIM",
        "measure": "killed",
        "count_text": "six",
        "group": "Wagner fighters",
    }
    path.write_text(
        "\n".join(
            [
                json.dumps(good),
                json.dumps({**good, "claimant": "CSP-DPA", "count_text": "heavy losses"}),
                "{not json",
                json.dumps({**good, "claimant": "FAMa", "measure": "vanished"}),
                json.dumps({"event": "Ambush", "measure": "killed", "count_text": "3"}),
                json.dumps(
                    {
                        **good,
                        "claimant": "Official",
                        "stance": "corroborates",
                        "claim_by": "JNIM",
                        "count_text": "several",
                    }
                ),
                json.dumps(
                    {
                        **good,
                        "claimant": "Nobody",
                        "stance": "contradicts",
                        "claim_by": "Somebody else",
                    }
                ),
            ]
        )
    )
    with pytest.raises(CommandError, match="5 of 7 lines failed"):
        run("import_claims", str(path))
    claim = Claim.objects.get()
    assert (claim.claimant.name, claim.count_low) == ("JNIM", 6)
    official = claim.attributions.get(source__name="Official")
    assert (official.stance, official.count_low, official.count_high) == ("corroborates", 3, 9)
    # Nothing of a failed line was saved, not even its new source or event.
    assert not Source.objects.filter(name__in=["CSP-DPA", "FAMa", "Nobody"]).exists()


def test_failed_lines_name_their_line_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "event,claimant,measure,count_text\nAmbush,JNIM,killed,six\nAmbush,CSP,killed,lots\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_claims", str(path), stdout=StringIO(), stderr=err)
    assert "line 3: count_text: “lots” gives no count" in err.getvalue()
    assert Claim.objects.count() == 1


def test_conflicts_table_and_event_filter() -> None:
    run("load_demo")
    recheck_all()
    out, _ = run("conflicts", "--event", "Battle of Tinzaouaten")
    assert "no figure fits" in out and "2 open conflict(s)." in out
    out, _ = run("conflicts", "--event", "Ambush on a Wagner convoy, Mopti region")
    assert out.strip() == "No open conflicts."
    with pytest.raises(CommandError, match="No event titled"):
        run("conflicts", "--event", "Nowhere")


# --- ANALYSIS.md through import_claims: incidents shaped like the ones that misled a desk -----
def incident_lines() -> list[dict[str, Any]]:
    """Five made-up incidents, each the shape of a real case in ANALYSIS.md."""

    def line(event: str, claimant: str, count: str, when: str, **more: Any) -> dict[str, Any]:
        return {"event": event, "claimant": claimant, "measure": "killed", "group": "people",
                "count_text": count, "published_at": when, **more}  # fmt: skip

    strike, raid, siege, market, camp = (
        "Strike on a hospital",
        "Air raid on a village",
        "Massacre in a hamlet",
        "Bombing of a market",
        "Killings at a camp",
    )
    return [
        # A wire rounds the ministry's own figure: the ministry stands by 698.
        line(strike, "Health ministry", "698", "2023-10-10T08:00:00Z"),
        line(
            strike,
            "Wire agency",
            "nearly 700",
            "2023-10-11T08:00:00Z",
            stance="relays",
            claim_by="Health ministry",
        ),
        line(strike, "Rights group", "650", "2023-10-12T08:00:00Z"),
        # A denial of responsibility: shown, never a count conflict.
        line(raid, "Village council", "at least 30", "2022-03-02T08:00:00Z", group="villagers"),
        line(
            raid,
            "Air force",
            "",
            "2022-03-03T08:00:00Z",
            stance="contradicts",
            disputes="perpetrator",
            claim_by="Village council",
            group="villagers",
            verification="verified",
        ),
        # A part that exceeds its whole.
        line(siege, "Monitoring group", "at least 21", "2020-02-25T08:00:00Z", group="civilians"),
        line(siege, "Governor", "13", "2020-04-21T08:00:00Z", group="people in all"),
        # A provisional toll and a confirmation without a figure.
        line(market, "Police", "12 so far", "2021-06-05T08:00:00Z"),
        line(
            market,
            "UN mission",
            "",
            "2021-06-05T12:00:00Z",
            stance="corroborates",
            claim_by="Police",
            verification="verified",
        ),
        line(market, "Hospital", "30", "2021-06-06T08:00:00Z"),
        # A denial revised: the ministry stands by its later figure.
        line(camp, "Defence ministry", "none", "2020-02-17T08:00:00Z", group="civilians"),
        line(camp, "Defence ministry", "13", "2020-04-21T08:00:00Z", group="civilians"),
        line(camp, "Rights monitor", "at least 21", "2020-02-25T08:00:00Z", group="civilians"),
    ]


def test_incidents_imported_are_judged_as_analysis_md_says(tmp_path: Path) -> None:
    path = tmp_path / "incidents.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in incident_lines()))
    _, err = run("import_claims", str(path))
    assert err == "", err
    recheck_all()
    flags = {f.event.title: f for f in ConflictFlag.objects.open().select_related("event")}
    assert set(flags) == {"Strike on a hospital", "Massacre in a hamlet", "Killings at a camp"}

    strike = flags["Strike on a hospital"]
    assert {s["source"] for s in strike.sides} == {"Health ministry", "Rights group"}
    assert strike.explanation.startswith("Rights group said 650 people (12 Oct 2023)")

    raid = Claim.objects.get(event__title="Air raid on a village")
    assert raid.responsibility_disputed and raid.corroboration == "unverified"

    siege = flags["Massacre in a hamlet"]
    assert (siege.measure, siege.group, siege.group_class) == ("killed", "people", "people")
    assert "a part cannot exceed its whole" in siege.explanation

    police = Claim.objects.get(claimant__name="Police")
    interval = (police.count_low, police.count_high, police.count_qualifier)
    assert interval == (12, None, "provisional")
    assert police.corroboration == "event_confirmed"  # the UN gave no figure

    camp = flags["Killings at a camp"]
    assert camp.explanation == (
        "Defence ministry said 13 civilians (21 Apr 2020); Rights monitor said at least 21 "
        "(25 Feb 2020): no figure fits both."
    )
    out, _ = run("toll", "--event", "Strike on a hospital", "--format", "json")
    [toll] = json.loads(out)["tolls"]
    assert (toll["low"], toll["high"]) == (650, 698)


def test_ensure_database_creates_a_missing_postgresql_database_once() -> None:
    """A fresh server has PostgreSQL but not Verifier's database; make run creates it."""
    need(on_postgres(), "PostgreSQL (set DATABASE_URL)")
    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT'] or 5432}"
    name = f"verifier_fresh_{uuid.uuid4().hex[:8]}"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "DATABASE_URL": f"{server}/{name}"}

    def ensure() -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", "ensure_database"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        return done.stdout

    try:
        assert f"Created the PostgreSQL database '{name}'" in ensure()
        assert ensure() == ""  # there already: nothing to do, nothing said
        with psycopg.connect(f"{server}/{name}") as conn:
            assert conn.execute("select current_database()").fetchone() == (name,)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
