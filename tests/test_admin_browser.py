"""The desk in a real browser (Debian's Chromium through Playwright), on the demo data.

Four stories, each step saved as a screenshot under test-artifacts/screenshots/<test>/:
an editor resolves the demo conflict found from the queue; a fact-checker verifies an
attribution and sees it leave the queue; a fact-checker gets no verdict buttons and a
forged POST is refused; two editors save one claim and the second is told.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from playwright.sync_api import expect

from claims import services
from claims.models import Attribution, Claim, ConflictFlag, Event

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(
    transactional_db: None, editor: User, factchecker: User, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """The demo incidents, with their flags whether or not a worker is running."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)  # keep the fixtures' passwords
    call_command("load_demo", stdout=StringIO())
    # With REDIS_URL set the rechecks wait on the queue for a worker: run them here.
    for event_id in Event.objects.values_list("pk", flat=True):
        services.recheck_event(event_id=event_id)
    tinzaouaten = Event.objects.get(title="Battle of Tinzaouaten")
    assert ConflictFlag.objects.open().filter(event=tinzaouaten).count() == 2
    # The ambush's verified official corroborates JNIM: leave one to verify in the queue.
    official = Attribution.objects.get(source__name__startswith="Local security")
    services.attribution_update(
        attribution=official, version=official.version, by=None, quote="Several dead."
    )
    return tinzaouaten


def test_editor_finds_the_conflict_in_the_queue_and_resolves_it(
    demo: Event, login: Any, screenshots: Any
) -> None:
    page = login("editor")
    screenshots(page, "logged-in")
    page.get_by_role("link", name="Claims queue").click()
    screenshots(page, "queue")
    page.get_by_role("link", name="⚠ Contested").click()
    page.wait_for_url("**/admin/claims/claim/?corroboration=contested")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.filter(has_text="Contested")).to_have_count(8)
    screenshots(page, "open-conflicts")

    rows.filter(has_text="“84”").get_by_role("link", name=re.compile(r"^#\d+")).click()
    flag_panel = page.locator(".vf-flags")
    expect(flag_panel).to_be_visible()
    figures = flag_panel.locator(".vf-side-figure").all_inner_texts()
    assert "“84”" in figures and "“nearly 50”" in figures
    screenshots(page, "claim-with-both-figures")

    flag_panel.get_by_label("Reason").fill("AP's later figure is a relay of the army's; 84 stands")
    flag_panel.get_by_role("button", name="✓ Resolve").click()
    expect(page.locator(".messagelist .success")).to_contain_text("resolved")
    expect(page.locator(".vf-flags")).to_have_count(0)
    screenshots(page, "resolved")

    flag = ConflictFlag.objects.get(event=demo, group="fighters:wagner")
    assert flag.status == "resolved"
    assert flag.closed_by.username == "editor"
    assert flag.resolution_note.startswith("AP's later figure")


def test_fact_checker_verifies_an_attribution_and_it_leaves_the_queue(
    demo: Event, login: Any, screenshots: Any
) -> None:
    page = login("factchecker")
    page.locator(".vf-nav").get_by_role("link", name="Sources to check").click()
    row = page.locator("#result_list tbody tr", has_text="Local security official")
    expect(row).to_have_count(1)
    screenshots(page, "sources-to-check")

    row.get_by_role("button", name="✓ Mark verified").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "Verified: Local security official"
    )
    expect(page.locator("#result_list tbody tr", has_text="Local security official")).to_have_count(
        0
    )
    screenshots(page, "verified-and-gone")

    attribution = Attribution.objects.get(source__name__startswith="Local security")
    assert attribution.verification == "verified"
    assert attribution.verified_by.username == "factchecker"
    assert attribution.verified_at is not None


def test_fact_checker_has_no_verdict_buttons_and_a_forged_post_is_refused(
    demo: Event, login: Any, screenshots: Any, editor: User
) -> None:
    claim = Claim.objects.get(event=demo, count_text="84")
    services.claim_transition(claim=claim, action="start_review", version=claim.version, by=editor)
    claim.refresh_from_db()
    page = login("factchecker")
    page.goto(page.url + f"claims/claim/{claim.pk}/change/")
    expect(page.locator(".vf-desk")).to_contain_text("Editors move claims through review")
    for name in ("Confirmed", "Disputed", "False", "Unverifiable", "✔ Publish"):
        assert page.get_by_role("button", name=name, exact=True).count() == 0
    screenshots(page, "no-verdict-buttons")

    # Forge the editor's "False" button: a form posted from this page, with its CSRF token.
    review_url = f"/admin/claims/claim/{claim.pk}/review/"
    with page.expect_response(lambda r: r.url.endswith(review_url)) as refused:
        page.evaluate(
            """([url, version]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = url;
                const fields = {
                    csrfmiddlewaretoken: document.querySelector("[name=csrfmiddlewaretoken]").value,
                    action: "give_verdict", verdict: "false", version: String(version),
                };
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden"; input.name = name; input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [review_url, claim.version],
        )
    assert refused.value.status == 403
    page.wait_for_load_state()
    screenshots(page, "forged-post-refused")
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == ("in_review", "")


def test_two_editors_save_one_claim_and_the_second_is_told(
    demo: Event, login: Any, screenshots: Any, editor: User
) -> None:
    second = User.objects.create_user("second", password="pw-second", is_staff=True)
    second.groups.add(Group.objects.get(name="Editors"))
    claim = Claim.objects.get(event=demo, count_text="84")
    first_page = login("editor")
    second_page = login("second")
    for page in (first_page, second_page):
        page.goto(page.url + f"claims/claim/{claim.pk}/change/")
    screenshots(second_page, "both-open")

    first_page.locator("#id_count_text").fill("at least 84")
    first_page.locator("input[name=_continue]").click()
    first_page.locator(".messagelist .success").wait_for()
    screenshots(first_page, "first-saved")

    second_page.locator("#id_count_text").fill("about 90")
    second_page.locator("#id_group").fill("Russian mercenaries")
    second_page.locator("input[name=_continue]").click()
    refusal = second_page.locator(".vf-refusal")
    refusal.wait_for()
    text = refusal.inner_text()
    assert "editor saved this claim" in text and "Nothing was saved" in text
    assert "at least 84" in text  # what the first editor saved, beside what they typed
    assert second_page.locator("#id_count_text").input_value() == "about 90"
    assert second_page.locator("#id_group").input_value() == "Russian mercenaries"
    screenshots(second_page, "second-told-input-kept")

    claim.refresh_from_db()
    assert (claim.count_text, claim.group) == ("at least 84", "Wagner fighters")


# --- The desk at the widths people use ------------------------------------------------------
WIDTHS = [1366, 1024, 768]


def watch_csp(page: Any) -> list[str]:
    """Collect the browser's Content-Security-Policy complaints on this page."""
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return complaints


def fits_the_width(page: Any) -> None:
    """Nothing scrolls sideways: the page is no wider than the window."""
    wide, window = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide <= window, f"{page.url}: {wide}px of content in a {window}px window"


def on_screen(page: Any, locator: Any) -> None:
    """Visible, and wholly inside the window's width (not cut off at the right)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box


@pytest.mark.parametrize("width", WIDTHS)
def test_the_desk_fits_the_screen_and_its_decisions_are_on_it(
    demo: Event, login: Any, screenshots: Any, width: int
) -> None:
    page = login("editor")
    complaints = watch_csp(page)
    page.set_viewport_size({"width": width, "height": 900})
    base = page.url  # the desk's home, /admin/
    claim = Claim.objects.get(event=demo, count_text="84")
    stops = [
        ("home", base, None),
        ("claims-queue", base + "claims/claim/", None),
        ("claim", base + f"claims/claim/{claim.pk}/change/", "◐ Start review"),
        ("sources-to-check", base + "claims/attribution/", "✓ Mark verified"),
        ("conflict-desk", base + "claims/conflictflag/", "✓ Resolve"),
        ("event", base + f"claims/event/{demo.pk}/change/", "✓ Confirm the proposal"),
    ]
    for name, url, decision in stops:
        page.goto(url)
        fits_the_width(page)
        nav = page.locator(".vf-nav")
        on_screen(page, nav.get_by_role("link", name="Conflict desk"))
        if decision:
            on_screen(page, page.get_by_role("button", name=decision).first)
        if name == "conflict-desk":
            on_screen(page, page.get_by_role("button", name="– Dismiss").first)
        screenshots(page, f"{name}-{width}")
    assert complaints == []


def test_the_home_leads_to_the_work(demo: Event, login: Any, screenshots: Any) -> None:
    page = login("factchecker")
    complaints = watch_csp(page)
    cards = page.locator(".vf-card")
    expect(cards.first).to_contain_text("Sources to check")  # a fact-checker's first job
    expect(page.locator(".vf-cards")).to_contain_text("Open conflicts")
    expect(page.get_by_role("heading", name="Events with open conflicts")).to_be_visible()
    expect(page.locator(".vf-history li").first).to_be_visible()
    screenshots(page, "home")
    page.locator(".vf-card", has_text="Open conflicts").click()
    expect(page).to_have_title(re.compile("^Conflict desk"))
    expect(page.locator("#result_list tbody tr")).to_have_count(ConflictFlag.objects.open().count())
    page.get_by_role("link", name="View site").click()
    expect(page.get_by_role("heading", name=re.compile("^Desk"))).to_be_visible()
    assert complaints == []


def test_the_legend_says_what_letters_and_badges_mean(
    demo: Event, login: Any, screenshots: Any
) -> None:
    page = login("editor")
    page.goto(page.url + "claims/claim/")
    legend = page.locator(".vf-legend")
    expect(legend.locator(".vf-legend-grid")).to_be_hidden()  # folded until asked for
    legend.get_by_text("What the letters, numbers and badges mean").click()
    expect(legend).to_contain_text("B")
    expect(legend).to_contain_text("usually reliable")
    expect(legend).to_contain_text("probably true")
    expect(legend).to_contain_text("Figure corroborated")
    legend.scroll_into_view_if_needed()
    screenshots(page, "legend-open")


def test_the_toll_picture_draws_each_origins_figures(
    demo: Event, login: Any, screenshots: Any
) -> None:
    page = login("editor")
    complaints = watch_csp(page)
    page.goto(page.url + f"claims/event/{demo.pk}/change/")
    wagner = page.locator("article.vf-toll", has_text="Wagner fighters killed").locator(
        "svg.vf-chart-svg"
    )
    expect(wagner).to_be_visible()
    expect(wagner.locator("g[class^=vf-o]")).to_have_count(3)  # AP, CSP-DPA, JNIM
    expect(wagner.locator(".vf-band")).to_have_count(1)
    expect(wagner.locator(".vf-warn")).to_have_count(3)  # all three are on the open flag
    labels = wagner.locator(".vf-label").all_text_contents()
    assert set(labels) == {"Associated Press", "CSP-DPA", "JNIM"}
    malian = page.locator("article.vf-toll", has_text="Malian soldiers killed")
    expect(malian.locator("path.vf-open")).to_have_count(1)  # "at least 47": open upwards
    wagner.scroll_into_view_if_needed()
    wagner.screenshot(path=str(screenshots(page, "event-page").with_name("toll-picture.png")))
    assert complaints == []
