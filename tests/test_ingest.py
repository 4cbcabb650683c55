"""Ingesting an article: the service, the ingest_article command, the admin page and the API.

Our own short articles are written here; the Mali article is read from the shared data.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from conftest import data_path
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from claims import services
from claims.extraction import ArticleDraft, ClaimDraft, EventDraft, extract_article
from claims.models import Attribution, Claim, ConflictFlag, Event, Source
from claims.services.ingest import article_drafts, article_ingest, propose_events

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 11, 22, 10, 0, tzinfo=UTC)
URL = "https://news.example.org/mali-ambush"
PAGE = "/admin/claims/import-article/"

# Our own words: a claim, a confirmation with another figure, and a denial.
BASE_RAID = (
    "Separatist fighters said they killed 40 soldiers in a raid on a base near Anefis "
    "on Wednesday, in the Kidal region of Mali.\n\n"
    "A local official confirmed that several soldiers were killed.\n\n"
    "The defence ministry denied the separatists' figure."
)


def snapshot() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Event, Source, Claim, Attribution))


def mali_text() -> str:
    return data_path("articles/mali-wagner-ambush.txt").read_text(encoding="utf-8")


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest_article", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def mali_args(*extra: str, publisher: str = "Associated Press") -> list[str]:
    path = str(data_path("articles/mali-wagner-ambush.txt"))
    return [path, "--url", URL, "--publisher", publisher, "--published",
            "2024-11-22T10:00:00Z", *extra]  # fmt: skip


# --- The command -----------------------------------------------------------------------------
def test_dry_run_json_prints_the_drafts_and_saves_nothing() -> None:
    before = snapshot()
    out, _ = run(*mali_args("--dry-run", "--format", "json"))
    assert snapshot() == before
    data = json.loads(out)
    ambush, earlier = data["events"]
    assert list(ambush) == ["title", "date", "date_end", "place", "region", "country", "claims"]
    assert ambush["date"] == "2024-11-21" and ambush["place"] == "Mopti region, Mali"
    stances = [
        (c["claimant"], c["stance"], c["count_low"], c["count_high"]) for c in ambush["claims"]
    ]
    assert stances == [
        ("Associated Press", "asserts", 6, 6),  # the headline, in the outlet's own voice
        ("JNIM", "asserts", 6, None),
        ("Associated Press", "relays", 6, None),
        ("Local security official (anonymous)", "corroborates", 3, 9),
    ]
    assert [(c["count_text"], c["count_low"], c["count_high"]) for c in earlier["claims"]] == [
        ("nearly 50", 45, 50)
    ]
    quote = ambush["claims"][1]
    assert mali_text()[quote["start"] : quote["end"]] == "at least six"
    assert quote["source_id"] is None  # no source of that name yet


def test_dry_run_table() -> None:
    out, _ = run(*mali_args("--dry-run"))
    assert "asserts      JNIM (party): killed Russian mercenaries, 'at least six' [6, open]" in out
    assert "new event" in out
    assert Claim.objects.count() == 0


def test_dry_run_table_shows_the_source_a_claimant_is_matched_to() -> None:
    jnim = services.source_create(
        by=None, name="Jama'at Nusrat al-Islam wal-Muslimin", kind="party", aliases=["JNIM"]
    )
    out, _ = run(*mali_args("--dry-run"))
    assert f"JNIM (party) = source #{jnim.pk} “Jama'at Nusrat al-Islam wal-Muslimin”" in out
    data = json.loads(run(*mali_args("--dry-run", "--format", "json"))[0])
    assert data["events"][0]["claims"][1]["source_id"] == jnim.pk


def test_mali_article_end_to_end_through_the_command() -> None:
    _, err = run(*mali_args())
    assert "Saved: 3 new claim(s)" in err

    ambush = Event.objects.get(region="Mopti")
    assert (ambush.date, ambush.country) == (date(2024, 11, 21), "Mali")
    claim = Claim.objects.get(event=ambush, claimant__name="JNIM")
    assert claim.claimant.kind == "party"
    assert (claim.measure, claim.count_text, claim.count_low, claim.count_high) == (
        "killed", "at least six", 6, None,
    )  # fmt: skip
    by_source = {a.source.name: a for a in claim.attributions.select_related("source")}
    assert by_source["JNIM"].stance == "asserts"
    assert by_source["JNIM"].url == URL
    assert by_source["Associated Press"].stance == "relays"
    official = by_source["Local security official (anonymous)"]
    assert official.source.kind == "anonymous_official"
    assert (official.stance, official.count_low, official.count_high) == ("corroborates", 3, 9)

    # The earlier ambush is another event, not a figure about this one.
    earlier = Event.objects.exclude(pk=ambush.pk).get()
    assert "border with Algeria" in earlier.place
    assert earlier.date is None and earlier.date_precision == "unknown"
    (nearly_50,) = Claim.objects.filter(event=earlier)
    assert (nearly_50.count_low, nearly_50.count_high, nearly_50.claimant.name) == (
        45, 50, "Associated Press",
    )  # fmt: skip
    # The write marked both events for the conflict recheck, as every service write does.
    assert Event.objects.filter(needs_recheck_since__isnull=False).count() == 2
    # The import is in the history, with its reason.
    assert claim.history.first().history_change_reason.startswith("Imported from an article")


def test_the_same_article_twice_adds_nothing() -> None:
    run(*mali_args())
    first = snapshot()
    _, err = run(*mali_args())
    assert snapshot() == first
    assert "0 new claim(s), 0 new attribution(s), 3 existing claim(s) linked" in err


def test_a_duplicate_from_another_outlet_is_linked_not_created_twice() -> None:
    run(*mali_args())
    jnim_claim = Claim.objects.get(claimant__name="JNIM")
    run(*mali_args(publisher="Reuters"))
    assert Claim.objects.filter(claimant__name="JNIM").count() == 1
    relays = jnim_claim.attributions.filter(source__name="Reuters").get()
    assert relays.stance == "relays"
    # Reuters' own account of the earlier ambush is its own claim.
    assert Claim.objects.filter(claimant__name="Reuters", count_text="nearly 50").exists()


def test_event_option_names_the_existing_event(editor: Any) -> None:
    event = services.event_create(by=editor, title="Convoy ambush near Boni", country="Mali")
    run(*mali_args("--event", "convoy ambush near boni"))
    assert Claim.objects.get(claimant__name="JNIM").event == event
    with pytest.raises(CommandError, match="No event is titled 'Nowhere'"):
        run(*mali_args("--event", "Nowhere"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "not UTF-8"),
        (b"\x00\x01\x02\x03 binary junk \x00" * 40, "binary"),
        (b"Soldiers were killed. " * (5 * 1024 * 1024 // 22), "at most 200,000"),
    ],
    ids=["empty", "png", "nul-bytes", "5MB"],
)
def test_command_bad_input(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), "--publisher", "AFP", "--published", "2024-11-22T10:00:00Z")
    assert snapshot() == (0, 0, 0, 0)


def test_command_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.txt"), "--publisher", "AFP", "--published", "2024-11-22")
    with pytest.raises(CommandError, match="not an ISO date-time"):
        run(*mali_args()[:-1][:-1], "--published", "last Friday")


# --- The service -----------------------------------------------------------------------------
def raid_article(publisher: str = "Sahel Wire") -> ArticleDraft:
    return extract_article(BASE_RAID, publisher=publisher, published=PUBLISHED)


def test_service_saves_claims_and_attributions_with_stances(editor: Any) -> None:
    result = article_ingest(
        by=editor, article=raid_article(), publisher="Sahel Wire", url=URL,
        published_at=PUBLISHED,
    )  # fmt: skip
    (claim,) = result.claims_created
    assert (claim.claimant.name, claim.count_text, claim.event.region) == (
        "Separatist fighters", "40", "Kidal",
    )  # fmt: skip
    stances = {
        a.source.name: (a.stance, a.count_text, a.disputes) for a in claim.attributions.all()
    }
    assert stances == {
        "Separatist fighters": ("asserts", "", ""),
        "Sahel Wire": ("relays", "40", ""),
        "Local official (anonymous)": ("corroborates", "several", ""),
        "Defence ministry": ("contradicts", "", "toll"),
    }
    assert Source.objects.get(name="Defence ministry").kind == "government"
    assert claim.history.first().history_user == editor


def test_saved_figures_reach_the_conflict_pipeline(editor: Any) -> None:
    event = services.event_create(by=editor, title="Raid on the Anefis base", region="Kidal")
    rival = services.source_create(by=editor, name="Malian armed forces", kind="military")
    services.claim_create(
        by=editor, event=event, claimant=rival, measure="killed", group="soldiers",
        count_text="two",
    )  # fmt: skip
    article_ingest(
        by=editor, article=raid_article(), publisher="Sahel Wire", url=URL,
        published_at=PUBLISHED, events=[event],
    )  # fmt: skip
    services.recheck_event(event_id=event.pk, force=True)
    flag = ConflictFlag.objects.open().get(event=event)
    assert (flag.measure, flag.group) == ("killed", "security_forces")
    assert "40" in flag.explanation


def test_propose_events_matches_title_or_day_and_region(editor: Any) -> None:
    same_day = services.event_create(
        by=editor, title="Anefis base attack", date=date(2024, 11, 20), region="Kidal"
    )
    article = raid_article()
    assert article.events[0].date == date(2024, 11, 20)
    assert propose_events(article) == [same_day]
    article.events[0].region = "Gao"
    assert propose_events(article) == [None]
    article.events[0].title = "ANEFIS BASE ATTACK"
    assert propose_events(article) == [same_day]


def test_existing_claim_with_same_claimant_measure_group_and_interval_is_linked(
    editor: Any,
) -> None:
    event = services.event_create(by=editor, title="Raid on the Anefis base")
    fighters = services.source_create(by=editor, name="Separatist fighters", kind="party")
    existing = services.claim_create(
        by=editor, event=event, claimant=fighters, measure="killed", group="Soldiers ",
        count_text="forty",
    )  # fmt: skip
    result = article_ingest(
        by=editor, article=raid_article(), publisher="Sahel Wire", url=URL,
        published_at=PUBLISHED, events=[event],
    )  # fmt: skip
    assert result.claims_created == [] and result.claims_linked == [existing]
    assert Claim.objects.count() == 1
    assert existing.attributions.get(source__name="Sahel Wire").stance == "relays"
    assert (
        existing.attributions.get(source__name="Local official (anonymous)").stance
        == "corroborates"
    )


def test_only_editors_may_ingest(factchecker: Any, outsider: Any) -> None:
    for user in (factchecker, outsider):
        with pytest.raises(PermissionDenied):
            article_ingest(by=user, article=raid_article(), publisher="Sahel Wire")
    assert snapshot() == (0, 0, 0, 0)


def test_a_refused_draft_saves_nothing_at_all(editor: Any) -> None:
    article = raid_article()
    article.events[0].claims.append(
        ClaimDraft("Red Crescent", "ngo", "asserts", "injured", "civilians", "lots of", None,
                   None, "", 0, 0)
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        article_ingest(by=editor, article=article, publisher="Sahel Wire")
    assert "Red Crescent (asserts) “lots of” civilians" in exc.value.messages[0]
    assert "gives no count" in exc.value.messages[0]
    # The event, the sources and the claims before it were rolled back too.
    assert snapshot() == (0, 0, 0, 0)


def test_a_denial_without_its_claim_is_refused(editor: Any) -> None:
    article = raid_article()
    event = article.events[0]
    event.claims = [c for c in event.claims if c.stance in ("contradicts",)]
    with pytest.raises(ValidationError, match="no accepted claim about killed soldiers"):
        article_ingest(by=editor, article=article, publisher="Sahel Wire")
    assert snapshot() == (0, 0, 0, 0)


def test_a_corroboration_without_its_claim_is_a_claim_of_its_own(editor: Any) -> None:
    article = ArticleDraft(
        [EventDraft("Raid on the Anefis base", None, "", claims=[
            ClaimDraft("Local official", "official", "corroborates", "killed", "soldiers",
                       "several", 3, 9, "", 0, 0),
        ])]
    )  # fmt: skip
    result = article_ingest(by=editor, article=article, publisher="Sahel Wire")
    (claim,) = result.claims_created
    assert (claim.claimant.name, claim.count_low, claim.count_high) == ("Local official", 3, 9)


# --- The admin page --------------------------------------------------------------------------
class FormFields(HTMLParser):
    """The fields of the page's POST form, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.data[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
            self.data.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.data[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def fields_of(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    # A textarea's first newline is markup, not content.
    return {k: v.removeprefix("\n") if k == "text" else v for k, v in parser.data.items()}


def paste(client: Client, text: str, **extra: str) -> Any:
    data = {"text": text, "url": URL, "publisher": "Associated Press",
            "published": "2024-11-22T10:00", "_preview": "Find claims", **extra}  # fmt: skip
    return client.post(PAGE, data)


@pytest.fixture
def editor_client(client: Client, editor: Any) -> Client:
    client.force_login(editor)
    return client


def test_page_is_for_editors_only(client: Client, factchecker: Any, outsider: Any) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    for user in (factchecker, outsider):
        client.force_login(user)
        assert client.get(PAGE).status_code == 403
        assert paste(client, BASE_RAID).status_code == 403
    assert snapshot() == (0, 0, 0, 0)
    assert reverse("admin:claims_import_article") == PAGE


def test_the_page_is_served_by_the_desks_admin_site() -> None:
    from django.contrib import admin
    from django.urls import resolve

    from verifier import urls

    assert resolve(PAGE).namespace == "admin"
    assert type(admin.site._wrapped).__name__ == "DeskSite"
    # Nothing wired by hand in the project's URLs: the site's get_urls serves it.
    assert [str(p.pattern) for p in urls.urlpatterns][:2] == ["", "admin/"]


def test_preview_shows_drafts_with_the_sentence_highlighted(editor_client: Client) -> None:
    assert editor_client.get(PAGE).status_code == 200
    response = paste(editor_client, mali_text())
    assert response.status_code == 200
    html = response.content.decode()
    assert "deaths of <mark>at least six</mark> Russian mercenaries" in html
    assert "the death of <mark>several</mark> personnel" in html
    assert 'value="Local security official (anonymous)"' in html
    assert "Incident 2: Ambush near the border with Algeria" in html
    assert snapshot() == (0, 0, 0, 0)


def test_accepted_drafts_are_saved_and_dropped_ones_are_not(editor_client: Client) -> None:
    page = paste(editor_client, mali_text()).content.decode()
    data = fields_of(page)
    assert data["draft-TOTAL_FORMS"] == "5"
    assert data["draft-1-claimant"] == "JNIM"
    # Drop the headline's figure and the earlier ambush's; edit the JNIM claim's group.
    data["draft-0-decision"] = "drop"
    earlier = next(k for k, v in data.items() if k.endswith("-event_index") and v == "1")
    data[earlier.replace("event_index", "decision")] = "drop"
    data["draft-1-group"] = "Wagner mercenaries"
    data["_save"] = "Save accepted drafts"
    response = editor_client.post(PAGE, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:claims_claim_changelist"))

    (claim,) = Claim.objects.all()
    assert (claim.claimant.name, claim.group, claim.count_low) == ("JNIM", "Wagner mercenaries", 6)
    assert claim.event.region == "Mopti" and Event.objects.count() == 1
    assert set(claim.attributions.values_list("source__name", "stance")) == {
        ("JNIM", "asserts"),
        ("Associated Press", "relays"),
        ("Local security official (anonymous)", "corroborates"),
    }
    follow = editor_client.get(response["Location"])
    assert "Imported from the article: 1 new claim(s), 2 new attribution(s)" in (
        follow.content.decode()
    )


def test_chosen_event_is_used(editor_client: Client, editor: Any) -> None:
    event = services.event_create(by=editor, title="Mopti convoy ambush", region="Mopti")
    page = paste(editor_client, BASE_RAID, event=str(event.pk)).content.decode()
    data = fields_of(page)
    assert data["event-0-existing"] == str(event.pk)
    data["_save"] = "1"
    assert editor_client.post(PAGE, data).status_code == 302
    assert set(Claim.objects.values_list("event", flat=True)) == {event.pk}


def test_a_bad_edit_is_shown_again_and_saves_nothing(editor_client: Client) -> None:
    data = fields_of(paste(editor_client, BASE_RAID).content.decode())
    data["draft-0-count_text"] = "no comment"  # "a great many" is a count now (COUNTS.md: many)
    data["_save"] = "1"
    response = editor_client.post(PAGE, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "gives no count" in html
    assert "Some accepted drafts need a correction" in html
    assert snapshot() == (0, 0, 0, 0)


def test_an_incident_without_a_title_is_shown_again(editor_client: Client) -> None:
    data = fields_of(paste(editor_client, BASE_RAID).content.decode())
    data["event-0-title"] = ""
    data["_save"] = "1"
    response = editor_client.post(PAGE, data)
    assert response.status_code == 200
    assert "Some incidents need a correction" in response.content.decode()
    assert snapshot() == (0, 0, 0, 0)


def test_a_refusal_from_the_service_saves_nothing(editor_client: Client) -> None:
    data = fields_of(paste(editor_client, BASE_RAID).content.decode())
    # Keep only the denial: drop the claim it denies, its relay and its corroboration.
    for i in range(3):
        data[f"draft-{i}-decision"] = "drop"
    assert data["draft-3-stance"] == "contradicts"
    data["_save"] = "1"
    response = editor_client.post(PAGE, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved." in html and "for it to contradict" in html
    assert snapshot() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This field is required."),
        ("   ", "The article is empty"),
        ("\x00\x01\x02\x03 binary junk \x00\x07" * 40, "This does not look like text"),
        ("The minister opened a school on Friday and praised the teachers.", "No casualty"),
    ],
    ids=["empty", "blank", "binary", "no-figures"],
)
def test_bad_paste_gets_a_clear_message(editor_client: Client, text: str, message: str) -> None:
    response = paste(editor_client, text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == (0, 0, 0, 0)


def test_a_5mb_paste_is_refused_in_plain_words(editor_client: Client) -> None:
    response = paste(editor_client, "Nine soldiers were killed. " * (5 * 1024 * 1024 // 27))
    assert response.status_code == 413
    html = response.content.decode()
    assert "The pasted text is too large to import" in html
    assert "Nothing was saved" in html
    assert snapshot() == (0, 0, 0, 0)


def test_over_the_character_limit_but_under_the_request_limit(editor_client: Client) -> None:
    response = paste(editor_client, "Nine soldiers were killed. " * 8000)  # 216,000 characters
    assert response.status_code == 200
    assert "The article is too long (216,000 characters)" in response.content.decode()


def test_posts_still_need_the_csrf_token(editor: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert paste(client, BASE_RAID).status_code == 403


# --- Sources matched by name or alias ---------------------------------------------------------
ALIAS_STORY = (
    "The Al Qaeda-linked group JNIM said its fighters killed 14 soldiers in an ambush near "
    "Boni on Tuesday.\n\n"
    "The ministry of defence said only four soldiers died."
)


def test_drafts_are_matched_to_sources_by_name_or_alias(editor: Any) -> None:
    jnim = services.source_create(
        by=editor, name="Jama'at Nusrat al-Islam wal-Muslimin", kind="party", aliases=["JNIM"]
    )
    ministry = services.source_create(by=editor, name="Ministry of Defence", kind="government")
    preview = article_drafts(ALIAS_STORY, publisher="Sahel Wire", published=PUBLISHED)
    claims = {c.claimant: c for c in preview.article.events[0].claims if c.stance != "relays"}
    # "the Al Qaeda-linked group JNIM": the description and the case do not count.
    assert claims["Al Qaeda-linked group JNIM"].source_id == jnim.pk
    assert claims["Ministry of defence"].source_id == ministry.pk
    assert preview.sources == {jnim.pk: jnim, ministry.pk: ministry}

    result = article_ingest(
        by=editor, article=preview.article, publisher="Sahel Wire", published_at=PUBLISHED
    )
    # One body stays one origin: no new source for JNIM or the ministry.
    assert {s.name for s in result.sources_created} == {"Sahel Wire"}
    claim = Claim.objects.get(claimant=jnim)
    assert claim.count_text == "14"
    denial = Attribution.objects.get(source=ministry)
    assert (denial.claim, denial.stance, denial.count_text, denial.disputes) == (
        claim, "contradicts", "four", "toll",
    )  # fmt: skip


def test_the_editor_can_change_the_matched_source(editor: Any) -> None:
    services.source_create(by=editor, name="JNIM", kind="party")
    other = services.source_create(by=editor, name="Katiba Serma", kind="party")
    preview = article_drafts(ALIAS_STORY, publisher="Sahel Wire", published=PUBLISHED)
    first = preview.article.events[0].claims[0]
    first.source_id = other.pk
    article_ingest(by=editor, article=preview.article, publisher="Sahel Wire")
    assert Claim.objects.get(count_text="14").claimant == other
    first.source_id = 999_999
    with pytest.raises(ValidationError, match="Source #999999 does not exist"):
        article_ingest(by=editor, article=preview.article, publisher="Sahel Wire")


def test_a_denial_of_the_event_and_a_range_of_dates_are_saved(editor: Any) -> None:
    text = (
        "Dans la nuit du 12 au 13 novembre, des hommes armés ont tué neuf villageois à "
        "Kolo, selon des habitants.\n\n"
        "L'armée a démenti qu'une attaque ait eu lieu dans la zone."
    )
    preview = article_drafts(text, publisher="Sahel Wire", published=PUBLISHED)
    event = preview.article.events[0]
    assert event.claims[-1].disputes == "event"
    article_ingest(by=editor, article=preview.article, publisher="Sahel Wire")
    saved = Event.objects.get()
    assert (saved.date, saved.date_end) == (date(2024, 11, 12), date(2024, 11, 13))
    denial = Attribution.objects.get(stance="contradicts")
    assert (denial.source.name, denial.disputes, denial.count_text) == ("Armée", "event", "")


def test_a_figureless_denial_without_its_scope_is_refused(editor: Any) -> None:
    article = raid_article()
    denial = article.events[0].claims[-1]
    assert (denial.stance, denial.disputes) == ("contradicts", "toll")
    denial.disputes = ""
    with pytest.raises(ValidationError, match="must say what it disputes"):
        article_ingest(by=editor, article=article, publisher="Sahel Wire")
    assert snapshot() == (0, 0, 0, 0)


def test_review_page_shows_the_matched_source(editor_client: Client, editor: Any) -> None:
    jnim = services.source_create(by=editor, name="JNIM", kind="party")
    data = fields_of(paste(editor_client, mali_text()).content.decode())
    assert data["draft-1-claimant"] == "JNIM"
    assert data["draft-1-source"] == str(jnim.pk)
    # Keep the match for JNIM, make the official a new source, save everything.
    data["_save"] = "1"
    assert editor_client.post(PAGE, data).status_code == 302
    assert Source.objects.filter(name="JNIM").count() == 1
    assert Claim.objects.get(count_text="at least six").claimant == jnim


def test_the_page_uses_the_admins_csrf_check(editor: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get(PAGE)
    token = client.cookies["csrftoken"].value
    response = client.post(
        PAGE,
        {"text": BASE_RAID, "url": URL, "publisher": "Sahel Wire",
         "published": "2024-11-22T10:00", "_preview": "1", "csrfmiddlewaretoken": token},
    )  # fmt: skip
    assert page.status_code == 200 and response.status_code == 200
    assert "Review the drafts" in response.content.decode()


def test_a_5mb_paste_past_the_csrf_check_is_refused_in_plain_words(editor: Any) -> None:
    # With CSRF enforced the middleware reads the body first: the 400 handler answers.
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get(PAGE)  # the CSRF cookie, as a browser has it
    token = client.cookies["csrftoken"].value
    text = "Nine soldiers were killed. " * 200_000
    response = client.post(PAGE, {"text": text, "csrfmiddlewaretoken": token})
    assert response.status_code == 413
    assert "The pasted text is too large to import" in response.content.decode()
    big = {**ARTICLE, "text": "Nine soldiers were killed. " * 200_000}
    api = api_client(editor).post("/api/ingest/preview/", big, format="json")
    assert api.status_code == 413 and api.json()["code"] == "too_large"


# --- The API ---------------------------------------------------------------------------------
def api_client(user: Any) -> Any:
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


ARTICLE = {"text": BASE_RAID, "publisher": "Sahel Wire", "published": "2024-11-22T10:00:00Z"}


def test_api_preview_gives_the_drafts_and_saves_nothing(editor: Any) -> None:
    fighters = services.source_create(by=editor, name="Separatist fighters", kind="party")
    response = api_client(editor).post("/api/ingest/preview/", ARTICLE, format="json")
    assert response.status_code == 200, response.content
    (event,) = response.json()["events"]
    assert (event["date"], event["region"], event["existing_event"]) == (
        "2024-11-20",
        "Kidal",
        None,
    )
    first = event["claims"][0]
    assert (first["claimant"], first["source"], first["source_name"]) == (
        "Separatist fighters", fighters.pk, "Separatist fighters",
    )  # fmt: skip
    assert [c["stance"] for c in event["claims"]] == [
        "asserts", "relays", "corroborates", "contradicts",
    ]  # fmt: skip
    assert event["claims"][-1]["disputes"] == "toll"
    assert snapshot() == (0, 1, 0, 0)


def test_api_saves_the_chosen_drafts(editor: Any) -> None:
    client = api_client(editor)
    (event,) = client.post("/api/ingest/preview/", ARTICLE, format="json").json()["events"]
    event["claims"] = [c for c in event["claims"] if c["stance"] != "corroborates"]
    body = {**ARTICLE, "url": URL, "events": [event]}
    body.pop("text")
    response = client.post("/api/ingest/save/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["summary"].startswith("1 new claim(s), 2 new attribution(s)")
    claim = Claim.objects.get(pk=data["claims_created"][0])
    assert set(claim.attributions.values_list("source__name", "stance", "disputes")) == {
        ("Separatist fighters", "asserts", ""),
        ("Sahel Wire", "relays", ""),
        ("Defence ministry", "contradicts", "toll"),
    }
    assert claim.history.first().history_user == editor


def test_api_save_refuses_a_bad_draft_and_saves_nothing(editor: Any) -> None:
    client = api_client(editor)
    (event,) = client.post("/api/ingest/preview/", ARTICLE, format="json").json()["events"]
    event["claims"] = [c for c in event["claims"] if c["stance"] == "contradicts"]
    body = {"publisher": "Sahel Wire", "published": ARTICLE["published"], "events": [event]}
    response = client.post("/api/ingest/save/", body, format="json")
    assert response.status_code == 400
    assert "for it to contradict" in json.dumps(response.json())
    assert snapshot() == (0, 0, 0, 0)


def test_api_ingest_is_for_editors(factchecker: Any, outsider: Any) -> None:
    from rest_framework.test import APIClient

    assert APIClient().post("/api/ingest/preview/", ARTICLE, format="json").status_code == 401
    for user in (factchecker, outsider):
        client = api_client(user)
        assert client.post("/api/ingest/preview/", ARTICLE, format="json").status_code == 403
        assert client.post("/api/ingest/save/", {}, format="json").status_code == 403


def test_api_preview_says_what_is_wrong_with_the_text(editor: Any) -> None:
    client = api_client(editor)
    response = client.post(
        "/api/ingest/preview/", {**ARTICLE, "text": "12 34 56 78 90 " * 20}, format="json"
    )
    assert response.status_code == 400
    assert "almost no words" in response.json()["fields"]["text"][0]
