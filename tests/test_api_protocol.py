"""The API's protocol as an integration sees it: tokens and sessions, JSON errors,
throttling, lists (filters, keyset pages, a fixed number of queries), the schema.

Fixtures come from test_api.py.
"""

# Fixtures imported from test_api are used as parameters here, which ruff takes for shadowing.
# ruff: noqa: F811
from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from test_api import (  # noqa: F401  (fixtures)
    World,
    add_claims,
    api_settings,
    as_editor,
    client_for,
    error,
    world,
)

from claims import services
from claims.api import errors, throttling
from claims.models import Attribution, Claim, ConflictFlag, Event, Source, SourceAlias


# --- Authentication -------------------------------------------------------------------------
def test_anonymous_requests_get_401_naming_the_token_scheme(world: World) -> None:
    for url in ("/api/claims/", f"/api/claims/{world.claim.pk}/", "/api/flags/"):
        response = APIClient().get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert "credentials" in error(response)["detail"].lower()
    response = APIClient().post("/api/claims/", {}, format="json")
    assert response.status_code == 401


def test_a_wrong_or_expired_token_is_401(world: World, editor: Any) -> None:
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token vrf_" + "0" * 64)
    assert wrong.get("/api/claims/").status_code == 401

    _, token = AuthToken.objects.create(user=editor, expiry=timedelta(seconds=-1))
    expired = APIClient()
    expired.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = expired.get("/api/claims/")
    assert response.status_code == 401
    assert error(response)["code"] == "authentication_failed"


def test_create_api_token_prints_a_working_hashed_expiring_token(world: World, editor: Any) -> None:
    out = io.StringIO()
    call_command("create_api_token", "editor", stdout=out)
    token = out.getvalue().split()[-1]
    assert token.startswith("vrf_") and len(token) > 40
    stored = AuthToken.objects.get(user=editor)
    assert token not in (stored.digest, stored.token_key)  # only a hash is kept
    assert stored.expiry is not None
    assert timedelta(days=89) < stored.expiry - timezone.now() <= timedelta(days=90)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/claims/").status_code == 200

    out = io.StringIO()
    call_command("create_api_token", "editor", "--days", "7", stdout=out)
    assert AuthToken.objects.filter(user=editor).count() == 2
    with pytest.raises(CommandError, match="no user “nobody”"):
        call_command("create_api_token", "nobody", stdout=io.StringIO())


def test_the_admin_session_works_and_needs_csrf_for_writes(world: World, editor: Any) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get("/api/claims/").status_code == 200
    response = client.post(
        "/api/sources/", {"name": "New outlet", "kind": "news_outlet"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in error(response)["detail"]
    assert not Source.objects.filter(name="New outlet").exists()


def test_a_role_change_applies_at_once(
    world: World, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(editor)
    assert client.get("/api/claims/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        editor.groups.clear()
    assert client.get("/api/claims/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        editor.groups.add(Group.objects.get(name="Fact-checkers"))
    assert client.get("/api/claims/").status_code == 200
    assert client.post("/api/claims/", {}, format="json").status_code == 403


# --- JSON errors everywhere -----------------------------------------------------------------
def test_404_405_and_unknown_paths_are_json(world: World, as_editor: APIClient) -> None:
    missing = as_editor.get("/api/claims/999999/")
    assert missing.status_code == 404 and error(missing)["code"] == "not_found"
    for path in ("/api/nothing-here/", "/api/claims/abc/", "/api/", "/api/claims/1/nope/"):
        response = as_editor.get(path)
        assert response.status_code == 404, path
        assert "/api/docs/" in error(response)["detail"]
    deleted = as_editor.delete(f"/api/claims/{world.claim.pk}/")
    assert deleted.status_code == 405 and error(deleted)["code"] == "method_not_allowed"
    assert Claim.objects.filter(pk=world.claim.pk).exists()
    assert as_editor.put("/api/flags/1/", {}, format="json").status_code == 405

    # Without the trailing slash: GET is redirected, a POST is told the right URL.
    redirect = as_editor.get("/api/claims?status=new")
    assert redirect.status_code == 301 and redirect["Location"] == "/api/claims/?status=new"
    post = as_editor.post("/api/claims", {}, format="json")
    assert post.status_code == 404 and "/api/claims/" in error(post)["detail"]


def test_a_server_error_is_json_and_logged(
    world: World, as_editor: APIClient, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("claims.api.serializers.ClaimRowSerializer.get_admiralty", broken)
    response = as_editor.get("/api/claims/")
    assert response.status_code == 500
    body = error(response)
    assert "fire" not in body["detail"]  # no internals leak
    assert any("database on fire" in str(r.exc_info) for r in caplog.records if r.exc_info)


def test_django_error_handlers_answer_json_only_under_api(rf: Any) -> None:
    response = errors.server_error(rf.get("/api/claims/"))
    assert response.status_code == 500 and json.loads(response.content)["code"] == "error"
    page = errors.server_error(rf.get("/admin/"))
    assert page.status_code == 500 and b"<h1>" in page.content
    response = errors.page_not_found(rf.get("/api/whatever/"), Exception())
    assert response.status_code == 404 and json.loads(response.content)["code"] == "not_found"
    page = errors.page_not_found(rf.get("/elsewhere/"), Exception())
    assert page.status_code == 404 and b"<h1>" in page.content


# --- Throttling -----------------------------------------------------------------------------
def test_throttling_per_user_answers_429_with_retry_after(
    world: World, editor: Any, factchecker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttling.UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    moment = 1_800_000_015.0
    monkeypatch.setattr(throttling.UserRateThrottle, "timer", lambda self: moment)
    for user in (editor, factchecker):  # counts left by an earlier run on a shared Redis
        cache.delete(f"throttle_user_{user.pk}")

    client = client_for(editor)
    assert [client.get("/api/events/").status_code for _ in range(3)] == [200, 200, 200]
    moment += 15
    throttled = client.get("/api/events/")
    assert throttled.status_code == 429
    assert throttled["Retry-After"] == "45"  # when the first of the three is a minute old
    assert error(throttled)["code"] == "throttled"
    assert client_for(factchecker).get("/api/events/").status_code == 200  # per user

    moment += 45
    assert client.get("/api/events/").status_code == 200


def test_the_api_keeps_working_when_redis_is_down(
    world: World, editor: Any, settings: Any, caplog: Any
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    client = client_for(editor)
    assert client.get("/api/claims/").status_code == 200  # not throttled
    assert client.post("/api/claims/", {}, format="json").status_code == 400
    assert any("unavailable" in r.getMessage() for r in caplog.records)


# --- Lists: filters, order, pages, a fixed number of queries --------------------------------
def test_list_filters(world: World, as_editor: APIClient) -> None:
    other = services.claim_create(
        by=None,
        event=world.event,
        claimant=world.wire,
        measure="injured",
        group="Civilians",
        count_text="dozens",
    )
    second_event = services.event_create(by=None, title="Another incident")
    services.claim_create(
        by=None,
        event=second_event,
        claimant=world.wire,
        measure="killed",
        group="WAGNER   fighters",
        count_text="two",
    )

    def ids(query: str, resource: str = "claims") -> list[int]:
        response = as_editor.get(f"/api/{resource}/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("measure=injured") == [other.pk]
    assert ids(f"event={world.event.pk}") == [world.claim.pk, other.pk]
    assert len(ids("group=wagner fighters")) == 2
    assert ids("corroboration=contested") == [world.claim.pk]
    assert world.claim.pk not in ids("corroboration=unverified")
    assert ids("status=in_review") == []
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert ids(f"updated_since={later.replace('+', '%2B')}") == []
    # Offsets the database would refuse are converted first.
    assert len(ids("updated_since=2000-01-01T23:00:00%2B22:47")) == 3
    assert ids("verification=unverified", "attributions") == list(
        Attribution.objects.order_by("id").values_list("id", flat=True)
    )
    assert ids("status=open", "flags") == [world.flag.pk]
    assert ids("group=Wagner  Fighters", "flags") == [world.flag.pk]
    assert ids("kind=party", "sources") == [world.jnim.pk]
    assert ids("needs_recheck=true", "events") == sorted(Event.objects.values_list("id", flat=True))

    bad = as_editor.get("/api/claims/?status=sleeping&event=abc&claimant=99999999999999999999")
    assert bad.status_code == 400
    assert set(error(bad)["fields"]) == {"status", "event", "claimant"}


def test_list_order_and_pages(world: World, as_editor: APIClient) -> None:
    for phrase in ("two", "ten", "five", "ten"):
        services.claim_create(
            by=None,
            event=world.event,
            claimant=world.wire,
            measure="killed",
            group="civilians",
            count_text=phrase,
        )
    page = as_editor.get("/api/claims/?ordering=-count_low&limit=2").json()
    assert [row["count_low"] for row in page["results"]] == [10, 10]
    first_ids = [row["id"] for row in page["results"]]
    assert first_ids == sorted(first_ids, reverse=True)  # ties: by id, same direction
    # A claim added while the client pages does not shift what comes next.
    services.claim_create(
        by=None,
        event=world.event,
        claimant=world.wire,
        measure="killed",
        group="civilians",
        count_text="a dozen",
    )
    page = as_editor.get(page["next"]).json()
    assert [row["count_low"] for row in page["results"]] == [6, 5]
    page = as_editor.get(page["next"]).json()
    assert [row["count_low"] for row in page["results"]] == [2]
    assert page["next"] is None

    by_update = as_editor.get("/api/claims/?ordering=updated_at&limit=3").json()
    rest = as_editor.get(by_update["next"]).json()
    seen = [row["id"] for row in by_update["results"] + rest["results"]]
    assert sorted(seen) == sorted(Claim.objects.values_list("id", flat=True))

    for query, field in (("cursor=nonsense", "cursor"), ("limit=0", "limit"), ("limit=x", "limit")):
        response = as_editor.get(f"/api/claims/?{query}")
        assert response.status_code == 400 and list(error(response)["fields"]) == [field]


@pytest.mark.parametrize(
    "url", ["/api/claims/", "/api/attributions/", "/api/flags/", "/api/events/", "/api/sources/"]
)
def test_a_list_runs_the_same_number_of_queries_at_any_size(
    world: World, editor: Any, url: str
) -> None:
    client = client_for(editor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url + "?limit=200")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add_claims(world, 2)
    small = queries()
    add_claims(world, 25)
    for i in range(25):
        services.event_create(by=None, title=f"Event {i}")
        ConflictFlag.objects.create(
            event=world.event,
            measure="injured",
            group=f"g{i}",
            explanation="x",
            fingerprint=str(i),
            status="resolved",
        )
    assert queries() == small
    if url == "/api/claims/":
        # knox: the token with its user, the user's other tokens (to delete expired ones);
        # Django: the user's permissions, their groups' permissions; the page of claims
        # (claimant, assignee and event joined); their attributions (sources joined)
        assert small == 6, small


# --- The schema and its docs ----------------------------------------------------------------
def test_schema_and_docs_are_served_by_the_app(client: Any, db: None) -> None:
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/claims/", "/api/claims/{id}/transition/", "/api/flags/{id}/resolve/"} <= set(
        document["paths"]
    )
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    html = docs.content.decode()
    assert "cdn." not in html and "unpkg" not in html  # no third-party assets
    assets = re.findall(r'src="([^"]+\.js)"', html)
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_schema_generation_has_no_warnings() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        stdout=out,
        stderr=err,
    )
    assert json.loads(out.getvalue())["info"]["title"] == "Verifier API"


def test_a_source_shows_its_aliases(world: World, as_editor: APIClient) -> None:
    SourceAlias.objects.create(source=world.jnim, name="Al Qaeda-linked group JNIM", key="aq jnim")
    row = as_editor.get(f"/api/sources/{world.jnim.pk}/").json()
    assert row["aliases"] == ["Al Qaeda-linked group JNIM"]
    listed = as_editor.get("/api/sources/?kind=party").json()["results"]
    assert [r["aliases"] for r in listed] == [["Al Qaeda-linked group JNIM"]]
