"""A published review stays as the editor approved it, and is safe to embed (issue #15).

Finding 2: after an editor published a claim, a fact-checker renamed its source,
changed links and added an unverified attribution, and the served ClaimReview carried
all of it at once. Now publishing freezes the review: the edits are recorded as ever,
the claim page says what changed since publication, and only a republish by an editor
lets them through. Finding 3: a source's name is served so that pasting the JSON-LD
into a ``<script type="application/ld+json">`` cannot end the script (the browser
half is in test_publication_browser.py).
"""

# Fixtures imported from test_api are used as parameters here, which ruff takes for shadowing.
# ruff: noqa: F811
from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from test_api import (  # noqa: F401  (fixtures)
    World,
    api_settings,
    as_editor,
    as_factchecker,
    edit,
    error,
    etag,
    step,
    world,
)

from claims import claimreview
from claims.models import Claim, Source

HOSTILE = "JNIM</script><img src=x onerror=alert(1)>"


def review_url(claim: Claim) -> str:
    return f"/api/claims/{claim.pk}/claimreview/"


def publish(client: APIClient, claim: Claim) -> None:
    for body in (
        {"action": "start_review"},
        {"action": "give_verdict", "verdict": "disputed"},
        {"action": "publish", "override_reason": "Both figures reported"},
    ):
        response = step(client, claim.pk, **body)
        assert response.status_code == 200, response.content


def edit_evidence_as_a_factchecker(world: World, client: APIClient) -> None:
    """What the security test did: all of it allowed, none of it reviewed."""
    url = f"/api/sources/{world.jnim.pk}/"
    renamed = edit(client, url, {"name": "JNIM Media", "url": "https://jnim.example/new"})
    assert renamed.status_code == 200, renamed.content
    asserts = world.claim.attributions.get(source=world.jnim)
    url = f"/api/attributions/{asserts.pk}/"
    relinked = edit(client, url, {"url": "https://example.org/another-statement"})
    assert relinked.status_code == 200, relinked.content
    added = client.post(
        "/api/attributions/",
        {"claim": world.claim.pk, "source": world.wire.pk, "stance": "relays",
         "url": "https://wire.example/relay"},
        format="json",
    )  # fmt: skip
    assert added.status_code == 201, added.content


def test_edits_after_publication_never_reach_the_published_review_by_themselves(
    world: World, as_editor: APIClient, as_factchecker: APIClient
) -> None:
    publish(as_editor, world.claim)
    published = as_editor.get(review_url(world.claim))
    assert published.status_code == 200

    edit_evidence_as_a_factchecker(world, as_factchecker)

    served = as_editor.get(review_url(world.claim))
    assert served.content == published.content
    review = served.json()
    assert review["itemReviewed"]["author"]["name"] == "JNIM"
    assert [w["url"] for w in review["itemReviewed"]["appearance"]] == [
        "https://example.org/jnim-statement"
    ]
    # The edits themselves are recorded as ever.
    assert world.jnim.history.filter(name="JNIM Media").exists()


def test_the_claim_page_says_what_changed_since_publication(
    world: World, as_editor: APIClient, as_factchecker: APIClient, editor: Any
) -> None:
    publish(as_editor, world.claim)
    page = Client()
    page.force_login(editor)
    url = reverse("admin:claims_claim_change", args=[world.claim.pk])
    assert "Changed since publication" not in page.get(url).content.decode()

    edit_evidence_as_a_factchecker(world, as_factchecker)

    response = page.get(url)
    html = response.content.decode()
    assert "Changed since publication" in html
    changes = {(c.what, c.before, c.after) for c in response.context["publication_changes"]}
    assert ("Claimant", "JNIM", "JNIM Media") in changes
    assert ("Claimant's link", "—", "https://jnim.example/new") in changes
    assert ("Claim reviewed", "JNIM: at least six Wagner fighters killed",
            "JNIM Media: at least six Wagner fighters killed") in changes  # fmt: skip
    made = world.claim.made_at.date().isoformat()  # type: ignore[union-attr]
    appearances = {(before, after) for what, before, after in changes if what == "Appears in"}
    assert appearances == {
        (f"JNIM at https://example.org/jnim-statement, {made}", "—"),
        ("—", f"JNIM Media at https://example.org/another-statement, {made}"),
        ("—", "Wire service at https://wire.example/relay"),
    }
    assert "Republish with these changes" in html


def test_an_editor_republishing_lets_the_changes_through_and_the_history_keeps_them(
    world: World, as_editor: APIClient, as_factchecker: APIClient
) -> None:
    publish(as_editor, world.claim)
    before = as_editor.get(review_url(world.claim)).json()
    edit_evidence_as_a_factchecker(world, as_factchecker)

    assert step(as_factchecker, world.claim.pk, action="republish").status_code == 403
    response = step(as_editor, world.claim.pk, action="republish", override_reason="Both")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"

    after = as_editor.get(review_url(world.claim)).json()
    assert after["itemReviewed"]["author"] == {
        "@type": "Organization", "name": "JNIM Media", "url": "https://jnim.example/new"
    }  # fmt: skip
    assert [w["url"] for w in after["itemReviewed"]["appearance"]] == [
        "https://example.org/another-statement",
        "https://wire.example/relay",
    ]
    # Still the publication's date: a republish corrects what was published then.
    assert after["datePublished"] == before["datePublished"]
    record = Claim.history.filter(id=world.claim.pk).latest("history_id")  # type: ignore[attr-defined]
    assert "Claimant: JNIM → JNIM Media" in record.history_change_reason
    assert record.published_review["claimReviewed"].startswith("JNIM Media:")

    nothing_new = step(as_editor, world.claim.pk, action="republish", override_reason="Both")
    assert nothing_new.status_code == 409
    assert "nothing to republish" in error(nothing_new)["detail"]


def test_back_to_review_unpublishes_and_a_new_publish_freezes_afresh(
    world: World, as_editor: APIClient, as_factchecker: APIClient
) -> None:
    publish(as_editor, world.claim)
    edit_evidence_as_a_factchecker(world, as_factchecker)
    assert step(as_editor, world.claim.pk, action="reopen").status_code == 200
    assert as_editor.get(review_url(world.claim)).status_code == 404
    assert Claim.objects.get(pk=world.claim.pk).published_review is None

    for body in ({"action": "give_verdict", "verdict": "false"},
                 {"action": "publish", "override_reason": "Both"}):  # fmt: skip
        assert step(as_editor, world.claim.pk, **body).status_code == 200
    review = as_editor.get(review_url(world.claim)).json()
    assert review["itemReviewed"]["author"]["name"] == "JNIM Media"
    assert review["reviewRating"]["alternateName"] == "False"


def test_a_claim_published_past_the_services_serves_nothing_until_an_editor_republishes(
    world: World, as_editor: APIClient
) -> None:
    Claim.objects.filter(pk=world.claim.pk).update(status="published", verdict="false")
    assert as_editor.get(review_url(world.claim)).status_code == 404
    claim = Claim.objects.select_related("claimant").get(pk=world.claim.pk)
    assert ("Rating", "—", "False") in {
        (c.what, c.before, c.after) for c in claimreview.changed_since_publication(claim)
    }
    assert step(as_editor, claim.pk, action="republish", override_reason="Both").status_code == 200
    assert as_editor.get(review_url(world.claim)).json()["reviewRating"]["alternateName"] == "False"


# --- Finding 3: safe to embed ---------------------------------------------------------------
def test_the_json_ld_escapes_what_would_end_a_script_block(
    world: World, as_editor: APIClient
) -> None:
    # Written around the services (a restore, a legacy row): they would drop the U+2028.
    Source.objects.filter(pk=world.jnim.pk).update(name=HOSTILE + " & co \u2028")
    publish(as_editor, world.claim)
    for accept in ("application/ld+json", "application/json", "*/*"):
        response = as_editor.get(review_url(world.claim), HTTP_ACCEPT=accept)
        assert response.status_code == 200
        text = response.content.decode()
        assert not {"<", ">", "&", "\u2028"} & set(text), text
        assert "\\u003c/script\\u003e" in text and "\\u0026" in text
        review = json.loads(text)
        assert review["itemReviewed"]["author"]["name"] == HOSTILE + " & co \u2028"
