"""What ANALYSIS.md concludes, as an integration reads it through the API (issue #12).

Claims show their group's class, corroboration, credibility (and the Admiralty code),
superseded and disputed responsibility as the recheck stored them, and ``rechecking``
while a change waits for the recheck; editors rate credibility; attributions say what
a contradiction disputes; flags name their group and class; each event's tolls are a
resource that editors confirm or override.
"""

# Fixtures imported from test_api are used as parameters here, which ruff takes for shadowing.
# ruff: noqa: F811
from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient
from test_api import (  # noqa: F401  (fixtures)
    World,
    api_settings,
    as_editor,
    as_factchecker,
    edit,
    error,
    etag,
    recheck,
    world,
)

from claims import services
from claims.models import Attribution, Claim, Toll
from claims.selectors import event_analysis


def claim_json(client: APIClient, claim: Claim) -> dict[str, Any]:
    response = client.get(f"/api/claims/{claim.pk}/")
    assert response.status_code == 200, response.content
    return dict(response.json())


# --- Claims -----------------------------------------------------------------------------------
def test_a_claim_shows_what_the_recheck_concluded(world: World, as_editor: APIClient) -> None:
    services.attribution_verify(attribution=world.corroboration, by=None)
    recheck(world.event)
    assessment = event_analysis(world.event.pk).claims[world.claim.pk]
    body = claim_json(as_editor, world.claim)
    assert body["group"] == "Wagner fighters"  # as written
    assert body["class"] == assessment.group.group_class == "fighters"
    assert body["class_set_by_hand"] is False
    assert body["corroboration"] == assessment.corroboration
    assert body["credibility"] == body["credibility_proposed"] == assessment.credibility
    assert body["admiralty"] == f"F{assessment.credibility}"  # JNIM is rated F
    assert (body["superseded"], body["responsibility_disputed"]) == (False, False)
    assert body["rechecking"] is False
    assert "group_class" not in body and "group_class_override" not in body


def test_rechecking_is_true_until_the_recheck_has_run(world: World, as_editor: APIClient) -> None:
    url = f"/api/claims/{world.claim.pk}/"
    response = edit(as_editor, url, {"group_class_override": "civilians"})
    assert response.status_code == 200, response.content
    body = response.json()
    # The write is saved; what the recheck derives from it is not there yet.
    assert (body["rechecking"], body["class"]) == (True, "fighters")
    assert as_editor.get("/api/claims/").json()["results"][0]["rechecking"] is True

    recheck(world.event)
    body = claim_json(as_editor, world.claim)
    assert (body["rechecking"], body["class"], body["class_set_by_hand"]) == (
        False,
        "civilians",
        True,
    )


def test_filters_by_class_corroboration_and_credibility(world: World, as_editor: APIClient) -> None:
    other = services.claim_create(
        by=None,
        event=world.event,
        claimant=world.wire,
        measure="killed",
        group="villagers",
        count_text="12",
    )
    recheck(world.event)
    Claim.objects.filter(pk=other.pk).update(credibility_override=2)

    def ids(query: str) -> list[int]:
        response = as_editor.get(f"/api/claims/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("class=civilians") == [other.pk]
    assert ids("class=fighters") == [world.claim.pk]
    stored = Claim.objects.get(pk=world.claim.pk)
    assert ids(f"corroboration={stored.corroboration}") == [world.claim.pk]
    assert ids("credibility=2") == [other.pk]  # the editor's rating counts
    assert world.claim.pk in ids(f"credibility={stored.credibility}")
    bad = as_editor.get("/api/claims/?class=martians&credibility=9")
    assert bad.status_code == 400
    assert set(error(bad)["fields"]) == {"class", "credibility"}


def test_editors_rate_credibility_with_a_reason(
    world: World, as_editor: APIClient, as_factchecker: APIClient
) -> None:
    url = f"/api/claims/{world.claim.pk}/"
    proposed = claim_json(as_editor, world.claim)["credibility_proposed"]
    rate = url + "credibility/"

    refused = as_factchecker.post(
        rate, {"credibility": 2, "reason": "x"}, format="json", HTTP_IF_MATCH=etag(as_editor, url)
    )
    assert refused.status_code == 403
    assert as_editor.post(rate, {"credibility": 2, "reason": "x"}, format="json").status_code == 428
    no_reason = as_editor.post(
        rate, {"credibility": 2, "reason": " "}, format="json", HTTP_IF_MATCH=etag(as_editor, url)
    )
    assert no_reason.status_code == 400 and list(error(no_reason)["fields"]) == ["reason"]
    for bad in (0, 7, "two", 1.5, True):
        response = as_editor.post(
            rate,
            {"credibility": bad, "reason": "x"},
            format="json",
            HTTP_IF_MATCH=etag(as_editor, url),
        )
        assert response.status_code == 400, bad

    before = etag(as_editor, url)
    response = as_editor.post(
        rate,
        {"credibility": 2, "reason": "Two independent officials, on record"},
        format="json",
        HTTP_IF_MATCH=before,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["credibility"], body["credibility_proposed"], body["admiralty"]) == (
        2,
        proposed,
        "F2",
    )
    assert response["ETag"] == body["etag"] != before  # the version moved on
    record = Claim.objects.get(pk=world.claim.pk).history.first()
    assert "Two independent officials" in record.history_change_reason

    back = as_editor.post(
        rate,
        {"credibility": None, "reason": "The officials withdrew"},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert back.status_code == 200 and back.json()["credibility"] == proposed
    stale = as_editor.post(
        rate, {"credibility": 3, "reason": "x"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert stale.status_code == 412


# --- Attributions -----------------------------------------------------------------------------
def test_a_contradiction_says_what_it_disputes(world: World, as_editor: APIClient) -> None:
    before = Attribution.objects.count()
    body = {"claim": world.claim.pk, "source": world.wire.pk, "stance": "contradicts"}
    response = as_editor.post("/api/attributions/", body, format="json")
    # The services refuse a contradiction with neither a figure nor a scope.
    assert response.status_code == 400
    assert "disputes" in error(response)["detail"]
    assert Attribution.objects.count() == before

    response = as_editor.post(
        "/api/attributions/", {**body, "disputes": "perpetrator"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["disputes"] == "perpetrator"
    bad = as_editor.post("/api/attributions/", {**body, "disputes": "weather"}, format="json")
    assert bad.status_code == 400 and "disputes" in error(bad)["fields"]

    services.attribution_verify(
        attribution=Attribution.objects.get(pk=response.json()["id"]), by=None
    )
    recheck(world.event)
    assert claim_json(as_editor, world.claim)["responsibility_disputed"] is True


# --- Flags ------------------------------------------------------------------------------------
def test_a_flag_names_its_group_class_and_dated_sides(world: World, as_editor: APIClient) -> None:
    body = as_editor.get(f"/api/flags/{world.flag.pk}/").json()
    assert (body["group"], body["group_key"], body["class"]) == (
        world.flag.group_label,
        world.flag.group,
        "fighters",
    )
    assert body["sides"] == world.flag.sides
    for side in body["sides"]:
        assert {"published_at", "group", "class", "measure", "via"} <= set(side)
    assert [row["id"] for row in as_editor.get("/api/flags/?class=fighters").json()["results"]] == [
        world.flag.pk
    ]
    assert as_editor.get("/api/flags/?class=civilians").json()["results"] == []


# --- Tolls ------------------------------------------------------------------------------------
def tolls_url(world: World) -> str:
    return f"/api/events/{world.event.pk}/tolls/"


def test_an_events_tolls_show_the_proposal_and_the_claims_behind_it(
    world: World, as_factchecker: APIClient
) -> None:
    [toll] = Toll.objects.filter(event=world.event)
    page = as_factchecker.get(tolls_url(world))
    assert page.status_code == 200, page.content
    [row] = page.json()["results"]
    assert row["id"] == toll.pk and row["etag"].startswith(f'"toll-{toll.pk}-')
    assert (row["measure"], row["class"], row["group"], row["group_key"]) == (
        "killed",
        "fighters",
        toll.group_label,
        toll.group,
    )
    assert (row["low"], row["best"], row["high"]) == (toll.low, toll.best, toll.high)
    assert row["proposed"] == {"low": toll.low, "best": toll.best, "high": toll.high}
    assert row["claims"] == {n: toll.basis[n] for n in ("low", "best", "high")}
    assert world.claim.pk in row["claims"]["best"] + row["claims"]["high"] + row["claims"]["low"]
    assert row["method"] == toll.method and row["candidates"] == toll.basis["candidates"]
    assert (row["confirmed"], row["confirmed_by"], row["overridden"]) == (False, None, False)

    detail = as_factchecker.get(f"{tolls_url(world)}{toll.pk}/")
    assert detail.status_code == 200 and detail["ETag"] == row["etag"]
    assert as_factchecker.get(f"{tolls_url(world)}?class=civilians").json()["results"] == []
    assert as_factchecker.get("/api/events/999999/tolls/").status_code == 404
    other = services.event_create(by=None, title="Another event")
    assert as_factchecker.get(f"/api/events/{other.pk}/tolls/{toll.pk}/").status_code == 404


def test_editors_confirm_or_override_a_toll(
    world: World, as_editor: APIClient, as_factchecker: APIClient, editor: Any
) -> None:
    [toll] = Toll.objects.filter(event=world.event)
    url = f"{tolls_url(world)}{toll.pk}/"
    tag = etag(as_editor, url)
    assert (
        as_factchecker.post(url + "confirm/", {}, format="json", HTTP_IF_MATCH=tag).status_code
        == 403
    )
    assert as_editor.post(url + "confirm/", {}, format="json").status_code == 428

    confirmed = as_editor.post(
        url + "confirm/", {"note": "Checked"}, format="json", HTTP_IF_MATCH=tag
    )
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert (body["confirmed"], body["confirmed_by"]) == (True, "editor")
    assert confirmed["ETag"] == body["etag"] != tag
    stale = as_editor.post(url + "confirm/", {}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412 and stale["ETag"] == confirmed["ETag"]

    tag = confirmed["ETag"]
    for bad, field in (
        ({"low": 5, "best": 3, "high": 9, "reason": "x"}, "best"),
        ({"low": 1, "best": 2, "high": 3, "reason": ""}, "reason"),
        ({"low": -1, "best": 2, "high": 3, "reason": "x"}, "low"),
        ({"low": 1, "best": 2.5, "high": 3, "reason": "x"}, "best"),
    ):
        response = as_editor.post(url + "override/", bad, format="json", HTTP_IF_MATCH=tag)
        assert response.status_code == 400 and field in error(response)["fields"], bad
    response = as_editor.post(
        url + "override/",
        {"low": 4, "best": 6, "high": 9, "reason": "The army's later statement"},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["low"], body["best"], body["high"], body["overridden"]) == (4, 6, 9, True)
    assert body["proposed"] == {"low": toll.low, "best": toll.best, "high": toll.high}
    assert body["override_reason"] == "The army's later statement"


@pytest.mark.parametrize("action", ["confirm", "override"])
def test_a_toll_with_no_figure_cannot_be_confirmed(
    world: World, as_editor: APIClient, action: str
) -> None:
    [toll] = Toll.objects.filter(event=world.event)
    Toll.objects.filter(pk=toll.pk).update(low=None, best=None, high=None)
    url = f"{tolls_url(world)}{toll.pk}/"
    response = as_editor.post(
        url + f"{action}/",
        {"low": 1, "best": 2, "high": 3, "reason": "x"},
        format="json",
        HTTP_IF_MATCH=etag(as_editor, url),
    )
    assert response.status_code == 409
    assert error(response)["code"] == "transition_not_allowed"
