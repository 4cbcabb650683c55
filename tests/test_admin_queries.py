"""Every desk list and page runs a fixed number of queries, whatever its number of rows.

Each case measures one page at 10 rows and again at 500 (rows of the list, or related
rows on a page: a claim's attributions, an event's claims, a flag's sides) and wants the
same count. Rows are made in bulk, with history where the page shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import need, on_postgres
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from claims.admin.pagination import EstimatedCountPaginator
from claims.models import Attribution, Claim, ConflictFlag, Event, Source

# Measured counts, printed at the end of the run for the record (pytest -s).
MEASURED: dict[str, tuple[int, int]] = {}
# A page that needs more than this is doing too much, even if it is constant.
BUDGET = 25


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module", autouse=True)
def print_counts() -> Any:
    yield
    if MEASURED:
        print("\nQueries per page (10 rows, 500 rows):")
        for name, (small, large) in sorted(MEASURED.items()):
            print(f"  {name:<50} {small:>3} {large:>3}")


class Maker:
    """Bulk rows with unique names, so a case can add more of them later."""

    def __init__(self) -> None:
        self.serial = 0

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def sources(self, n: int) -> list[Source]:
        return Source.objects.bulk_create(
            [
                Source(name=f"Source {i}", kind="party", origin=f"Origin {i}", reliability="C")
                for i in (self.next() for _ in range(n))
            ]
        )

    def events(self, n: int) -> list[Event]:
        return Event.objects.bulk_create(
            [Event(title=f"Event {i}", place="somewhere") for i in (self.next() for _ in range(n))]
        )

    def claims(self, events: list[Event], sources: list[Source], groups: list[str]) -> list[Claim]:
        return bulk_create_with_history(
            [
                Claim(
                    event=event,
                    claimant=source,
                    text=f"Claim {self.next()} about the toll",
                    measure="killed",
                    group=group,
                    count_text="at least six",
                    count_low=6,
                    count_high=None,
                    count_qualifier="at_least",
                )
                for event, source, group in zip(events, sources, groups, strict=True)
            ],
            Claim,
        )

    def attributions(
        self, claims: list[Claim], sources: list[Source], *, stance: str = "corroborates"
    ) -> list[Attribution]:
        rows = []
        for index, (claim, source) in enumerate(zip(claims, sources, strict=True)):
            rows.append(
                Attribution(
                    claim=claim,
                    source=source,
                    stance=stance,
                    quote="Said so on the record.",
                    url="https://example.org/statement",
                    count_text="several",
                    count_low=3,
                    count_high=9,
                    count_qualifier="vague",
                    # Every state, so every branch of the columns is drawn.
                    verification=("unverified", "verified", "rejected")[index % 3],
                    verification_note="" if index % 3 != 2 else "Not in the source",
                )
            )
        return bulk_create_with_history(rows, Attribution)

    def flags(self, event: Event, groups: list[str], claims: list[Claim]) -> list[ConflictFlag]:
        return ConflictFlag.objects.bulk_create(
            [
                ConflictFlag(
                    event=event,
                    measure="killed",
                    group=group.lower(),
                    explanation="A says 6; B says 84: no figure fits both.",
                    sides=sides_for(claims[:2]),
                    fingerprint=f"f{self.next()}",
                )
                for group in groups
            ]
        )


def sides_for(claims: list[Claim]) -> list[dict[str, Any]]:
    return [
        {
            "key": f"claim:{claim.pk}",
            "speaker": f"Origin {claim.pk}",
            "source": f"Source {claim.pk}",
            "count_text": claim.count_text,
            "low": claim.count_low,
            "high": claim.count_high,
            "claim_id": claim.pk,
            "attribution_id": None,
        }
        for claim in claims
    ]


@dataclass
class Case:
    """One page: how to make it, how to add n rows to it, and its URL."""

    setup: Callable[[Maker], Any]
    grow: Callable[[Maker, Any, int], None]
    url: Callable[[Any], str]


# --- Lists: n rows in the table -------------------------------------------------------------
def list_world(maker: Maker) -> Any:
    return None


def grow_everything(maker: Maker, _: Any, n: int) -> None:
    """n more of every row: sources, events, claims (each flagged), attributions, flags."""
    sources = maker.sources(n)
    events = maker.events(n)
    claims = maker.claims(events, sources, ["Wagner fighters"] * n)
    maker.attributions(claims, sources, stance="asserts")
    for event, claim in zip(events, claims, strict=True):
        maker.flags(event, ["Wagner fighters"], [claim])


def changelist(model: str, query: str = "") -> Callable[[Any], str]:
    return lambda _: reverse(f"admin:claims_{model}_changelist") + query


# --- Pages: n related rows ------------------------------------------------------------------
def one_claim(maker: Maker) -> Claim:
    sources = maker.sources(1)
    events = maker.events(1)
    claim = maker.claims(events, sources, ["Wagner fighters"])[0]
    maker.flags(events[0], ["Wagner fighters"], [claim])
    return claim


def grow_claim_attributions(maker: Maker, claim: Claim, n: int) -> None:
    maker.attributions([claim] * n, maker.sources(n))


def grow_event_claims(maker: Maker, claim: Claim, n: int) -> None:
    """n more claims on the claim's event, each on its own group, half of them flagged."""
    sources = maker.sources(n)
    groups = [f"Group {maker.next()}" for _ in range(n)]
    claims = maker.claims([claim.event] * n, sources, groups)
    maker.attributions(claims, sources, stance="asserts")
    maker.flags(claim.event, groups[: n // 2], claims)


def grow_flag_sides(maker: Maker, claim: Claim, n: int) -> None:
    flag = ConflictFlag.objects.get(event=claim.event)
    sides = sides_for([claim]) * n
    ConflictFlag.objects.filter(pk=flag.pk).update(sides=flag.sides + sides)


def grow_source_uses(maker: Maker, claim: Claim, n: int) -> None:
    events = maker.events(n)
    claims = maker.claims(events, [claim.claimant] * n, ["Wagner fighters"] * n)
    maker.attributions(claims, [claim.claimant] * n, stance="asserts")


CASES = {
    "claims queue": Case(list_world, grow_everything, changelist("claim")),
    "claims queue, a class": Case(
        list_world, grow_everything, changelist("claim", "?group_class__exact=fighters")
    ),
    "claims queue, corroboration": Case(
        list_world, grow_everything, changelist("claim", "?corroboration=contested")
    ),
    "sources to check": Case(list_world, grow_everything, changelist("attribution")),
    "sources to check, all": Case(
        list_world, grow_everything, changelist("attribution", "?verification=all")
    ),
    "conflict desk": Case(list_world, grow_everything, changelist("conflictflag")),
    "events": Case(list_world, grow_everything, changelist("event")),
    "sources": Case(list_world, grow_everything, changelist("source")),
    "claim page (attributions)": Case(
        one_claim,
        grow_claim_attributions,
        lambda c: reverse("admin:claims_claim_change", args=[c.pk]),
    ),
    "claim page (event's claims, flags)": Case(
        one_claim, grow_event_claims, lambda c: reverse("admin:claims_claim_change", args=[c.pk])
    ),
    "attribution page (claim's others)": Case(
        one_claim,
        grow_claim_attributions,
        lambda c: reverse("admin:claims_attribution_change", args=[c.attributions.first().pk]),
    ),
    "event page (claims, flags)": Case(
        one_claim,
        grow_event_claims,
        lambda c: reverse("admin:claims_event_change", args=[c.event_id]),
    ),
    "flag page (sides)": Case(
        one_claim,
        grow_flag_sides,
        lambda c: reverse(
            "admin:claims_conflictflag_change", args=[ConflictFlag.objects.get(event=c.event).pk]
        ),
    ),
    "source page (claims made)": Case(
        one_claim,
        grow_source_uses,
        lambda c: reverse("admin:claims_source_change", args=[c.claimant_id]),
    ),
}


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("role", ["editor", "factchecker"])
def test_page_queries_do_not_grow_with_rows(name: str, role: str, request: Any, db: None) -> None:
    user: User = request.getfixturevalue(role)
    case = CASES[name]
    client = Client()
    client.force_login(user)
    maker = Maker()
    subject = case.setup(maker)
    case.grow(maker, subject, 10)
    url = case.url(subject)
    client.get(url)  # warm the per-process caches (content types) first
    small = count_queries(client, url)
    case.grow(maker, subject, 490)
    large = count_queries(client, url)
    MEASURED[f"{name} ({role})"] = (small, large)
    assert small == large, f"{name}: {small} queries at 10 rows, {large} at 500"
    assert large <= BUDGET


def test_the_queue_shows_500_rows_a_page_at_a_time(editor: User) -> None:
    maker = Maker()
    grow_everything(maker, None, 120)
    client = Client()
    client.force_login(editor)
    response = client.get(reverse("admin:claims_claim_changelist"))
    cl = response.context["cl"]
    assert len(cl.result_list) == 50 and cl.result_count == 120
    assert all(c.desk_mine is False for c in cl.result_list)


@pytest.mark.postgres
def test_on_postgres_an_unfiltered_queue_is_not_counted(editor: User, monkeypatch: Any) -> None:
    need(on_postgres(), "PostgreSQL (set DATABASE_URL)")
    maker = Maker()
    grow_everything(maker, None, 60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    # Pretend the table is large: anything above 50 rows is "large" for this test.
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 50)
    client = Client()
    client.force_login(editor)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:claims_claim_changelist"))
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert counts == []
    assert any("reltuples" in q["sql"] for q in captured)
    assert response.context["cl"].paginator.count_is_estimate
    assert "about 60 claims" in response.content.decode()
