"""Lists as CSV, for the spreadsheets the rest of the newsroom lives in (issue #14).

``Accept: text/csv`` or ``?format=csv`` on the claims, attributions, flags and an
event's tolls: every row the filters select (not a page), streamed, that Python's
``csv`` reads back, with cells a spreadsheet would run as a formula neutralised, and
the same permissions as the JSON list.
"""

# Fixtures imported from test_api are used as parameters here, which ruff takes for shadowing.
# ruff: noqa: F811
from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from test_api import (  # noqa: F401  (fixtures)
    World,
    add_claims,
    api_settings,
    as_editor,
    as_factchecker,
    client_for,
    error,
    world,
)

from claims import services
from claims.models import Attribution, Claim, ConflictFlag, Toll


def read_csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    assert response.streaming  # rows are sent as they are read, never held
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_claims_as_csv_follow_the_filters_not_the_page(world: World, as_editor: APIClient) -> None:
    add_claims(world, 4)
    injured = services.claim_create(
        by=None,
        event=world.event,
        claimant=world.wire,
        measure="injured",
        group="civilians",
        count_text="dozens",
        text="Dozens hurt",
    )
    rows = read_csv(as_editor.get("/api/claims/?format=csv&limit=1"))
    assert [int(r["id"]) for r in rows] == list(
        Claim.objects.order_by("id").values_list("id", flat=True)
    )
    [row] = read_csv(as_editor.get("/api/claims/?measure=injured", HTTP_ACCEPT="text/csv"))
    assert int(row["id"]) == injured.pk
    assert (row["group"], row["class"], row["count_low"], row["count_high"]) == (
        "civilians",
        "other",  # not rechecked yet
        "24",
        "99",
    )
    assert (row["rechecking"], row["class_set_by_hand"]) == ("yes", "no")
    json_row = as_editor.get(f"/api/claims/{injured.pk}/").json()
    assert row["admiralty"] == json_row["admiralty"] and row["text"] == "Dozens hurt"


def test_cells_that_a_spreadsheet_would_run_are_neutralised(
    world: World, as_editor: APIClient
) -> None:
    services.claim_create(
        by=None,
        event=world.event,
        claimant=world.wire,
        measure="killed",
        group="@SUM(A1:A9)",
        count_text="six",
        text='=HYPERLINK("http://evil.example","click")',
    )
    rows = read_csv(as_editor.get("/api/claims/?format=csv&claimant=" + str(world.wire.pk)))
    [row] = rows
    assert row["text"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["group"] == "'@SUM(A1:A9)"
    assert row["count_low"] == "6"  # numbers stay numbers


def test_sources_to_check_flags_and_tolls_as_csv(world: World, as_editor: APIClient) -> None:
    rows = read_csv(as_editor.get("/api/attributions/?verification=unverified&format=csv"))
    expected = Attribution.objects.filter(verification="unverified").order_by("id")
    assert [int(r["id"]) for r in rows] == list(expected.values_list("id", flat=True))
    assert {r["source_name"] for r in rows} >= {"JNIM", "Local official", "Army"}

    [flag] = read_csv(as_editor.get("/api/flags/?status=open", HTTP_ACCEPT="text/csv"))
    assert int(flag["id"]) == world.flag.pk
    assert (flag["class"], flag["status"]) == ("fighters", "open")
    assert flag["explanation"] == ConflictFlag.objects.get(pk=world.flag.pk).explanation

    [toll] = read_csv(as_editor.get(f"/api/events/{world.event.pk}/tolls/?format=csv"))
    stored = Toll.objects.get(event=world.event)
    assert (toll["low"], toll["best"], toll["high"]) == tuple(
        str(n) for n in (stored.low, stored.best, stored.high)
    )
    assert toll["proposed.best"] == str(stored.best)
    assert toll["claims.best"] == " ".join(str(pk) for pk in stored.basis["best"])
    assert toll["confirmed"] == "no"


def test_a_csv_runs_the_same_queries_for_any_number_of_rows(world: World, editor: Any) -> None:
    client = client_for(editor)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            read_csv(client.get(url))
        return len(ctx.captured_queries)

    urls = ["/api/claims/?format=csv", "/api/attributions/?format=csv"]
    before = [queries(url) for url in urls]
    add_claims(world, 30)
    assert [queries(url) for url in urls] == before


@pytest.mark.parametrize(
    ("url", "bad_filter"),
    [
        ("/api/claims/", "measure"),
        ("/api/attributions/", "stance"),
        ("/api/flags/", "status"),
        ("/api/events/{event}/tolls/", "class"),
    ],
)
def test_csv_has_the_permissions_of_json_and_errors_stay_json(
    world: World, editor: Any, factchecker: Any, outsider: Any, url: str, bad_filter: str
) -> None:
    url = url.format(event=world.event.pk)
    for user, status in ((None, 401), (outsider, 403), (factchecker, 200), (editor, 200)):
        response = client_for(user).get(url + "?format=csv")
        assert response.status_code == status, user
        if status != 200:
            assert error(response)["code"] in {"not_authenticated", "permission_denied"}
        else:
            read_csv(response)
    # Pagination does not apply (every row comes); filters do.
    bad = client_for(editor).get(url + f"?format=csv&limit=0&cursor=x&{bad_filter}=x")
    assert bad.status_code == 400 and list(error(bad)["fields"]) == [bad_filter]


def test_csv_is_for_lists(world: World, as_editor: APIClient) -> None:
    url = f"/api/claims/{world.claim.pk}/"
    response = as_editor.get(url + "?format=csv")
    assert response.status_code == 400 and list(error(response)["fields"]) == ["format"]
    assert as_editor.get(url, HTTP_ACCEPT="text/csv").status_code == 406
    assert as_editor.get("/api/events/?format=csv").status_code == 400
    assert as_editor.get("/api/claims/?format=xml").status_code == 400
