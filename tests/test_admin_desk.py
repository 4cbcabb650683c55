"""The desk for people on deadline (issue #14): its home, its words, its CSV, its search.

On the demo data, through the admin's own views: the home shows each role its work
with counts; every link of the navigation opens a page of that title; starting a
review gives the claim to the reviewer; history reads as sentences; names are shown as
written; the legend explains letters, stances and decisions; every list downloads as
CSV, filtered as shown, formula-safe and refused to people who cannot see the list.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from claims import services
from claims.admin import display
from claims.models import Claim, ConflictFlag, Event


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None, editor: User, factchecker: User, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo", stdout=StringIO())
    for event_id in Event.objects.values_list("pk", flat=True):
        services.recheck_event(event_id=event_id)
    ed, fc = Client(), Client()
    ed.force_login(editor)
    fc.force_login(factchecker)
    tinzaouaten = Event.objects.get(title="Battle of Tinzaouaten")
    return SimpleNamespace(
        editor=editor,
        factchecker=factchecker,
        ed=ed,
        fc=fc,
        tinzaouaten=tinzaouaten,
        csp_84=Claim.objects.get(event=tinzaouaten, claimant__name="CSP-DPA", count_text="84"),
    )


def text_of(response: Any) -> str:
    """The page's visible words, tags removed and spaces folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


# --- The home -------------------------------------------------------------------------------
def test_the_home_shows_each_role_its_work_with_counts(world: Any) -> None:
    services.claim_assign(claim=world.csp_84, assignee=world.editor, by=world.editor)
    response = world.ed.get(reverse("admin:index"))
    page = text_of(response)
    cards = {c["title"]: c["n"] for c in response.context["cards"]}
    assert cards == {
        "Assigned to me": 1,
        "New claims": 10,
        "In review": 0,
        "Sources to check": cards["Sources to check"],
        "Open conflicts": 4,
    }
    assert cards["Sources to check"] > 0
    assert "My claims to review" in page and "CSP-DPA: “84” Wagner fighters killed" in page
    assert "Events with open conflicts" in page and "Battle of Tinzaouaten ⚠ 2 open" in page
    assert "Recent activity" in page and "editor assigned claim #" in page
    # A fact-checker's day starts with the sources to check.
    first = world.fc.get(reverse("admin:index")).context["cards"][0]["title"]
    assert first == "Sources to check"


def test_view_site_leads_to_the_desk_home(world: Any) -> None:
    html = world.ed.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert f'<a href="{reverse("admin:index")}">View site</a>' in html


def test_every_navigation_link_opens_a_page_of_that_title(world: Any) -> None:
    html = world.ed.get(reverse("admin:index")).content.decode()
    nav = html[html.index('<nav class="vf-nav"') : html.index("</nav>", html.index("vf-nav"))]
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    assert [name for _, name in links][:7] == [
        "Desk", "Claims queue", "Assigned to me", "Sources to check", "Conflict desk",
        "Events", "Sources",
    ]  # fmt: skip
    for url, name in links:
        if name == "Import article":
            continue  # the ingest page's own title
        page = world.ed.get(url.replace("&amp;", "&"))
        assert page.context["title"] == name, url
        assert f'aria-current="page">{name}</a>' in page.content.decode()


# --- Words ----------------------------------------------------------------------------------
def test_starting_a_review_assigns_the_claim_and_history_says_so_in_words(world: Any) -> None:
    claim = world.csp_84
    world.ed.post(
        reverse("admin:claims_claim_review", args=[claim.pk]),
        {"action": "start_review", "version": claim.version},
    )
    claim.refresh_from_db()
    assert (claim.status, claim.assignee) == ("in_review", world.editor)
    mine = world.ed.get(reverse("admin:claims_claim_changelist") + "?assigned=me")
    assert [c.pk for c in mine.context["cl"].result_list] == [claim.pk]
    world.ed.post(
        reverse("admin:claims_claim_review", args=[claim.pk]),
        {"action": "give_verdict", "verdict": "disputed", "version": claim.version,
         "note": "tolls differ"},
    )  # fmt: skip
    page = text_of(world.ed.get(reverse("admin:claims_claim_change", args=[claim.pk])))
    assert "editor moved it from in review to verdict given, verdict disputed: tolls differ" in page
    assert "the system added CSP-DPA (asserts), unverified: Demo data" in page
    assert "editor moved it from new to in review, assigned it to editor" in page
    history = text_of(world.ed.get(reverse("admin:claims_claim_history", args=[claim.pk])))
    assert "moved it from in review to verdict given" in history
    assert "Version" not in history and "→" not in history


def test_flags_show_groups_as_written_and_closing_is_explained(world: Any) -> None:
    page = text_of(world.ed.get(reverse("admin:claims_conflictflag_changelist")))
    assert "Wagner fighters killed (fighters)" in page
    assert "fighters:wagner" not in page and "security_forces:malian" not in page
    assert "Resolve the conflict is settled" in page and "Dismiss not a real conflict" in page


def test_relayed_figures_say_via_whom() -> None:
    side = {"speaker": "Malian army", "via": "Associated Press", "count_text": "nearly 50",
            "low": 45, "high": 50, "claim_id": 1}  # fmt: skip
    assert "via Associated Press" in display.sides_html([side])
    assert display.side_rows([side])[0]["via"] == "Associated Press"


def test_the_legend_explains_letters_numbers_stances_and_decisions(world: Any) -> None:
    page = text_of(world.ed.get(reverse("admin:claims_claim_change", args=[world.csp_84.pk])))
    for words in (
        "What the letters, numbers and badges mean",
        "B usually reliable",
        "2 probably true",
        "“B2”",
        "relays an outlet passes the claimant's words on (“via”)",
        "Figure corroborated An independent verified source gives a figure",
        "✓ Resolve the conflict is settled",
    ):
        assert words in page, words


def test_help_text_reads_as_help_not_as_the_claims_data(world: Any) -> None:
    html = world.ed.get(reverse("admin:claims_claim_change", args=[world.csp_84.pk]))
    page = text_of(html)
    assert "Type who was counted, as the source put it" in page
    assert "Who was counted, as the source put it." not in page  # the model's wording


# --- Search and pickers ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Tinzaou", {"event__title": "Battle of Tinzaouaten"}),  # part of an event's title
        ("CSP", {"claimant__name": "CSP-DPA"}),  # part of a claimant's name
        ("mercenar", {"text__icontains": "mercenaries"}),  # a word's start, in the text
        ("Wagner 84", {"group": "Wagner fighters", "count_text": "84"}),  # every word
        ("'nobody says this'", {"pk": None}),
    ],
)
def test_search_finds_by_event_claimant_or_the_claims_words(
    world: Any, term: str, expected: dict[str, Any]
) -> None:
    response = world.ed.get(reverse("admin:claims_claim_changelist"), {"q": term})
    found = {c.pk for c in response.context["cl"].result_list}
    assert found == set(Claim.objects.filter(**expected).values_list("pk", flat=True)), term


def test_the_event_filter_is_a_search_not_a_list_of_every_event(world: Any) -> None:
    url = reverse("admin:claims_claim_changelist")

    def filters(response: Any) -> str:
        page = response.content.decode()
        start = page.index('id="changelist-filter"')
        return page[start : page.index("</search>", start)]

    page = filters(world.ed.get(url))
    assert 'name="event_q"' in page
    assert "Killings in Ngarbuh</a>" not in page  # nothing listed before a word is typed
    html = filters(world.ed.get(url, {"event_q": "ngarb", "status__exact": "new"}))
    ngarbuh = Event.objects.get(title="Killings in Ngarbuh")
    assert f"event__id__exact={ngarbuh.pk}" in html and "Battle of Tinzaouaten</a>" not in html
    assert '<input type="hidden" name="status__exact" value="new">' in html  # kept
    chosen = world.ed.get(url, {"event__id__exact": ngarbuh.pk})
    assert {c.event_id for c in chosen.context["cl"].result_list} == {ngarbuh.pk}
    assert world.ed.get(url, {"event__id__exact": "²"}).status_code == 302  # "?e=1"


# --- CSV ------------------------------------------------------------------------------------
def test_the_queue_downloads_as_filtered_and_formula_safe(world: Any) -> None:
    services.claim_update(
        claim=world.csp_84, version=world.csp_84.version, by=world.editor, reason="test",
        text="=HYPERLINK(\"http://evil\")",
    )  # fmt: skip
    queue = world.ed.get(reverse("admin:claims_claim_changelist"), {"corroboration": "contested"})
    assert 'href="/admin/claims/claim/export.csv?corroboration=contested"' in (
        queue.content.decode()
    )
    rows = csv_rows(
        world.ed.get(reverse("admin:claims_claim_export"), {"corroboration": "contested"})
    )
    assert len(rows) == 8 and {r["corroboration"] for r in rows} == {"contested"}
    mine = next(r for r in rows if r["id"] == str(world.csp_84.pk))
    assert mine["text"] == '\'=HYPERLINK("http://evil")'
    assert (mine["claimant"], mine["count as written"], mine["low"]) == ("CSP-DPA", "84", "84")


def test_every_list_downloads_and_only_for_those_who_may_see_it(world: Any, outsider: User) -> None:
    flags = csv_rows(world.fc.get(reverse("admin:claims_conflictflag_export"), {"status": "open"}))
    assert len(flags) == ConflictFlag.objects.open().count()
    assert "Wagner fighters" in {f["group as written"] for f in flags}
    checks = csv_rows(world.fc.get(reverse("admin:claims_attribution_export")))
    assert checks and {r["verification"] for r in checks} == {"unverified"}
    tolls = csv_rows(world.ed.get(reverse("admin:claims_event_export"), {"q": "Tinzaouaten"}))
    assert {t["event"] for t in tolls} == {"Battle of Tinzaouaten"}
    assert {"low", "best", "high", "confirmed"} <= set(tolls[0])
    stranger = Client()
    stranger.force_login(outsider)
    for name in ("claim", "attribution", "conflictflag", "event"):
        assert stranger.get(reverse(f"admin:claims_{name}_export")).status_code == 403


# --- The event page -------------------------------------------------------------------------
def test_the_event_page_draws_each_toll_without_javascript(world: Any) -> None:
    html = world.ed.get(reverse("admin:claims_event_change", args=[world.tinzaouaten.pk]))
    page = html.content.decode()
    assert page.count('<svg viewBox="0 0 760 300" role="img"') == 3
    assert "Wagner fighters killed: each origin's figures over time" in page
    assert "CSP-DPA: 84, 1 Aug 2024, on an open conflict" in page  # the picture's words
    assert "Band: toll proposal 50–84, best 50." in page
