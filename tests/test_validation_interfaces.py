"""claims.validation on every way in (services, admin, API, Import article), and rows
written around it that neither fail a page nor wedge a recheck (issue #15, findings 1,
6, 7 and 8).

``event: 1.5`` in the API is refused in test_api_hardening.py
(test_an_id_that_is_not_a_whole_number_is_refused).
"""

# Fixtures imported from test_api are used as parameters here, which ruff takes for shadowing.
# ruff: noqa: F811
from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import need, on_postgres
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from test_api import World, api_settings, as_editor, edit, error, etag, world  # noqa: F401  (fixtures)
from test_ingest import ARTICLE, BASE_RAID, paste

from claims import services
from claims.models import Attribution, Claim, ConflictFlag, Event, Source

OUT_OF_RANGE = "10000-01-01T00:00:00Z"  # PostgreSQL stores it; psycopg cannot read it back


@pytest.fixture
def desk(editor: Any) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def store_raw(table: str, column: str, value: str, **where: int) -> None:
    """Write a time Python cannot hold, as a script, a restore or an old import could."""
    [(key, pk)] = where.items()
    with connection.cursor() as cursor:
        sql = f"UPDATE {table} SET {column} = %s::timestamptz WHERE {key} = %s"
        cursor.execute(sql, [value, pk])


def unreadable_times(world: World) -> None:
    """The claim's time and its corroboration's, and their history, out of range."""
    need(on_postgres(), "PostgreSQL (it stores years Python cannot)")
    claim, corroboration = world.claim, world.corroboration
    for table in ("claims_claim", "claims_historicalclaim"):
        store_raw(table, "made_at", OUT_OF_RANGE, id=claim.pk)
    for table in ("claims_attribution", "claims_historicalattribution"):
        store_raw(table, "published_at", OUT_OF_RANGE, id=corroboration.pk)
        store_raw(table, "verified_at", OUT_OF_RANGE, id=corroboration.pk)


# --- Finding 1: one bad timestamp wedged an event ----------------------------------------------
def test_a_time_out_of_range_is_logged_and_the_recheck_clears_the_mark(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    unreadable_times(world)
    Event.objects.filter(pk=world.event.pk).update(
        needs_recheck_since=timezone.now(), last_change_at=timezone.now()
    )
    with caplog.at_level(logging.WARNING, logger="claims.selectors"):
        result = services.recheck_event(event_id=world.event.pk)
    assert result is not None and result.checked
    assert Event.objects.get(pk=world.event.pk).needs_recheck_since is None
    assert f"Claim #{world.claim.pk}: made_at is stored out of range" in caplog.text
    # The figures still count, only their time is unknown: the conflict stays on the desk.
    assert ConflictFlag.objects.open().filter(event=world.event).count() == 1


def test_pages_show_a_row_with_a_time_out_of_range(
    world: World, desk: Client, as_editor: APIClient
) -> None:
    unreadable_times(world)
    claim, attribution = world.claim, world.corroboration
    pages = [
        reverse("admin:claims_claim_changelist"),
        reverse("admin:claims_claim_changelist") + "?q=Wagner",
        reverse("admin:claims_claim_change", args=[claim.pk]),
        reverse("admin:claims_claim_history", args=[claim.pk]),
        reverse("admin:claims_event_change", args=[world.event.pk]),
        reverse("admin:claims_attribution_changelist"),
        reverse("admin:claims_attribution_change", args=[attribution.pk]),
        reverse("admin:claims_attribution_history", args=[attribution.pk]),
        reverse("admin:index"),
    ]
    for url in pages:
        assert desk.get(url).status_code == 200, url
    for model in ("claim", "attribution"):  # the CSV of each list, read to the end
        download = desk.get(reverse(f"admin:claims_{model}_export"))
        assert b"".join(download.streaming_content).count(b"\n") >= 2
    for url in (f"/api/claims/{claim.pk}/", "/api/claims/", f"/api/events/{world.event.pk}/"):
        assert as_editor.get(url).status_code == 200, url


def test_a_row_with_a_time_out_of_range_can_still_be_edited(world: World, editor: Any) -> None:
    unreadable_times(world)
    claim = Claim.objects.values("version").get(pk=world.claim.pk)
    edited = services.claim_update(
        claim=world.claim, version=claim["version"], by=editor, text="Corrected", made_at=None
    )
    assert (edited.text, edited.made_at) == ("Corrected", None)
    verified = services.attribution_verify(
        attribution=world.corroboration, by=editor, note="Checked"
    )
    assert verified.verification == Attribution.Verification.VERIFIED


# --- Dates and times in range on every interface -------------------------------------------
def test_the_services_refuse_a_time_out_of_range_saying_what_to_check(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        services.claim_create(
            by=None, event=world.event, claimant=world.wire, measure="killed",
            group="civilians", count_text="six", made_at=datetime(1850, 5, 1, tzinfo=UTC),
        )  # fmt: skip
    assert "1850-05-01T00:00+00:00 is before 1900" in info.value.message_dict["made_at"][0]
    with pytest.raises(ValidationError) as info:
        services.event_update(event=world.event, by=None, date=datetime(2204, 1, 1).date())
    assert "2204-01-01 is in the future" in info.value.message_dict["date"][0]


@pytest.mark.parametrize(
    "when", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "1899-12-31T23:00:00Z"]
)
def test_the_api_refuses_a_time_out_of_range_with_a_400(
    world: World, as_editor: APIClient, when: str
) -> None:
    before = (Claim.objects.count(), Attribution.objects.count())
    response = as_editor.post(
        "/api/claims/",
        {"event": world.event.pk, "claimant": world.wire.pk, "measure": "killed",
         "group": "civilians", "count_text": "six", "made_at": when},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert list(error(response)["fields"]) == ["made_at"]
    response = as_editor.post(
        "/api/attributions/",
        {"claim": world.claim.pk, "source": world.wire.pk, "stance": "relays",
         "published_at": when},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert list(error(response)["fields"]) == ["published_at"]
    assert (Claim.objects.count(), Attribution.objects.count()) == before


def test_the_api_refuses_an_event_date_out_of_range(as_editor: APIClient, db: None) -> None:
    response = as_editor.post("/api/events/", {"title": "Old", "date": "1850-01-01"}, format="json")
    assert response.status_code == 400
    assert "is before 1900" in error(response)["fields"]["date"][0]
    assert not Event.objects.exists()


def test_the_claim_page_refuses_a_time_out_of_range_as_a_form_error(
    world: World, desk: Client
) -> None:
    data = {
        "event": world.event.pk, "claimant": world.wire.pk, "measure": "injured",
        "group": "civilians", "count_text": "six", "text": "", "made_at": "9999-12-31T23:59",
        "url": "", "quote": "",
        "attributions-TOTAL_FORMS": 0, "attributions-INITIAL_FORMS": 0,
        "attributions-2-TOTAL_FORMS": 0, "attributions-2-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = desk.post(reverse("admin:claims_claim_add"), data)
    assert response.status_code == 200
    assert "9999-12-31T23:59+00:00 is in the future" in response.content.decode()
    assert not Claim.objects.filter(measure="injured").exists()


@pytest.mark.parametrize(
    ("when", "says"),
    [("9999-12-31T23:59", "is in the future"), ("0001-01-01T00:00", "is before 1900")],
)
def test_import_article_refuses_a_publication_time_out_of_range(
    desk: Client, editor: Any, when: str, says: str
) -> None:
    response = paste(desk, BASE_RAID, published=when)
    assert response.status_code == 200
    assert says in response.context["form"].errors["published"][0]
    api = APIClient()
    api.force_authenticate(editor)
    response = api.post("/api/ingest/preview/", {**ARTICLE, "published": when}, format="json")
    assert response.status_code == 400
    assert says in error(response)["fields"]["published"][0]
    assert not Source.objects.exists()


# --- Single-line names, control characters and sizes -----------------------------------------
def test_names_edited_with_a_newline_are_stored_on_one_line(
    world: World, as_editor: APIClient
) -> None:
    event = services.event_update(
        event=world.event, by=None, title="Ambush\nnear\tMenaka ", place="Near\nMenaka\u202e"
    )
    assert (event.title, event.place) == ("Ambush near Menaka", "Near Menaka")
    source = services.source_update(source=world.jnim, by=None, name="JNIM\r\nmedia")
    assert source.name == "JNIM media"
    url = f"/api/events/{event.pk}/"
    response = edit(as_editor, url, {"title": "Ambush on\r\nthe convoy"})
    assert response.status_code == 200, response.content
    assert Event.objects.get(pk=event.pk).title == "Ambush on the convoy"


def test_a_right_to_left_override_is_stripped_from_names(
    world: World, as_editor: APIClient
) -> None:
    response = as_editor.post(
        "/api/sources/", {"name": "Katiba\u202eanisaM", "kind": "party"}, format="json"
    )
    assert response.status_code == 201, response.content
    source = Source.objects.get(pk=response.json()["id"])
    assert (source.name, source.origin) == ("KatibaanisaM", "KatibaanisaM")
    updated = services.source_update(source=source, by=None, origin="Katiba\u2066 Macina\u2069")
    assert updated.origin == "Katiba Macina"


def test_a_nul_in_free_text_is_removed_by_the_services(world: World, as_editor: APIClient) -> None:
    # Imports call the services directly; PostgreSQL refuses NUL in text (a 500 before).
    attribution = services.attribution_create(
        by=None, claim=world.claim, source=world.wire, stance="relays",
        quote="They said\x00 six.\r\nThen nothing.",
    )  # fmt: skip
    assert attribution.quote == "They said six.\nThen nothing."
    # The API's own fields already answer a NUL with a 400 that says so.
    response = as_editor.post("/api/sources/", {"name": "Nul\u0000", "kind": "ngo"}, format="json")
    assert response.status_code == 400 and "Null characters" in error(response)["detail"]


def test_free_text_over_its_size_is_refused_with_the_limit(
    world: World, as_editor: APIClient
) -> None:
    response = as_editor.post(
        "/api/sources/", {"name": "Verbose", "kind": "ngo", "notes": "n" * 10_001}, format="json"
    )
    assert response.status_code == 400
    assert error(response)["fields"]["notes"] == [
        "This is 10,001 characters long; at most 10,000 are kept here. "
        "Shorten it (put long material in a linked document)."
    ]
    with pytest.raises(ValidationError) as info:
        services.attribution_create(
            by=None, claim=world.claim, source=world.wire, stance="relays", quote="q" * 5_001
        )
    assert "at most 5,000" in info.value.message_dict["quote"][0]
    assert not Source.objects.filter(name="Verbose").exists()


# --- Counts -----------------------------------------------------------------------------------
def test_a_reversed_range_is_refused_saying_how_to_write_it(
    world: World, as_editor: APIClient
) -> None:
    with pytest.raises(ValidationError) as info:
        services.claim_create(
            by=None, event=world.event, claimant=world.wire, measure="killed",
            group="civilians", count_text="between 10 and 5",
        )  # fmt: skip
    assert info.value.message_dict["count_text"] == [
        "“between 10 and 5” gives the larger figure first. Write it “between 5 and 10”."
    ]
    response = as_editor.post(
        "/api/claims/",
        {"event": world.event.pk, "claimant": world.wire.pk, "measure": "killed",
         "group": "civilians", "count_text": "10-5"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "Write it “5-10”" in error(response)["fields"]["count_text"][0]


def test_a_rejection_whose_note_is_only_control_characters_is_refused(
    world: World, editor: Any
) -> None:
    """The note is cleaned before it is judged: nothing left is no reason."""
    with pytest.raises(ValidationError, match="Say why the attribution is rejected"):
        services.attribution_reject(attribution=world.corroboration, by=editor, note="\x00\x07 ")
    world.corroboration.refresh_from_db()
    assert world.corroboration.verification == Attribution.Verification.UNVERIFIED
