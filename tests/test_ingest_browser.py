"""An editor imports the Mali article in a real browser: paste, review, accept, saved."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import data_path

from claims.models import Attribution, Claim, Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_imports_an_article(
    editor: Any, login: Any, screenshots: Any, live_server: Any
) -> None:
    text = data_path("articles/mali-wagner-ambush.txt").read_text(encoding="utf-8")
    page = login("editor")
    page.goto(f"{live_server.url}/admin/claims/import-article/")
    page.fill("#id_text", text)
    page.fill("#id_url", "https://news.example.org/mali-ambush")
    page.fill("#id_publisher", "Associated Press")
    page.fill("#id_published", "2024-11-22T10:00")
    screenshots(page, "pasted")
    page.click("input[name=_preview]")

    # The drafts, with the sentence each came from and its figure highlighted.
    page.wait_for_selector("table.vf-drafts")
    marks = page.locator("table.vf-drafts mark").all_inner_texts()
    assert marks[:2] == ["six", "at least six"] and "several" in marks and "nearly 50" in marks
    headline, jnim, relay = (page.locator("tr.vf-draft").nth(i) for i in range(3))
    # The headline is the outlet's own voice; the body gives JNIM's figure, relayed.
    assert headline.locator("input[name$=-claimant]").input_value() == "Associated Press"
    assert jnim.locator("input[name$=-claimant]").input_value() == "JNIM"
    assert jnim.locator("select[name$=-stance]").input_value() == "asserts"
    assert page.locator("input[name=event-0-title]").input_value().startswith("Attack in Mopti")
    assert Claim.objects.count() == 0  # nothing is saved by looking
    screenshots(page, "drafts")

    # Accept everything but the headline and the relay of the JNIM claim; fix its group.
    assert relay.locator("select[name$=-stance]").input_value() == "relays"
    headline.locator("select[name$=-decision]").select_option("drop")
    relay.locator("select[name$=-decision]").select_option("drop")
    jnim.locator("input[name$=-group]").fill("Wagner mercenaries")
    page.click("input[name=_save]")

    page.wait_for_url("**/admin/claims/claim/**")
    assert page.locator(".messagelist").inner_text().startswith("Imported from the article")
    screenshots(page, "saved")

    jnim = Claim.objects.get(claimant__name="JNIM")
    assert (jnim.group, jnim.count_low, jnim.count_high) == ("Wagner mercenaries", 6, None)
    assert jnim.event.region == "Mopti"
    assert set(jnim.attributions.values_list("source__name", "stance")) == {
        ("JNIM", "asserts"),
        ("Local security official (anonymous)", "corroborates"),
    }
    assert not Attribution.objects.filter(stance="relays").exists()
    assert Claim.objects.filter(count_text="nearly 50").exclude(event=jnim.event).exists()
    assert Event.objects.count() == 2
