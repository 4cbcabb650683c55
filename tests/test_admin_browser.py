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
    page.get_by_role("link", name="Sources to check").click()
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
