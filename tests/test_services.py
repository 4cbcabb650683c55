"""The write services: counts checked, history kept, guards enforced, rechecks marked.

These run with tasks in-process when REDIS_URL is unset; with Redis they call the
recheck service directly (the queue itself is tested in test_pipeline.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from claims import services
from claims.models import Attribution, Claim, ConflictFlag, Event, Source


@pytest.fixture
def event(db: None) -> Event:
    return services.event_create(by=None, title="Battle of the test")


def source(name: str, origin: str = "", kind: str = "party") -> Source:
    return services.source_create(by=None, name=name, kind=kind, origin=origin)


def claim(
    event: Event, who: Source, count: str, group: str = "Wagner fighters", **kw: Any
) -> Claim:
    return services.claim_create(
        by=None, event=event, claimant=who, measure="killed", group=group, count_text=count, **kw
    )


def recheck(event: Event) -> services.RecheckResult | None:
    return services.recheck_event(event_id=event.pk, force=True)


def open_flags(event: Event) -> list[ConflictFlag]:
    return list(ConflictFlag.objects.open().filter(event=event))


# --- Counts ---------------------------------------------------------------------------------
def test_claim_stores_the_phrase_and_its_interval(event: Event) -> None:
    c = claim(event, source("JNIM"), "nearly 50")
    assert (c.count_text, c.count_low, c.count_high, c.count_qualifier) == (
        "nearly 50",
        45,
        50,
        "approx",
    )
    asserts = c.attributions.get()
    assert (asserts.source, asserts.stance) == (c.claimant, "asserts")


def test_a_phrase_without_a_count_is_refused_naming_it_and_saves_nothing(event: Event) -> None:
    who = source("JNIM")
    with pytest.raises(ValidationError) as info:
        claim(event, who, "heavy losses")
    assert "“heavy losses” gives no count" in info.value.message_dict["count_text"][0]
    assert Claim.objects.count() == 0 and Attribution.objects.count() == 0


def test_history_records_who_changed_what_and_why(event: Event, editor: Any) -> None:
    c = claim(event, source("JNIM"), "six")
    updated = services.claim_update(
        claim=c, version=c.version, by=editor, reason="Typo in the figure", count_text="seven"
    )
    record = updated.history.first()
    assert record.history_user == editor
    assert record.history_change_reason == "Typo in the figure"
    assert record.count_low == 7
    assert updated.history.count() == 2


def test_a_stale_edit_is_refused_and_changes_nothing(event: Event, editor: Any) -> None:
    c = claim(event, source("JNIM"), "six")
    services.claim_update(claim=c, version=1, by=editor, text="First editor's text")
    with pytest.raises(services.StaleEdit) as info:
        services.claim_update(claim=c, version=1, by=editor, text="Second editor's text")
    assert "changed by someone else" in str(info.value)
    c.refresh_from_db()
    assert (c.text, c.version) == ("First editor's text", 2)


# --- Permissions and review guards ------------------------------------------------------------
def test_fact_checkers_cannot_give_verdicts_publish_or_close_flags(
    event: Event, factchecker: Any
) -> None:
    c = claim(event, source("JNIM"), "six")
    with pytest.raises(PermissionDenied):
        services.claim_transition(claim=c, action="start_review", version=c.version, by=factchecker)
    with pytest.raises(PermissionDenied):
        services.claim_transition(
            claim=c, action="give_verdict", version=c.version, by=factchecker, verdict="false"
        )
    claim(event, source("CSP-DPA"), "84")
    recheck(event)
    flag = open_flags(event)[0]
    with pytest.raises(PermissionDenied):
        services.flag_dismiss(flag=flag, by=factchecker, reason="no")
    assert open_flags(event) == [flag]


def test_confirmed_needs_a_verified_independent_corroboration(
    event: Event, editor: Any, factchecker: Any
) -> None:
    jnim = source("JNIM", origin="JNIM")
    channel = source("JNIM media channel", origin="JNIM")
    official = source("Security official", origin="Malian security", kind="anonymous_official")
    c = claim(event, jnim, "at least six")
    c = services.claim_transition(claim=c, action="start_review", version=c.version, by=editor)

    # Its own channel, even verified, is the same origin: not corroboration.
    own = services.attribution_create(by=editor, claim=c, source=channel, stance="corroborates")
    services.attribution_verify(attribution=own, by=factchecker)
    with pytest.raises(services.TransitionNotAllowed, match="independent"):
        services.claim_transition(
            claim=c, action="give_verdict", version=c.version, by=editor, verdict="confirmed"
        )
    # An independent one, not yet verified: still no.
    other = services.attribution_create(
        by=editor, claim=c, source=official, stance="corroborates", count_text="several"
    )
    with pytest.raises(services.TransitionNotAllowed):
        services.claim_transition(
            claim=c, action="give_verdict", version=c.version, by=editor, verdict="confirmed"
        )
    services.attribution_verify(attribution=other, by=factchecker, note="Reached by phone")
    c = services.claim_transition(
        claim=c, action="give_verdict", version=c.version, by=editor, verdict="confirmed"
    )
    assert (c.status, c.verdict) == ("reviewed", "confirmed")

    # The corroborating statement is then found wrong: "confirmed" is not published.
    services.attribution_reject(attribution=other, by=factchecker, note="Misquoted")
    with pytest.raises(services.TransitionNotAllowed, match="figure corroborated"):
        services.claim_transition(claim=c, action="publish", version=c.version, by=editor)
    c.refresh_from_db()
    assert (c.status, c.published_review) == ("reviewed", None)


REASON = (
    "Both figures are reported in the story, each attributed to its claimant, with a line "
    "saying the gap may come from two different engagements near the town."
)


def test_publishing_over_an_open_flag_needs_a_written_override(event: Event, editor: Any) -> None:
    c = claim(event, source("JNIM"), "50")
    claim(event, source("CSP-DPA"), "84")
    recheck(event)
    assert len(open_flags(event)) == 1
    c = services.claim_transition(claim=c, action="start_review", version=c.version, by=editor)
    c = services.claim_transition(
        claim=c, action="give_verdict", version=c.version, by=editor, verdict="disputed"
    )
    with pytest.raises(services.TransitionNotAllowed, match="open conflict flag"):
        services.claim_transition(claim=c, action="publish", version=c.version, by=editor)
    c = services.claim_transition(
        claim=c,
        action="publish",
        version=c.version,
        by=editor,
        override_reason=REASON,
    )
    assert c.status == "published"
    # Kept whole in the history, however long.
    assert c.history.first().history_change_reason.endswith(f"Override: {REASON}")


def test_a_transition_from_the_wrong_state_is_refused(event: Event, editor: Any) -> None:
    c = claim(event, source("JNIM"), "six")
    with pytest.raises(services.TransitionNotAllowed, match="not possible"):
        services.claim_transition(claim=c, action="publish", version=c.version, by=editor)


def test_rejecting_needs_a_reason_and_records_who(event: Event, factchecker: Any) -> None:
    c = claim(event, source("JNIM"), "six")
    a = c.attributions.get()
    with pytest.raises(ValidationError):
        services.attribution_reject(attribution=a, by=factchecker, note="  ")
    a = services.attribution_reject(attribution=a, by=factchecker, note="Link is dead")
    assert (a.verification, a.verified_by, a.verification_note) == (
        "rejected",
        factchecker,
        "Link is dead",
    )


# --- Conflicts through the services ---------------------------------------------------------
def test_conflicting_counts_open_one_flag_and_fixing_them_resolves_it(
    event: Event, editor: Any
) -> None:
    claim(event, source("JNIM"), "nearly 50")
    csp = claim(event, source("CSP-DPA"), "84")
    recheck(event)
    flags = open_flags(event)
    assert len(flags) == 1
    assert (
        flags[0].explanation == "JNIM said 45–50 Wagner fighters (date unknown); "
        "CSP-DPA said 84 (date unknown): no figure fits both."
    )
    assert {s["source"] for s in flags[0].sides} == {"JNIM", "CSP-DPA"}

    recheck(event)  # running it again changes nothing
    assert open_flags(event) == flags and flags[0].history.count() == 1

    services.claim_update(claim=csp, version=csp.version, by=editor, count_text="about 50")
    recheck(event)
    assert open_flags(event) == []
    flags[0].refresh_from_db()
    assert flags[0].status == "resolved" and "automatically" in flags[0].resolution_note


def test_compatible_counts_relays_and_revisions_raise_nothing(event: Event) -> None:
    jnim = source("JNIM", origin="JNIM")
    official = source("Official", origin="Mali", kind="anonymous_official")
    wire = source("Wire", origin="Wire", kind="news_outlet")
    c = claim(event, jnim, "at least six")
    services.attribution_create(
        by=None, claim=c, source=official, stance="corroborates", count_text="several"
    )
    # The wire relays JNIM's statement with a slightly different figure: same origin.
    services.attribution_create(by=None, claim=c, source=wire, stance="relays", count_text="five")
    recheck(event)
    assert open_flags(event) == []


def test_dismissed_conflicts_stay_dismissed_until_the_counts_change(
    event: Event, editor: Any
) -> None:
    claim(event, source("JNIM"), "50")
    csp = claim(event, source("CSP-DPA"), "84")
    recheck(event)
    services.flag_dismiss(flag=open_flags(event)[0], by=editor, reason="Different engagements")
    recheck(event)
    assert open_flags(event) == []
    services.claim_update(claim=csp, version=csp.version, by=editor, count_text="90")
    recheck(event)
    assert len(open_flags(event)) == 1


def test_a_new_source_origin_triggers_a_recheck(event: Event, editor: Any) -> None:
    a, b = source("Channel A", origin="A"), source("Channel B", origin="B")
    claim(event, a, "50")
    claim(event, b, "84")
    recheck(event)
    assert len(open_flags(event)) == 1
    # They turn out to be one origin: a revision, not a conflict.
    services.source_update(source=b, by=editor, origin="A")
    event.refresh_from_db()
    assert event.needs_recheck_since is not None
    services.recheck_event(event_id=event.pk)
    assert open_flags(event) == []


def test_stored_sides_give_the_fingerprint_the_recheck_computes(event: Event, editor: Any) -> None:
    # Migration 0008 recomputes stored fingerprints from the flags' sides; if the two
    # drifted apart, upgrading would reopen every conflict an editor had dismissed.
    import importlib

    migration = importlib.import_module("claims.migrations.0008_group_vocabulary_and_flag_groups")
    jnim, csp = source("JNIM"), source("CSP-DPA")
    first = claim(event, jnim, "50")
    claim(event, csp, "84")
    claim(event, source("Rusich"), "84")
    claim(event, source("Wire", origin="CSP-DPA"), "at least 80")
    contradiction = services.attribution_create(
        claim=first, source=source("Army"), stance="contradicts", disputes="toll", by=editor
    )
    services.attribution_verify(attribution=contradiction, version=contradiction.version, by=editor)
    recheck(event)
    [flag] = open_flags(event)
    assert any(side.get("contradicts") for side in flag.sides)
    assert migration.fingerprint(flag.sides) == flag.fingerprint


def test_seconds_until_due_waits_for_a_lull_but_never_past_the_max_wait() -> None:
    from datetime import UTC, datetime, timedelta

    from claims.services.recheck import seconds_until_due

    now = datetime(2026, 1, 1, 12, tzinfo=UTC)

    def due(first_ago: float, last_ago: float) -> float:
        return seconds_until_due(
            first_unseen=now - timedelta(seconds=first_ago),
            last_change=now - timedelta(seconds=last_ago),
            now=now,
            lull=0.3,
            max_wait=2.0,
        )

    assert due(0.3, 0.3) == 0  # a single edit, its lull over: now
    assert due(1.0, 0.1) == pytest.approx(0.2)  # a burst going on: until 0.3 s after the last
    assert due(1.9, 0.0) == pytest.approx(0.1)  # ... but not past 2 s after the first
    assert due(2.5, 0.0) == 0  # a burst longer than the max wait is checked anyway
    assert due(0.27, 0.27) == 0  # a task a few milliseconds early is not sent round again


def test_a_queued_recheck_waits_while_changes_are_arriving(event: Event) -> None:
    from datetime import timedelta

    from django.utils import timezone

    claim(event, source("JNIM"), "50")
    claim(event, source("CSP-DPA"), "84")
    result = services.recheck_event(event_id=event.pk, wait_for_lull=True)
    assert result is not None and not result.checked
    assert 0 < result.retry_in <= 0.3
    event.refresh_from_db()
    assert event.needs_recheck_since is not None  # nothing was read, the mark stays
    assert open_flags(event) == []

    # The lull has come: the recheck sees both claims at once.
    Event.objects.filter(pk=event.pk).update(last_change_at=timezone.now() - timedelta(seconds=1))
    result = services.recheck_event(event_id=event.pk, wait_for_lull=True)
    assert result is not None and result.checked and len(result.opened) == 1
    event.refresh_from_db()
    assert event.needs_recheck_since is None


def test_writes_mark_the_event_and_queue_one_recheck_after_commit(
    event: Event, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        claim(event, source("JNIM"), "50")
    event.refresh_from_db()
    assert event.needs_recheck_since is not None
    assert len(callbacks) == 1  # queued after commit, not before
    services.recheck_event(event_id=event.pk)
    event.refresh_from_db()
    assert event.needs_recheck_since is None and event.last_checked_at is not None
    # An event nobody changed since is not worked on again.
    assert not services.recheck_event(event_id=event.pk).changed
