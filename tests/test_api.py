"""The REST API as an integration sees it: writes through the services, ETags and
If-Match, review steps and other actions, ClaimReview; and the fixtures the other API
tests share.

Elsewhere: tokens, errors, throttling, lists and the schema in test_api_protocol.py;
what ANALYSIS.md concludes (claims' derived fields, credibility, tolls) in
test_api_analysis.py; CSV in test_api_csv.py; hostile input in test_api_hardening.py;
the role-by-endpoint table in test_api_permissions.py; schema fuzzing in
test_api_schemathesis.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims import services
from claims.api import throttling
from claims.models import Attribution, Claim, ConflictFlag, Event, Source
from claims.selectors import event_analysis


# --- Fixtures shared by the API tests -------------------------------------------------------
@pytest.fixture(autouse=True)
def api_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Most tests make many requests as one user: keep throttling out of their way (DRF
    reads the rates once, at import). The users log in with tokens: their passwords
    need no slow hashing here."""
    monkeypatch.setattr(throttling.UserRateThrottle, "THROTTLE_RATES", {"user": "100000/minute"})
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(user: Any | None) -> APIClient:
    """An API client sending a fresh token of ``user`` (anonymous when None)."""
    client = APIClient()
    if user is not None:
        _, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@dataclass
class World:
    """One incident with two claimants, a claim, an independent source and a flag."""

    event: Event
    jnim: Source
    wire: Source
    officials: Source
    claim: Claim
    corroboration: Attribution
    flag: ConflictFlag
    denial: Attribution


def make_world() -> World:
    event = services.event_create(by=None, title="Ambush on a convoy", date=None)
    jnim = services.source_create(by=None, name="JNIM", kind="party")
    wire = services.source_create(by=None, name="Wire service", kind="news_outlet")
    officials = services.source_create(
        by=None, name="Local official", kind="anonymous_official", origin="Security services"
    )
    claim = services.claim_create(
        by=None,
        event=event,
        claimant=jnim,
        measure="killed",
        group="Wagner fighters",
        count_text="at least six",
        text="JNIM says it killed at least six Wagner fighters.",
        made_at=timezone.now() - timedelta(days=2),
        url="https://example.org/jnim-statement",
    )
    corroboration = services.attribution_create(
        by=None, claim=claim, source=officials, stance="corroborates", count_text="several"
    )
    army = services.source_create(by=None, name="Army", kind="military")
    denial = services.attribution_create(
        by=None, claim=claim, source=army, stance="contradicts", count_text="two"
    )
    recheck(event)
    flag = ConflictFlag.objects.open().get(event=event)
    return World(event, jnim, wire, officials, claim, corroboration, flag, denial)


def recheck(event: Event) -> None:
    """What a worker does after each write (tests run without one)."""
    services.recheck_event(event_id=event.pk, force=True)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def as_editor(editor: Any) -> APIClient:
    return client_for(editor)


@pytest.fixture
def as_factchecker(factchecker: Any) -> APIClient:
    return client_for(factchecker)


def etag(client: APIClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


def edit(client: APIClient, url: str, data: dict[str, Any]) -> Any:
    """PATCH as a client that read the object first: If-Match its current ETag."""
    return client.patch(url, data, format="json", HTTP_IF_MATCH=etag(client, url))


def error(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= {"detail", "code"}, body
    return body


def add_claims(world: World, n: int) -> None:
    start = Claim.objects.count()
    for i in range(start, start + n):
        source = services.source_create(by=None, name=f"Outlet {i}", kind="news_outlet")
        claim = services.claim_create(
            by=None,
            event=world.event,
            claimant=source,
            measure="killed",
            group="Wagner fighters" if i % 2 else f"group {i}",
            count_text=str(i + 1),
        )
        services.attribution_create(
            by=None, claim=claim, source=world.officials, stance="contradicts", disputes="toll"
        )
        a = services.attribution_create(
            by=None, claim=claim, source=world.wire, stance="relays", count_text=str(i + 1)
        )
        services.attribution_verify(attribution=a, by=None)


# --- Writes through the services ------------------------------------------------------------
def test_creating_a_claim_parses_its_count_and_adds_the_claimants_attribution(
    world: World, as_editor: APIClient
) -> None:
    response = as_editor.post(
        "/api/claims/",
        {
            "event": world.event.pk,
            "claimant": world.wire.pk,
            "measure": "killed",
            "group": "  civilians ",
            "count_text": "nearly 50",
            "url": "https://example.org/report",
            "reason": "From the morning wire",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["count_low"], body["count_high"], body["count_qualifier"]) == (45, 50, "approx")
    assert body["group"] == "civilians"
    assert body["status"] == "new" and body["version"] == 1
    assert response["ETag"] == body["etag"] == f'"claim-{body["id"]}-v1"'
    assert response["Location"].endswith(f"/api/claims/{body['id']}/")
    [asserts] = body["attributions"]
    assert (asserts["source"], asserts["stance"], asserts["url"]) == (
        world.wire.pk,
        "asserts",
        "https://example.org/report",
    )
    claim = Claim.objects.get(pk=body["id"])
    assert claim.history.first().history_change_reason == "From the morning wire"


@pytest.mark.parametrize("phrase", ["heavy losses", "   "])
def test_a_count_phrase_without_a_count_is_400_naming_the_field(
    world: World, as_editor: APIClient, phrase: str
) -> None:
    before = Claim.objects.count()
    response = as_editor.post(
        "/api/claims/",
        {
            "event": world.event.pk,
            "claimant": world.wire.pk,
            "measure": "killed",
            "group": "civilians",
            "count_text": phrase,
        },
        format="json",
    )
    assert response.status_code == 400
    body = error(response)
    assert list(body["fields"]) == ["count_text"]
    assert body["detail"].startswith("count_text: ")
    assert Claim.objects.count() == before

    url = f"/api/attributions/{world.corroboration.pk}/"
    response = edit(as_editor, url, {"count_text": "heavy losses"})
    assert response.status_code == 400
    assert "“heavy losses” gives no count" in error(response)["fields"]["count_text"][0]
    world.corroboration.refresh_from_db()
    assert world.corroboration.count_text == "several"


def test_a_figure_too_large_to_store_is_400_on_count_text(
    world: World, as_editor: APIClient
) -> None:
    url = f"/api/claims/{world.claim.pk}/"
    response = edit(as_editor, url, {"count_text": "99999999999999999999999"})
    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["count_text"]


def test_bad_input_names_each_field_and_changes_nothing(world: World, as_editor: APIClient) -> None:
    response = as_editor.post(
        "/api/claims/",
        {"event": 999999, "claimant": "x", "measure": "exploded", "count_text": "six"},
        format="json",
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"event", "claimant", "measure", "group"}

    response = as_editor.post("/api/events/", {"title": world.event.title}, format="json")
    assert response.status_code == 400
    assert "title" in error(response)["fields"]
    assert Event.objects.count() == 1

    response = as_editor.post("/api/claims/", data="{not json", content_type="application/json")
    assert response.status_code == 400 and error(response)["code"] == "parse_error"
    response = as_editor.post("/api/sources/", {"name": "x", "kind": "ngo"})  # a form post
    assert response.status_code == 415


def test_put_replaces_and_patch_edits_through_the_service_keeping_history(
    world: World, as_editor: APIClient, editor: Any
) -> None:
    url = f"/api/claims/{world.claim.pk}/"
    response = as_editor.put(
        url,
        {
            "event": world.event.pk,
            "claimant": world.jnim.pk,
            "measure": "injured",
            "group": "Wagner fighters",
            "count_text": "a dozen",
            "reason": "Re-read the statement",
        },
        format="json",
        HTTP_IF_MATCH=etag(as_editor, url),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["measure"], body["count_low"], body["count_high"]) == ("injured", 12, 12)
    assert body["text"] == "" and body["made_at"] is None  # PUT resets what it leaves out
    assert body["version"] == 2 and response["ETag"] == f'"claim-{world.claim.pk}-v2"'
    record = Claim.objects.get(pk=world.claim.pk).history.first()
    assert (record.history_user, record.history_change_reason) == (editor, "Re-read the statement")

    response = as_editor.patch(
        url, {"text": "Revised"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert response.status_code == 200
    assert (response.json()["text"], response.json()["measure"]) == ("Revised", "injured")


# --- ETag and If-Match ----------------------------------------------------------------------
def test_etag_round_trip_refuses_stale_and_missing_if_match(
    world: World, as_editor: APIClient
) -> None:
    url = f"/api/claims/{world.claim.pk}/"
    first = etag(as_editor, url)
    assert first == f'"claim-{world.claim.pk}-v1"'

    assert as_editor.patch(url, {"text": "No tag"}, format="json").status_code == 428

    mine = as_editor.patch(url, {"text": "Mine"}, format="json", HTTP_IF_MATCH=first)
    assert mine.status_code == 200 and mine["ETag"] != first

    theirs = as_editor.patch(url, {"text": "Theirs"}, format="json", HTTP_IF_MATCH=first)
    assert theirs.status_code == 412
    assert theirs["ETag"] == mine["ETag"]  # what to reload
    assert "changed by someone else" in error(theirs)["detail"]
    world.claim.refresh_from_db()
    assert world.claim.text == "Mine" and world.claim.version == 2

    for header in (f"W/{mine['ETag']}", '"claim-999-v2"', "garbage", '"event-1-v2"'):
        response = as_editor.patch(url, {"text": "x"}, format="json", HTTP_IF_MATCH=header)
        assert response.status_code == 412, header
    listed = f'"other", {mine["ETag"]}'
    assert (
        as_editor.patch(url, {"text": "y"}, format="json", HTTP_IF_MATCH=listed).status_code == 200
    )
    assert as_editor.patch(url, {"text": "z"}, format="json", HTTP_IF_MATCH="*").status_code == 200


def test_etags_of_events_sources_and_flags_follow_their_last_change(
    world: World, as_editor: APIClient
) -> None:
    for url, change in (
        (f"/api/events/{world.event.pk}/", {"summary": "Updated"}),
        (f"/api/sources/{world.wire.pk}/", {"reliability": "B"}),
    ):
        before = etag(as_editor, url)
        ok = as_editor.patch(url, change, format="json", HTTP_IF_MATCH=before)
        assert ok.status_code == 200 and ok["ETag"] != before
        stale = as_editor.patch(url, change, format="json", HTTP_IF_MATCH=before)
        assert stale.status_code == 412 and stale["ETag"] == ok["ETag"]
        assert as_editor.patch(url, change, format="json").status_code == 428

    flag_url = f"/api/flags/{world.flag.pk}/"
    before = etag(as_editor, flag_url)
    ConflictFlag.objects.get(pk=world.flag.pk).save()  # the recheck touched it meanwhile
    response = as_editor.post(
        flag_url + "resolve/", {"reason": "Settled"}, format="json", HTTP_IF_MATCH=before
    )
    assert response.status_code == 412
    world.flag.refresh_from_db()
    assert world.flag.status == "open"


def test_the_etag_in_a_list_row_is_good_for_if_match(world: World, as_editor: APIClient) -> None:
    row = as_editor.get("/api/claims/").json()["results"][0]
    response = as_editor.post(
        f"/api/claims/{row['id']}/transition/",
        {"action": "start_review"},
        format="json",
        HTTP_IF_MATCH=row["etag"],
    )
    assert response.status_code == 200


# --- Review steps and other actions ---------------------------------------------------------
def step(client: APIClient, claim_id: int, **body: Any) -> Any:
    url = f"/api/claims/{claim_id}/"
    return client.post(url + "transition/", body, format="json", HTTP_IF_MATCH=etag(client, url))


def test_review_flow_and_a_fact_checker_cannot_give_a_verdict(
    world: World, as_editor: APIClient, as_factchecker: APIClient
) -> None:
    pk = world.claim.pk
    assert step(as_factchecker, pk, action="start_review").status_code == 403
    assert step(as_editor, pk, action="start_review").json()["status"] == "in_review"

    refused = step(as_factchecker, pk, action="give_verdict", verdict="disputed")
    assert refused.status_code == 403
    assert "give verdict" in error(refused)["detail"].lower()
    world.claim.refresh_from_db()
    assert (world.claim.status, world.claim.verdict) == ("in_review", "")

    confirmed = step(as_editor, pk, action="give_verdict", verdict="confirmed")
    assert confirmed.status_code == 409
    assert "figure corroborated" in error(confirmed)["detail"]
    assert error(confirmed)["code"] == "transition_not_allowed"

    missing = step(as_editor, pk, action="give_verdict")
    assert missing.status_code == 400 and "verdict" in error(missing)["fields"]

    assert step(as_editor, pk, action="give_verdict", verdict="disputed").status_code == 200
    blocked = step(as_editor, pk, action="publish")
    assert blocked.status_code == 409 and "override" in error(blocked)["detail"]
    published = step(as_editor, pk, action="publish", override_reason="Both figures reported")
    assert published.status_code == 200
    body = published.json()
    assert body["status"] == "published" and body["published_at"]
    assert body["available_transitions"] == ["republish", "reopen"]
    assert step(as_editor, pk, action="publish").status_code == 409  # already published


def test_verifying_an_independent_source_makes_the_claim_corroborated(
    world: World, as_editor: APIClient, as_factchecker: APIClient, factchecker: Any
) -> None:
    services.attribution_reject(attribution=world.denial, by=None, note="Another attack")
    recheck(world.event)
    claim_url = f"/api/claims/{world.claim.pk}/"
    assert as_editor.get(claim_url).json()["corroboration"] == "unverified"

    url = f"/api/attributions/{world.corroboration.pk}/"
    response = as_factchecker.post(
        url + "verify/",
        {"note": "Called the office"},
        format="json",
        HTTP_IF_MATCH=etag(as_factchecker, url),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["verification"], body["verified_by"]) == ("verified", "factchecker")
    recheck(world.event)
    assert as_editor.get(claim_url).json()["corroboration"] == "figure_corroborated"

    no_note = as_factchecker.post(
        url + "reject/", {"note": " "}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert no_note.status_code == 400 and list(error(no_note)["fields"]) == ["note"]
    rejected = as_factchecker.post(
        url + "reject/",
        {"note": "Quote is from another attack"},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert rejected.json()["verification"] == "rejected"
    recheck(world.event)
    assert as_editor.get(claim_url).json()["corroboration"] == "unverified"


def test_corroboration_in_the_api_is_the_analysis(world: World, as_editor: APIClient) -> None:
    add_claims(world, 6)
    for attribution in Attribution.objects.filter(stance="contradicts")[:2]:
        services.attribution_verify(attribution=attribution, by=None)
    services.attribution_verify(attribution=world.corroboration, by=None)
    recheck(world.event)
    analysis = event_analysis(world.event.pk)
    expected = {pk: a.corroboration.value for pk, a in analysis.claims.items()}
    rows = as_editor.get("/api/claims/?limit=200").json()["results"]
    shown = {row["id"]: row["corroboration"] for row in rows}
    assert shown == expected
    assert {"contested", "event_confirmed"} <= set(shown.values())
    for pk, status in expected.items():
        assert as_editor.get(f"/api/claims/{pk}/").json()["corroboration"] == status


def test_flags_are_resolved_or_dismissed_by_editors_with_a_reason(
    world: World, as_editor: APIClient, as_factchecker: APIClient
) -> None:
    url = f"/api/flags/{world.flag.pk}/"
    tag = etag(as_editor, url)
    refused = as_factchecker.post(
        url + "dismiss/", {"reason": "x"}, format="json", HTTP_IF_MATCH=tag
    )
    assert refused.status_code == 403
    no_reason = as_editor.post(url + "dismiss/", {"reason": ""}, format="json", HTTP_IF_MATCH=tag)
    assert no_reason.status_code == 400 and list(error(no_reason)["fields"]) == ["reason"]
    done = as_editor.post(
        url + "dismiss/", {"reason": "Two different attacks"}, format="json", HTTP_IF_MATCH=tag
    )
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["closed_by"], body["resolution_note"]) == (
        "dismissed",
        "editor",
        "Two different attacks",
    )
    again = as_editor.post(
        url + "resolve/", {"reason": "x"}, format="json", HTTP_IF_MATCH=done["ETag"]
    )
    assert again.status_code == 409 and "already dismissed" in error(again)["detail"]


def test_event_recheck_is_accepted_and_marks_the_event(
    world: World, as_editor: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    Event.objects.filter(pk=world.event.pk).update(needs_recheck_since=None)
    url = f"/api/events/{world.event.pk}/"
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_editor.post(
            url + "recheck/", format="json", HTTP_IF_MATCH=etag(as_editor, url)
        )
    assert response.status_code == 202
    assert response.json()["needs_recheck_since"] is not None
    assert callbacks  # the recheck is queued once the transaction commits


def test_assigning_by_username(world: World, as_factchecker: APIClient, editor: Any) -> None:
    url = f"/api/claims/{world.claim.pk}/"
    response = as_factchecker.post(
        url + "assign/",
        {"assignee": "editor"},
        format="json",
        HTTP_IF_MATCH=etag(as_factchecker, url),
    )
    assert response.status_code == 200 and response.json()["assignee"] == "editor"
    unknown = as_factchecker.post(
        url + "assign/", {"assignee": "ghost"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert unknown.status_code == 400 and "ghost" in error(unknown)["fields"]["assignee"][0]


# --- ClaimReview ----------------------------------------------------------------------------
SCHEMA_ORG_CONTEXT = {"@context": {"@vocab": "http://schema.org/"}}


def local_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader without network: schema.org's context, minimal."""
    assert url.rstrip("/") in {"https://schema.org", "http://schema.org"}, url
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG_CONTEXT}


def publish(world: World, verdict: str) -> None:
    claim = world.claim
    for action in ("start_review", "give_verdict", "publish"):
        claim = services.claim_transition(
            claim=claim,
            action=action,
            version=claim.version,
            by=None,
            verdict=verdict,
            override_reason="Reported with both figures",
        )


SCHEMA = "http://schema.org/"


def value(node: dict[str, Any], name: str) -> Any:
    [item] = node[SCHEMA + name]
    return item.get("@value", item)


def test_claimreview_is_json_ld_with_what_search_engines_need(
    world: World, as_editor: APIClient
) -> None:
    url = f"/api/claims/{world.claim.pk}/claimreview/"
    unpublished = as_editor.get(url)
    assert unpublished.status_code == 404

    publish(world, "false")
    response = as_editor.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    document = response.json()

    from pyld import jsonld

    [review] = jsonld.expand(document, {"documentLoader": local_loader})
    assert review["@type"] == [SCHEMA + "ClaimReview"]
    reviewed = value(review, "claimReviewed")
    assert reviewed == "JNIM: at least six Wagner fighters killed"
    assert len(reviewed) < 75 and "false" not in reviewed.lower()
    assert value(review, "url").endswith(url)
    published = Claim.objects.get(pk=world.claim.pk).published_at
    assert published is not None
    assert value(review, "datePublished") == published.date().isoformat()
    assert value(value(review, "author"), "name") == "Verifier"

    rating = value(review, "reviewRating")
    assert value(rating, "alternateName") == "False"
    assert (
        value(rating, "ratingValue"),
        value(rating, "worstRating"),
        value(rating, "bestRating"),
    ) == (1, 1, 5)

    item = value(review, "itemReviewed")
    assert item["@type"] == [SCHEMA + "Claim"]
    assert value(value(item, "author"), "name") == "JNIM"
    assert world.claim.made_at is not None
    assert value(item, "datePublished") == world.claim.made_at.date().isoformat()
    assert value(value(item, "appearance"), "url") == "https://example.org/jnim-statement"


def test_claimreview_keeps_claim_reviewed_short_and_rates_each_verdict(
    world: World, as_editor: APIClient
) -> None:
    Claim.objects.filter(pk=world.claim.pk).update(
        group="fighters of the Wagner group and allied militias travelling in a convoy"
    )
    publish(world, "unverifiable")
    document = as_editor.get(
        f"/api/claims/{world.claim.pk}/claimreview/", HTTP_ACCEPT="application/ld+json"
    ).json()
    assert len(document["claimReviewed"]) < 75 and document["claimReviewed"].endswith("…")
    assert document["reviewRating"]["alternateName"] == "Unverifiable"
    assert document["reviewRating"]["ratingValue"] == 3
