"""An incident typed into the admin by an editor, in a real browser, reads as ANALYSIS.md says.

Everything is entered through the desk's own pages (events, sources, claims and the
attribution inline, with the autocomplete pickers), the way an editor on deadline
would: a health ministry gives 698 killed; a wire service relays it as "nearly 700"
(a relay never replaces its origin's own figure: ANALYSIS.md section 1); a defence
ministry denies that its forces carried out the strike (a dispute of who did it, not
of how many died: section 2); a hospital gives its own "at least 20" (a lower bound
that fits). The event page must propose 698 as the toll (the ministry is rated more
reliable), from 20 to 698, with no conflict on it and the ministry's claim not contested.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from claims import services
from claims.models import Attribution, Claim, ConflictFlag, Event, Toll

pytestmark = pytest.mark.browser


def pick(page: Page, select: str, text: str) -> None:
    """Choose ``text`` in the admin autocomplete (select2) that replaces ``select``."""
    page.locator(f"{select} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def add_source(page: Page, base: str, name: str, kind: str, reliability: str = "F") -> None:
    page.goto(f"{base}/admin/claims/source/add/")
    page.fill("#id_name", name)
    page.select_option("#id_kind", kind)
    page.select_option("#id_reliability", reliability)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def add_claim(page: Page, base: str, event: str, claimant: str, group: str, count: str) -> None:
    page.goto(f"{base}/admin/claims/claim/add/")
    pick(page, "#id_event", event)
    pick(page, "#id_claimant", claimant)
    page.select_option("#id_measure", "killed")
    page.fill("#id_group", group)
    page.fill("#id_count_text", count)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def add_attribution(
    page: Page, source: str, stance: str, count: str = "", disputes: str = ""
) -> None:
    """On the claim's page: the first row of "Add an attribution", then save."""
    row = ".vf-new-attribution [name$='-0-{}']".format
    pick(page, row("source"), source)
    page.locator(row("stance")).select_option(stance)
    if disputes:
        page.locator(row("disputes")).select_option(disputes)
    if count:
        page.locator(row("count_text")).fill(count)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_an_incident_entered_by_hand_gets_its_origins_figure_as_the_toll(
    transactional_db: None, editor: User, live_server: Any, login: Any, screenshots: Any
) -> None:
    page = login("editor")
    base = live_server.url
    page.goto(f"{base}/admin/claims/event/add/")
    page.fill("#id_title", "Market strike")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    add_source(page, base, "Health Ministry", "government", reliability="B")
    add_source(page, base, "Wire Agency", "news_outlet")
    add_source(page, base, "Defence Ministry", "military")
    add_source(page, base, "City Hospital", "official")

    add_claim(page, base, "Market strike", "Health Ministry", "people", "698")
    add_attribution(page, "Wire Agency", "relays", count="nearly 700")
    add_attribution(page, "Defence Ministry", "contradicts", disputes="perpetrator")
    screenshots(page, "ministry-claim-with-relay-and-denial")
    add_claim(page, base, "Market strike", "City Hospital", "people", "at least 20")

    # What the desk typed is what was stored, through the services.
    event = Event.objects.get(title="Market strike")
    relay = Attribution.objects.get(source__name="Wire Agency")
    assert (relay.stance, relay.count_text, relay.count_low) == ("relays", "nearly 700", 630)
    denial = Attribution.objects.get(source__name="Defence Ministry", stance="contradicts")
    assert denial.disputes == "perpetrator"
    assert Claim.objects.filter(event=event).count() == 2

    # Under REDIS_URL the recheck waits for a worker (tests/test_faults.py runs real
    # ones); here it runs in the test, as a worker would.
    services.recheck_event(event_id=event.pk)
    toll = Toll.objects.get(event=event, measure="killed")
    assert (toll.low, toll.best, toll.high) == (20, 698, 698)
    assert not ConflictFlag.objects.open().filter(event=event).exists()
    ministry = Claim.objects.get(claimant__name="Health Ministry")
    assert ministry.corroboration != "contested"
    assert not ministry.superseded

    page.goto(f"{base}/admin/claims/event/{event.pk}/change/")
    toll_box = page.locator(".vf-toll")
    expect(toll_box).to_have_count(1)
    proposed = toll_box.locator("table.vf-figures tbody tr").first
    expect(proposed.locator("td")).to_have_text(["20", "698", "698"])
    expect(toll_box.locator(".vf-conflict")).to_have_count(0)  # no "⚠ open conflict" badge
    screenshots(page, "event-page-toll")
