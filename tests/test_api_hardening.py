"""Input that once made the API answer 500, or do the wrong thing quietly (issue #15).

Each test sends what a careless or hostile client could send: a body too large, JSON
nested too deep, a cursor it made up, an id that is not a whole number, and data
written to the database by something other than the API. The API answers with a 4xx
in the usual JSON shape, or shows the data it can, never a 500.
"""

# Fixtures imported from test_api are used as parameters here, which ruff takes for shadowing.
# ruff: noqa: F811
from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from conftest import need, on_postgres
from django.db import connection
from rest_framework.test import APIClient
from test_api import World, api_settings, as_editor, edit, error, etag, world  # noqa: F401  (fixtures)

from claims.models import Claim, Event

MB = 1024 * 1024


# --- Bodies ---------------------------------------------------------------------------------
def test_a_body_over_the_limit_is_413_in_json(world: World, as_editor: APIClient) -> None:
    before = Claim.objects.count()
    body = {
        "event": world.event.pk,
        "claimant": world.wire.pk,
        "measure": "killed",
        "group": "civilians",
        "count_text": "six",
        "text": "x" * (3 * MB),
    }
    response = as_editor.post("/api/claims/", body, format="json")
    assert response.status_code == 413
    assert error(response)["code"] == "too_large"
    assert Claim.objects.count() == before

    url = f"/api/claims/{world.claim.pk}/"
    response = edit(as_editor, url, {"text": "y" * (3 * MB)})
    assert response.status_code == 413
    # Under the body's limit, the field's own size limit (claims.validation) says no.
    response = edit(as_editor, url, {"text": "z" * (2 * MB)})
    assert response.status_code == 400
    assert "at most 10,000 are kept here" in error(response)["fields"]["text"][0]
    response = edit(as_editor, url, {"text": "z" * 10_000})
    assert response.status_code == 200


def test_json_nested_too_deep_is_400(world: World, as_editor: APIClient) -> None:
    for deep in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
        response = as_editor.post("/api/sources/", data=deep, content_type="application/json")
        assert response.status_code == 400
        assert error(response)["code"] == "parse_error"


# --- Cursors --------------------------------------------------------------------------------
def cursor(value: Any) -> str:
    raw = json.dumps(value, allow_nan=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("ordering", "made_up"),
    [
        ("id", [None, 2**64]),  # beyond the database's ids
        ("id", [None, -(2**70)]),
        ("count_low", [10**30, 1]),  # beyond the column's range
        ("count_low", [-5, 1]),
        ("count_low", [1.5, 1]),
        ("count_low", [float("inf"), 1]),
        ("count_low", [{"a": 1}, 1]),
        ("count_low", ["ten", 1]),
        ("-updated_at", ["9999-12-31T23:59:59-23:00", 1]),  # past year 9999 in UTC
        ("-updated_at", ["0001-01-01T00:00:00+05:00", 1]),  # before year 1 in UTC
        ("updated_at", [["2024-01-01"], 1]),
        ("updated_at", ["yesterday", 1]),
        ("updated_at", [None, 1]),
        ("id", {"a": 1}),
        ("id", [1, 2, 3]),
        ("id", "just a string"),
    ],
)
def test_a_tampered_cursor_is_400(
    world: World, as_editor: APIClient, ordering: str, made_up: Any
) -> None:
    response = as_editor.get(f"/api/claims/?ordering={ordering}&cursor={cursor(made_up)}")
    assert response.status_code == 400, response.content
    assert list(error(response)["fields"]) == ["cursor"]


def test_a_cursor_from_the_api_still_works(world: World, as_editor: APIClient) -> None:
    for ordering in ("id", "-updated_at", "count_low"):
        page = as_editor.get(f"/api/claims/?ordering={ordering}&limit=1").json()
        assert page["next"] is None or as_editor.get(page["next"]).status_code == 200


# --- Ids ------------------------------------------------------------------------------------
@pytest.fixture
def event_one(world: World) -> Event:
    """An event whose id is 1, the id that 1.5 or true would be read as."""
    return Event.objects.filter(pk=1).first() or Event.objects.create(pk=1, title="Event one")


@pytest.mark.parametrize("bad", [1.5, "1.5", True, 1.0, "1e0", [1], {"id": 1}])
def test_an_id_that_is_not_a_whole_number_is_refused(
    world: World, as_editor: APIClient, event_one: Event, bad: Any
) -> None:
    before = Claim.objects.count()
    response = as_editor.post(
        "/api/claims/",
        {
            "event": bad,
            "claimant": world.wire.pk,
            "measure": "killed",
            "group": "civilians",
            "count_text": "six",
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert list(error(response)["fields"]) == ["event"]
    assert Claim.objects.count() == before

    response = as_editor.post(
        "/api/attributions/",
        {"claim": world.claim.pk, "source": bad, "stance": "relays"},
        format="json",
    )
    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["source"]


@pytest.mark.parametrize("bad", ["1.5", "1.0", "true", "1e0", "١"])
def test_an_id_filter_that_is_not_a_whole_number_is_refused(
    world: World, as_editor: APIClient, event_one: Event, bad: str
) -> None:
    for url in ("/api/claims/", "/api/attributions/", "/api/flags/"):
        response = as_editor.get(f"{url}?event={bad}")
        assert response.status_code == 400, url
        assert list(error(response)["fields"]) == ["event"]


def test_an_id_as_a_string_of_digits_is_accepted(world: World, as_editor: APIClient) -> None:
    response = as_editor.post(
        "/api/attributions/",
        {"claim": str(world.claim.pk), "source": str(world.wire.pk), "stance": "relays"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == world.wire.pk


# --- Data written around the API ------------------------------------------------------------
def store_raw(table: str, column: str, value: str, pk: int) -> None:
    """Write a timestamp Python cannot hold, as a script or a restore could."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s::timestamptz WHERE id = %s", [value, pk])


@pytest.mark.parametrize("stored", ["10000-01-01T00:00:00Z", "0044-03-15T00:00:00Z BC"])
def test_a_timestamp_out_of_range_is_shown_as_null(
    world: World, as_editor: APIClient, stored: str
) -> None:
    need(on_postgres(), "PostgreSQL (it stores years Python cannot)")
    claim, attribution = world.claim, world.corroboration
    store_raw("claims_claim", "made_at", stored, claim.pk)
    store_raw("claims_attribution", "published_at", stored, attribution.pk)
    store_raw("claims_attribution", "verified_at", stored, attribution.pk)

    listed = as_editor.get("/api/claims/")
    assert listed.status_code == 200, listed.content
    [row] = [r for r in listed.json()["results"] if r["id"] == claim.pk]
    assert row["made_at"] is None
    shown = {a["id"]: a for a in row["attributions"]}[attribution.pk]
    assert (shown["published_at"], shown["verified_at"]) == (None, None)

    detail = as_editor.get(f"/api/claims/{claim.pk}/")
    assert detail.status_code == 200 and detail.json()["made_at"] is None
    for url in (f"/api/attributions/?claim={claim.pk}", f"/api/attributions/{attribution.pk}/"):
        assert as_editor.get(url).status_code == 200, url
    csv = as_editor.get("/api/claims/?format=csv")
    assert csv.status_code == 200
    assert b"".join(csv.streaming_content).count(b"\n") == 1 + Claim.objects.count()
