"""Direct tests of the writes every interface shares: events, attributions, closing a
flag, and the coalescing of recheck enqueues.

Each says what the desk would notice: what changed, what the history says and who did
it, and that a refused write changed nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import flush_redis, need, redis_reachable
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from claims import queueing, services
from claims.models import Attribution, Claim, ConflictFlag, Event, Source
from claims.services import StaleEdit, TransitionNotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambush() -> Event:
    return services.event_create(by=None, title="Ambush near Gao")


def make_claim(event: Event, name: str, count: str) -> Claim:
    who = Source.objects.filter(name=name).first() or services.source_create(
        by=None, name=name, kind="party"
    )
    return services.claim_create(
        by=None, event=event, claimant=who, measure="killed", group="soldiers", count_text=count
    )


# --- event_update ---------------------------------------------------------------------------
def test_an_editor_edits_an_event_and_the_history_says_who_and_why(
    ambush: Event, editor: Any
) -> None:
    services.event_update(
        event=ambush, by=editor, reason="Place from the army's statement",
        title="Ambush near\nGao  town", place="Gao",
    )  # fmt: skip
    ambush.refresh_from_db()
    assert (ambush.title, ambush.place) == ("Ambush near Gao town", "Gao")  # one line
    last = ambush.history.first()
    assert (last.history_user, last.history_change_reason) == (
        editor,
        "Place from the army's statement",
    )


def test_an_event_edit_refused_changes_nothing(ambush: Event, outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.event_update(event=ambush, by=outsider, title="Renamed")
    with pytest.raises(TypeError, match="Unknown event fields"):
        services.event_update(event=ambush, by=None, needs_recheck_since=None)
    with pytest.raises(ValidationError):
        services.event_update(event=ambush, by=None, title="")
    ambush.refresh_from_db()
    assert ambush.title == "Ambush near Gao"
    assert ambush.history.count() == 1  # the creation only


# --- attribution_update ---------------------------------------------------------------------
def test_a_changed_figure_must_be_verified_again_and_the_event_rechecked(
    ambush: Event, factchecker: Any
) -> None:
    claim = make_claim(ambush, "JNIM", "at least six")
    wire = services.source_create(by=None, name="Wire", kind="news_outlet")
    said = services.attribution_create(
        by=None, claim=claim, source=wire, stance="corroborates", count_text="several"
    )
    said = services.attribution_verify(attribution=said, by=factchecker, note="Heard it")
    assert said.verification == Attribution.Verification.VERIFIED
    Event.objects.filter(pk=ambush.pk).update(needs_recheck_since=None)

    said = services.attribution_update(
        attribution=said, version=said.version, by=factchecker, count_text="about 20"
    )
    said.refresh_from_db()
    assert (said.count_low, said.count_high) == (18, 22)
    assert said.verification == Attribution.Verification.UNVERIFIED
    assert Event.objects.get(pk=ambush.pk).needs_recheck_since is not None


def test_a_stale_attribution_edit_is_refused_and_changes_nothing(
    ambush: Event, factchecker: Any
) -> None:
    claim = make_claim(ambush, "JNIM", "at least six")
    said = claim.attributions.get()
    read = said.version
    services.attribution_update(attribution=said, version=read, by=None, quote="First")
    with pytest.raises(StaleEdit, match="changed by someone else"):
        services.attribution_update(attribution=said, version=read, by=factchecker, quote="Late")
    said.refresh_from_db()
    assert said.quote == "First"


# --- flag_resolve ---------------------------------------------------------------------------
@pytest.fixture
def conflict(ambush: Event) -> ConflictFlag:
    make_claim(ambush, "JNIM", "50")
    make_claim(ambush, "CSP-DPA", "84")
    services.recheck_event(event_id=ambush.pk, force=True)
    return ConflictFlag.objects.open().get(event=ambush)


def test_an_editor_resolves_a_flag_with_a_reason(conflict: ConflictFlag, editor: Any) -> None:
    services.flag_resolve(flag=conflict, by=editor, reason="84 counts the wounded too")
    conflict.refresh_from_db()
    assert conflict.status == ConflictFlag.Status.RESOLVED
    assert conflict.closed_by == editor and conflict.closed_at is not None
    assert conflict.resolution_note == "84 counts the wounded too"
    assert conflict.history.first().history_change_reason == "Resolved: 84 counts the wounded too"


def test_a_flag_is_not_resolved_without_a_reason_by_a_fact_checker_or_twice(
    conflict: ConflictFlag, editor: Any, factchecker: Any
) -> None:
    with pytest.raises(ValidationError, match="Say why"):
        services.flag_resolve(flag=conflict, by=editor, reason="  ")
    with pytest.raises(PermissionDenied):
        services.flag_resolve(flag=conflict, by=factchecker, reason="Looks fine")
    conflict.refresh_from_db()
    assert conflict.status == ConflictFlag.Status.OPEN
    services.flag_resolve(flag=conflict, by=editor, reason="Settled")
    with pytest.raises(TransitionNotAllowed, match="already resolved"):
        services.flag_resolve(flag=conflict, by=editor, reason="Again")


# --- enqueue_rechecks: one queued recheck per event, however many edits -------------------
@override_settings(TASKS_IN_PROCESS=False)
def test_rechecks_are_queued_once_per_event_until_the_recheck_takes_it(ambush: Event) -> None:
    need(redis_reachable(), "Redis (set REDIS_URL)")
    flush_redis()
    other = services.event_create(by=None, title="Raid on Ménaka")
    try:
        assert queueing.enqueue_rechecks([ambush.pk, ambush.pk, other.pk, ambush.pk]) == 2
        assert queueing.enqueue_rechecks([ambush.pk, other.pk]) == 0  # already queued
        queueing.forget_queued(ambush.pk)  # what the recheck does once it holds the lock
        assert queueing.enqueue_rechecks([ambush.pk, other.pk]) == 1
    finally:
        flush_redis()
