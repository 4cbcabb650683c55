"""Other names a source goes by: the service, the source page's inline and the API.

An alias names one source only, so that importing an article can match a claimant
("the Al Qaeda-linked group JNIM") to the one body it is, and its own statements never
look like independent corroboration.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims import services
from claims.models import Source, SourceAlias
from claims.services import find_sources

pytestmark = pytest.mark.django_db


def names(source: Source) -> list[str]:
    return sorted(source.aliases.values_list("name", flat=True))


def test_a_source_is_created_with_its_other_names(editor: Any) -> None:
    source = services.source_create(
        by=editor, name="Jama'at Nusrat al-Islam wal-Muslimin", kind="party",
        aliases=["JNIM", " GSIM ", "jnim", ""],
    )  # fmt: skip
    # Blank entries go, and one key once: "jnim" is JNIM again.
    assert names(source) == ["GSIM", "JNIM"]
    alias = SourceAlias.objects.get(name="GSIM")
    assert alias.key == "gsim"
    assert alias.history.get().history_user == editor


def test_update_replaces_the_list_and_keeps_the_history(editor: Any) -> None:
    source = services.source_create(by=editor, name="Islamic State", kind="party", aliases=["IS"])
    before = source.updated_at
    services.source_update(
        source=source, by=editor, aliases=["ISIS", "Daesh"], reason="Other spellings"
    )
    source.refresh_from_db()
    assert names(source) == ["Daesh", "ISIS"]
    gone = SourceAlias.history.filter(name="IS", history_type="-").get()
    assert (gone.history_user, gone.history_change_reason) == (editor, "Other spellings")
    assert source.updated_at > before  # the source's ETag moves with its names
    services.source_update(source=source, by=editor, notes="Checked")
    assert names(source) == ["Daesh", "ISIS"]  # left out, the list stays


def test_an_alias_names_one_source_only(editor: Any) -> None:
    services.source_create(by=editor, name="JNIM", kind="party", aliases=["Nusrat al-Islam"])
    other = services.source_create(by=editor, name="Katiba Macina", kind="party")
    with pytest.raises(ValidationError) as taken:
        services.source_update(source=other, by=editor, aliases=["the Nusrat al-Islam"])
    assert taken.value.message_dict["aliases"] == [
        "“the Nusrat al-Islam” is already an alias of “JNIM”."
    ]
    with pytest.raises(ValidationError) as named:
        services.source_update(source=other, by=editor, aliases=["jnim"])
    assert "“JNIM” is the name of another source" in named.value.message_dict["aliases"][0]
    with pytest.raises(ValidationError) as renamed:
        services.source_create(by=editor, name="Nusrat al-Islam", kind="party")
    assert "another name of the source “JNIM”" in renamed.value.message_dict["name"][0]
    assert names(other) == []


def test_sources_are_found_by_name_or_alias_ignoring_case_articles_descriptions(
    editor: Any,
) -> None:
    jnim = services.source_create(by=editor, name="JNIM", kind="party")
    rsf = services.source_create(
        by=editor, name="Rapid Support Forces", kind="party", aliases=["RSF"]
    )
    sun = services.source_create(by=editor, name="The Sun Daily", kind="news_outlet")
    found = find_sources(
        ["the Al Qaeda-linked group JNIM", "jnim", "The RSF", "Sun Daily", "Nobody"]
    )
    assert found == {
        "the Al Qaeda-linked group JNIM": jnim, "jnim": jnim, "The RSF": rsf, "Sun Daily": sun,
    }  # fmt: skip


# --- The source page --------------------------------------------------------------------------
def source_page_data(client: Client, source: Source) -> dict[str, str]:
    from tests.test_ingest import fields_of

    page = client.get(f"/admin/claims/source/{source.pk}/change/")
    assert page.status_code == 200
    return fields_of(page.content.decode())


def test_the_source_page_edits_aliases_through_the_service(client: Client, editor: Any) -> None:
    source = services.source_create(by=editor, name="JNIM", kind="party", aliases=["GSIM"])
    client.force_login(editor)
    data = source_page_data(client, source)
    assert data["aliases-0-name"] == "GSIM"
    data["aliases-0-DELETE"] = "on"
    data["aliases-1-name"] = "Nusrat al-Islam"
    response = client.post(f"/admin/claims/source/{source.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert names(source) == ["Nusrat al-Islam"]


def test_a_taken_alias_is_refused_on_the_page(client: Client, editor: Any) -> None:
    services.source_create(by=editor, name="JNIM", kind="party", aliases=["GSIM"])
    other = services.source_create(by=editor, name="Katiba Macina", kind="party")
    client.force_login(editor)
    data = source_page_data(client, other)
    data["aliases-0-name"] = "gsim"
    response = client.post(f"/admin/claims/source/{other.pk}/change/", data)
    assert response.status_code == 200
    assert "is already an alias of “JNIM”" in response.content.decode()
    assert names(other) == []


# --- The API ----------------------------------------------------------------------------------
def api(user: Any) -> APIClient:
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_the_api_lists_and_replaces_aliases(editor: Any) -> None:
    client = api(editor)
    created = client.post(
        "/api/sources/", {"name": "JNIM", "kind": "party", "aliases": ["GSIM"]}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["aliases"] == ["GSIM"]
    url = created["Location"]
    patched = client.patch(
        url, {"aliases": ["Nusrat al-Islam", "GSIM"]}, format="json",
        HTTP_IF_MATCH=created["ETag"],
    )  # fmt: skip
    assert patched.status_code == 200, patched.content
    assert patched.json()["aliases"] == ["GSIM", "Nusrat al-Islam"]
    assert patched["ETag"] != created["ETag"]


def test_the_api_says_which_alias_is_taken(editor: Any) -> None:
    services.source_create(by=editor, name="JNIM", kind="party", aliases=["GSIM"])
    response = api(editor).post(
        "/api/sources/", {"name": "Katiba Macina", "kind": "party", "aliases": ["GSIM"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["fields"]["aliases"] == ["“GSIM” is already an alias of “JNIM”."]
    assert not Source.objects.filter(name="Katiba Macina").exists()


def test_listing_sources_with_aliases_takes_the_same_queries_at_any_size(editor: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(editor)
    client.get("/api/sources/")  # permissions cached, as on any later request

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/sources/?page_size=50").status_code == 200
        return len(captured)

    services.source_create(by=editor, name="Source 0", kind="party", aliases=["S0"])
    few = queries()
    for n in range(1, 12):
        services.source_create(by=editor, name=f"Source {n}", kind="party", aliases=[f"S{n}"])
    assert queries() == few
