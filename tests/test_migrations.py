"""Upgrading a database keeps what editors decided and what readers were shown.

From before ANALYSIS.md (migration 0006): the flags of that time were keyed by the
group as written, lower-cased, with a packed fingerprint; migrations 0007 and 0008 move
them onto compared groups and plain fingerprints. A conflict an editor dismissed must
stay dismissed through the upgrade and the first recheck after it, and nothing may be
opened twice. From before published reviews were frozen (0011): a published claim
serves the same ClaimReview after the upgrade.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient
from test_api import make_world, publish

from claims import services
from claims.models import Claim, ConflictFlag

BEFORE = [("claims", "0006_flag_fingerprints_by_claim_id")]
OLD = importlib.import_module("claims.migrations.0006_flag_fingerprints_by_claim_id")


def migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def old_apps(transactional_db: None) -> Any:
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def side(key: str, speaker: str, low: int, high: int | None, claim_id: int) -> dict[str, Any]:
    return {"key": key, "speaker": speaker, "source": speaker, "count_text": str(low),
            "low": low, "high": high, "claim_id": claim_id, "attribution_id": None}  # fmt: skip


def test_a_dismissed_conflict_stays_dismissed_through_the_upgrade(old_apps: Any) -> None:
    event_model = old_apps.get_model("claims", "Event")
    source_model = old_apps.get_model("claims", "Source")
    claim_model = old_apps.get_model("claims", "Claim")
    flag_model = old_apps.get_model("claims", "ConflictFlag")
    event = event_model.objects.create(title="Battle of Tinzaouaten")
    army = source_model.objects.create(name="FAMa", kind="military", origin="Malian state")
    rebels = source_model.objects.create(name="CSP-DPA", kind="party", origin="CSP-DPA")
    made = datetime(2024, 8, 1, tzinfo=UTC)

    def make(source: Any, text: str, low: int, high: int | None, qualifier: str) -> Any:
        return claim_model.objects.create(
            event=event, claimant=source, measure="killed", group="Malian soldiers",
            count_text=text, count_low=low, count_high=high, count_qualifier=qualifier,
            made_at=made,
        )  # fmt: skip

    two = make(army, "two", 2, 2, "exact")
    many = make(rebels, "at least 47", 47, None, "at_least")
    sides = [
        side(f"claim:{two.pk}", "Malian state", 2, 2, two.pk),
        side(f"claim:{many.pk}", "CSP-DPA", 47, None, many.pk),
    ]
    dismissed = flag_model.objects.create(
        event=event, measure="killed", group="malian soldiers", status="dismissed",
        explanation="Malian state says 2 (exactly); CSP-DPA says at least 47: no figure fits both.",
        sides=sides, fingerprint=OLD.fingerprint_of(sides), resolution_note="Other engagements",
    )  # fmt: skip

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    flag = ConflictFlag.objects.get(pk=dismissed.pk)
    assert (flag.group, flag.group_label, flag.group_class) == (
        "security_forces:malian",
        "Malian soldiers",
        "security_forces",
    )
    result = services.recheck_event(event_id=event.pk)
    assert result is not None and not result.changed
    assert ConflictFlag.objects.get(pk=dismissed.pk).status == "dismissed"
    assert not ConflictFlag.objects.filter(status="open").exists()


# --- 0011: published reviews frozen on upgrade ----------------------------------------------
BEFORE_FREEZE = [("claims", "0010_desk_queue_and_search")]


def test_claims_published_before_the_upgrade_serve_the_same_review_after_it(
    transactional_db: None, editor: Any
) -> None:
    world = make_world()
    publish(world, "disputed")
    claim = world.claim
    client = APIClient()
    client.force_authenticate(editor)
    url = f"/api/claims/{claim.pk}/claimreview/"
    served = client.get(url).content
    unpublished = services.claim_create(
        by=None, event=world.event, claimant=world.wire, measure="killed",
        group="Wagner fighters", count_text="five",
    )  # fmt: skip

    migrate(BEFORE_FREEZE)  # the column goes: as if published before 0011
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert client.get(url).content == served
    assert Claim.objects.get(pk=claim.pk).published_review is not None
    assert Claim.objects.get(pk=unpublished.pk).published_review is None
