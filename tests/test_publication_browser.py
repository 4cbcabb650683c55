"""A published claim in the browser: its review embedded in a page, and the desk's republish.

Issue #15, finding 3: a CMS pastes the JSON-LD into ``<script type="application/ld+json">``.
A source named ``JNIM</script><img src=x onerror=alert(1)>`` used to come back raw: the
browser ended the script at ``</script>``, made the image and ran its handler. Here
Debian's Chromium loads a page built exactly so from the live server's answer, and the
page must hold no image, open no dialog, and give back the exact name from
``JSON.parse``. Finding 2: an editor sees on the claim page what changed since
publication and republishes it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from claims import services
from claims.models import Claim

pytestmark = pytest.mark.browser

HOSTILE = "JNIM</script><img src=x onerror=alert(1)>"


def published_claim_by(name: str) -> Claim:
    event = services.event_create(by=None, title="Ambush on a convoy")
    source = services.source_create(by=None, name=name, kind="party", url="https://jnim.example")
    claim = services.claim_create(
        by=None, event=event, claimant=source, measure="killed", group="Wagner fighters",
        count_text="at least six", url="https://example.org/jnim-statement",
    )  # fmt: skip
    for action in ("start_review", "give_verdict", "publish"):
        claim = services.claim_transition(
            claim=claim, action=action, version=claim.version, by=None, verdict="unverifiable"
        )
    return claim


def test_the_served_json_ld_embedded_in_a_page_runs_nothing(
    transactional_db: None, editor: Any, login: Any, live_server: Any
) -> None:
    claim = published_claim_by(HOSTILE)
    page = login("editor")
    served = page.request.get(
        f"{live_server.url}/api/claims/{claim.pk}/claimreview/",
        headers={"Accept": "application/ld+json"},
    )
    assert served.status == 200
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.set_content(
        "<!doctype html><html><head><title>Fact check</title>"
        f'<script type="application/ld+json">{served.text()}</script>'
        "</head><body><p id='end'>Fact check</p></body></html>"
    )

    assert page.locator("#end").count() == 1
    assert page.locator("img").count() == 0
    # Scripts on the page have run by now: a handler that ran would have opened a dialog.
    page.evaluate("() => new Promise(requestAnimationFrame)")
    assert dialogs == []
    name = page.evaluate(
        "() => JSON.parse(document.querySelector('script[type=\"application/ld+json\"]')"
        ".textContent).itemReviewed.author.name"
    )
    assert name == HOSTILE


def test_an_editor_sees_what_changed_since_publication_and_republishes(
    transactional_db: None, editor: Any, login: Any, live_server: Any, screenshots: Any
) -> None:
    claim = published_claim_by("JNIM")
    services.source_update(source=claim.claimant, by=None, name="JNIM Media")
    page = login("editor")
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    panel = page.locator("section.vf-changed")
    expect(panel).to_contain_text("Changed since publication")
    expect(panel.locator("tr", has_text="Claimant")).to_contain_text(re.compile("JNIM.*JNIM Media"))
    screenshots(page, "changed-since-publication")

    panel.get_by_role("button", name=re.compile("Republish")).click()
    expect(page.locator(".messagelist")).to_contain_text("republished")
    expect(page.locator("section.vf-changed")).to_have_count(0)
    screenshots(page, "republished")
    frozen = Claim.objects.get(pk=claim.pk).published_review
    assert frozen is not None and frozen["itemReviewed"]["author"]["name"] == "JNIM Media"
