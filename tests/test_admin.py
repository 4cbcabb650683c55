"""The review desk (claims.admin) through admin requests, as editors and fact-checkers use it.

Every button and save goes through the services; these tests drive the admin's views
and check what the user sees and what the database holds afterwards.
"""

from __future__ import annotations

import ast
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from claims import services
from claims.admin import display
from claims.admin.pagination import EstimatedCountPaginator
from claims.models import (
    Attribution,
    Claim,
    ConflictFlag,
    Corroboration,
    Event,
    Source,
    Toll,
)

ROOT = Path(__file__).resolve().parents[1]


# --- The demo world -------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # Users are made for every test; the production hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None, editor: User, factchecker: User, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The demo incidents with their flags, and an editor and a fact-checker logged in."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)  # keep the fixtures' passwords
    call_command("load_demo", stdout=StringIO())
    for event_id in Event.objects.values_list("pk", flat=True):
        services.recheck_event(event_id=event_id)
    editor_client, checker_client = Client(), Client()
    editor_client.force_login(editor)
    checker_client.force_login(factchecker)
    tinzaouaten = Event.objects.get(title="Battle of Tinzaouaten")
    return SimpleNamespace(
        editor=editor,
        factchecker=factchecker,
        ed=editor_client,
        fc=checker_client,
        tinzaouaten=tinzaouaten,
        ambush=Event.objects.get(title__startswith="Ambush"),
        csp_84=Claim.objects.get(event=tinzaouaten, claimant__name="CSP-DPA", count_text="84"),
        wagner_flag=ConflictFlag.objects.open().get(event=tinzaouaten, group="fighters:wagner"),
    )


def claim_url(claim: Claim, view: str = "change") -> str:
    return reverse(f"admin:claims_claim_{view}", args=[claim.pk])


def review(client: Client, claim: Claim, action: str, **data: Any) -> Any:
    claim.refresh_from_db()
    return client.post(
        claim_url(claim, "review"),
        {"action": action, "version": claim.version, **data},
        follow=True,
    )


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def claim_form_data(claim: Claim, **changes: Any) -> dict[str, Any]:
    """The claim page's form as the browser posts it, with the version it was loaded at."""
    data = {
        "event": claim.event_id,
        "claimant": claim.claimant_id,
        "text": claim.text,
        "measure": claim.measure,
        "group": claim.group,
        "count_text": claim.count_text,
        "made_at": claim.made_at.strftime("%Y-%m-%dT%H:%M") if claim.made_at else "",
        "version": claim.version,
        "reason": "",
        # The read-only attributions inline and the empty "add one" inline.
        "attributions-TOTAL_FORMS": claim.attributions.count(),
        "attributions-INITIAL_FORMS": claim.attributions.count(),
        "attributions-MIN_NUM_FORMS": 0,
        "attributions-MAX_NUM_FORMS": 1000,
        "attributions-2-TOTAL_FORMS": 0,
        "attributions-2-INITIAL_FORMS": 0,
        "attributions-2-MIN_NUM_FORMS": 0,
        "attributions-2-MAX_NUM_FORMS": 1000,
        "_continue": "Save and continue editing",
    }
    for index, pk in enumerate(claim.attributions.order_by("id").values_list("pk", flat=True)):
        data[f"attributions-{index}-id"] = pk
        data[f"attributions-{index}-claim"] = claim.pk
    data.update(changes)
    return data


# --- The queue ------------------------------------------------------------------------------
def test_queue_shows_figure_interval_review_corroboration_and_credibility(world: Any) -> None:
    response = world.ed.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Claims queue" in html
    assert "“at least six”" in html and "at least 6" in html
    assert "“nearly 50”" in html and "45–50" in html
    # Eight demo figures sit on open conflicts (five at Tinzaouaten, three at Ngarbuh);
    # the badge is a word. JNIM's ambush figure is corroborated by the security official.
    # (and once more in the legend, which says what each badge means)
    assert html.count("Contested</span>") == 8 + 1
    assert "Figure corroborated</span>" in html and "Unverified</span>" in html
    rows = {c.pk: c for c in response.context["cl"].result_list}
    assert rows[world.csp_84.pk].corroboration == "contested"
    # The claimant's letter and the claim's number, as a desk reads it: CSP-DPA is E.
    assert ">E5</span>" in html


def test_queue_puts_the_oldest_unreviewed_claims_first(world: Any) -> None:
    claims = list(Claim.objects.order_by("created_at", "id"))
    oldest, second = claims[0], claims[1]
    services.claim_transition(
        claim=oldest, action="start_review", version=oldest.version, by=world.editor
    )
    oldest.refresh_from_db()
    services.claim_transition(
        claim=oldest,
        action="give_verdict",
        version=oldest.version,
        by=world.editor,
        verdict="unverifiable",
    )
    response = world.ed.get(reverse("admin:claims_claim_changelist"))
    order = [c.pk for c in response.context["cl"].result_list]
    assert order[0] == second.pk  # the oldest still unreviewed
    assert order[-1] == oldest.pk  # judged: after every unreviewed claim
    in_review = claims[3]
    services.claim_transition(
        claim=in_review, action="start_review", version=in_review.version, by=world.editor
    )
    order = [
        c.pk
        for c in world.ed.get(reverse("admin:claims_claim_changelist")).context["cl"].result_list
    ]
    assert order.index(claims[2].pk) < order.index(in_review.pk) < order.index(claims[4].pk)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=new", 10),
        ("corroboration=contested", 8),
        ("corroboration=figure_corroborated", 1),
        ("corroboration=unverified", 1),
        ("group_class__exact=fighters", 5),
        ("measure__exact=killed", 10),
        ("kind=military", 1),
        ("q=Tuareg", 1),
        ("q=FAMa", 1),
        ("q=Mopti", 1),
        ("assigned=me", 0),
        ("assigned=nobody", 10),
    ],
)
def test_queue_filters_and_search(world: Any, query: str, expected: int) -> None:
    response = world.ed.get(reverse("admin:claims_claim_changelist") + "?" + query)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == expected


def test_event_filter_and_assigned_to_me(world: Any) -> None:
    services.claim_assign(claim=world.csp_84, assignee=world.editor, by=world.editor)
    url = reverse("admin:claims_claim_changelist")
    mine = world.ed.get(url + "?assigned=me").context["cl"].result_list
    assert [c.pk for c in mine] == [world.csp_84.pk]
    assert list(world.fc.get(url + "?assigned=me").context["cl"].result_list) == []
    ambush = world.ed.get(url + f"?event__id__exact={world.ambush.pk}").context["cl"].result_list
    assert {c.event_id for c in ambush} == {world.ambush.pk}


def test_corroboration_filter_shows_exactly_the_rows_with_that_badge(world: Any) -> None:
    # Make every state occur: JNIM's ambush figure corroborated by the verified official,
    # a claim verified only from its own side (single source), one on an event a
    # verified source confirms without a figure (event confirmed), a new claim nobody
    # has checked (unverified), and the flagged ones (contested).
    seven = Claim.objects.get(count_text="seven")
    services.attribution_verify(attribution=seven.attributions.get(), by=world.factchecker)
    injured = services.claim_create(
        by=world.editor,
        event=world.ambush,
        claimant=seven.claimant,
        measure="injured",
        group="civilians",
        count_text="a few",
    )
    unchecked = services.claim_create(
        by=world.editor,
        event=world.tinzaouaten,
        claimant=seven.claimant,
        measure="missing",
        group="civilians",
        count_text="a few",
    )
    for event in Event.objects.all():
        services.recheck_event(event_id=event.pk)
    stored = dict(Claim.objects.values_list("pk", "corroboration"))
    assert stored[injured.pk] == "event_confirmed"  # the official confirms the ambush
    assert stored[unchecked.pk] == "unverified"
    assert stored[seven.pk] == "single_source"
    assert set(stored.values()) == set(Corroboration.values)
    url = reverse("admin:claims_claim_changelist")
    for status in Corroboration.values:
        shown = world.ed.get(f"{url}?corroboration={status}").context["cl"].result_list
        assert {c.pk for c in shown} == {pk for pk, s in stored.items() if s == status}, status


# --- The claim page -------------------------------------------------------------------------
def test_claim_page_shows_sources_both_figures_and_history(world: Any) -> None:
    response = world.ed.get(claim_url(world.csp_84))
    assert response.status_code == 200
    html = response.content.decode()
    # The open flag on this figure, with each side's figure as written.
    assert "Open conflict on this figure" in html
    assert world.wagner_flag.explanation in html
    for figure in ("“84”", "“50”", "“nearly 50”"):
        assert figure in html
    # The attributions inline, with its verification state.
    assert "Attributions: who said it" in html and "Unverified" in html
    # The recent history: who, what, why.
    assert "Recent history" in html and "Demo data" in html
    # The review buttons an editor may press from "new", and the version to send.
    assert 'name="action" value="start_review"' in html
    assert f'name="version" value="{world.csp_84.version}"' in html
    assert 'value="publish"' not in html  # not before a verdict


def test_fact_checker_sees_no_review_buttons_and_forged_posts_are_refused(world: Any) -> None:
    claim = world.csp_84
    services.claim_transition(
        claim=claim, action="start_review", version=claim.version, by=world.editor
    )
    html = world.fc.get(claim_url(claim)).content.decode()
    assert "Editors move claims through review" in html
    for step in ("start_review", "give_verdict", "publish", "reopen"):
        assert f'value="{step}"' not in html
    assert 'value="resolve"' not in html  # no flag buttons either
    claim.refresh_from_db()
    before = (claim.status, claim.verdict, claim.version)
    for action, extra in [
        ("give_verdict", {"verdict": "false"}),
        ("publish", {"override_reason": "forged"}),
        ("start_review", {}),
    ]:
        response = world.fc.post(
            claim_url(claim, "review"), {"action": action, "version": claim.version, **extra}
        )
        assert response.status_code == 403, action
    claim.refresh_from_db()
    assert (claim.status, claim.verdict, claim.version) == before
    closed = world.fc.post(
        reverse("admin:claims_conflictflag_close", args=[world.wagner_flag.pk]),
        {"decision": "resolve", "reason": "forged"},
    )
    assert closed.status_code == 403
    assert ConflictFlag.objects.get(pk=world.wagner_flag.pk).status == "open"


def test_outsiders_get_nothing(world: Any, outsider: User) -> None:
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("admin:claims_claim_changelist")).status_code == 403
    response = client.post(
        claim_url(world.csp_84, "review"),
        {"action": "start_review", "version": world.csp_84.version},
    )
    assert response.status_code == 403
    anonymous = Client().post(claim_url(world.csp_84, "review"), {"action": "start_review"})
    assert anonymous.status_code == 302  # to the login page
    assert Claim.objects.get(pk=world.csp_84.pk).status == "new"


def test_review_workflow_through_the_buttons(world: Any) -> None:
    claim = world.csp_84
    response = review(world.ed, claim, "start_review")
    assert "review started" in " ".join(messages_of(response))
    # "Confirmed" without a verified independent source: refused with the reason.
    response = review(world.ed, claim, "give_verdict", verdict="confirmed")
    assert any("independent" in m for m in messages_of(response))
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == ("in_review", "")
    response = review(world.ed, claim, "give_verdict", verdict="disputed", note="tolls differ")
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == ("reviewed", "disputed")
    # Publishing over the open flag needs a written override, kept in the history.
    response = review(world.ed, claim, "publish")
    assert any("override" in m for m in messages_of(response))
    claim.refresh_from_db()
    assert claim.status == "reviewed"
    html = world.ed.get(claim_url(claim)).content.decode()
    assert "Publish over the open conflict" in html
    review(world.ed, claim, "publish", override_reason="Both figures reported, attributed")
    claim.refresh_from_db()
    assert claim.status == "published" and claim.published_at is not None
    latest = claim.history.latest("history_id")
    assert "Override: Both figures" in latest.history_change_reason
    assert latest.history_user == world.editor
    review(world.ed, claim, "reopen")
    claim.refresh_from_db()
    assert claim.status == "in_review" and claim.published_at is None


def test_confirmed_is_allowed_once_the_figure_is_corroborated(world: Any) -> None:
    claim = Claim.objects.get(event=world.ambush)
    official = claim.attributions.get(source__name__startswith="Local security")
    # Editing what the official said sends it back to unverified: no corroboration now.
    services.attribution_update(
        attribution=official, version=official.version, by=world.editor, quote="Several dead."
    )
    review(world.ed, claim, "start_review")
    html = world.ed.get(claim_url(claim)).content.decode()
    assert "“Confirmed” needs the figure corroborated" in html
    refused = review(world.ed, claim, "give_verdict", verdict="confirmed")
    assert any("needs the figure corroborated" in m for m in messages_of(refused))
    official.refresh_from_db()
    response = world.fc.post(
        reverse("admin:claims_attribution_verify", args=[official.pk]),
        {"version": official.version},
        follow=True,
    )
    assert any(m.startswith("Verified") for m in messages_of(response))
    review(world.ed, claim, "give_verdict", verdict="confirmed")
    claim.refresh_from_db()
    assert claim.verdict == "confirmed"


def test_a_confirmation_of_the_event_alone_does_not_allow_confirmed(world: Any) -> None:
    hrw = Claim.objects.get(claimant__name="Human Rights Watch")
    unicef = services.source_create(by=None, name="UNICEF", kind="international_organisation")
    # Another figure-less confirmation, and the conflicts settled: still only the event.
    services.attribution_verify(
        attribution=services.attribution_create(
            by=None, claim=hrw, source=unicef, stance="corroborates"
        ),
        by=None,
    )
    for flag in ConflictFlag.objects.open().filter(event=hrw.event):
        services.flag_dismiss(flag=flag, by=world.editor, reason="Tested apart")
    services.recheck_event(event_id=hrw.event_id, force=True)
    hrw.refresh_from_db()
    assert hrw.corroboration == "event_confirmed"
    review(world.ed, hrw, "start_review")
    refused = review(world.ed, hrw, "give_verdict", verdict="confirmed")
    assert any("Now it is event confirmed" in m for m in messages_of(refused))
    assert Claim.objects.get(pk=hrw.pk).verdict == ""


def test_a_stale_review_button_is_refused(world: Any) -> None:
    claim = world.csp_84
    old_version = claim.version
    services.claim_assign(claim=claim, assignee=world.factchecker, by=world.editor)
    response = world.ed.post(
        claim_url(claim, "review"), {"action": "start_review", "version": old_version}, follow=True
    )
    assert any("changed by someone else" in m for m in messages_of(response))
    assert Claim.objects.get(pk=claim.pk).status == "new"


def test_assignment_from_the_page_and_in_bulk(world: Any) -> None:
    claim = world.csp_84
    response = world.fc.post(
        claim_url(claim, "assign"), {"assignee": "me", "version": claim.version}, follow=True
    )
    assert "assigned to you" in " ".join(messages_of(response))
    assert Claim.objects.get(pk=claim.pk).assignee == world.factchecker
    others = list(Claim.objects.exclude(pk=claim.pk).values_list("pk", flat=True)[:3])
    world.ed.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "assign_to_me", "_selected_action": others},
    )
    assert set(Claim.objects.filter(assignee=world.editor).values_list("pk", flat=True)) == set(
        others
    )
    # "Assign to…": a page to choose who, then the same service for each claim.
    page = world.ed.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "assign_to", "_selected_action": others},
    )
    assert page.status_code == 200 and "Assign to" in page.content.decode()
    world.ed.post(
        reverse("admin:claims_claim_changelist"),
        {
            "action": "assign_to",
            "_selected_action": others,
            "apply": "1",
            "assignee": world.factchecker.pk,
            "index": 0,
        },
    )
    assert set(Claim.objects.filter(assignee=world.factchecker).values_list("pk", flat=True)) == {
        claim.pk,
        *others,
    }
    assert Claim.objects.get(pk=others[0]).history.latest("history_id").history_user == world.editor


def test_bulk_move_to_review_is_for_editors_only(world: Any) -> None:
    pks = list(Claim.objects.values_list("pk", flat=True)[:2])
    url = reverse("admin:claims_claim_changelist")
    world.fc.post(url, {"action": "move_to_review", "_selected_action": pks})
    assert set(Claim.objects.filter(pk__in=pks).values_list("status", flat=True)) == {"new"}
    world.ed.post(url, {"action": "move_to_review", "_selected_action": pks})
    assert set(Claim.objects.filter(pk__in=pks).values_list("status", flat=True)) == {"in_review"}


# --- Safe concurrent edits ------------------------------------------------------------------
def test_second_save_of_one_claim_is_refused_and_keeps_what_was_typed(world: Any) -> None:
    claim = world.csp_84
    loaded = claim_form_data(claim)  # both editors open the page at this version
    first = world.ed.post(claim_url(claim), {**loaded, "count_text": "at least 84"})
    assert first.status_code == 302
    other_editor = User.objects.create_user("second", password="x", is_staff=True)
    other_editor.groups.add(*world.editor.groups.all())
    second = Client()
    second.force_login(other_editor)
    response = second.post(
        claim_url(claim), {**loaded, "count_text": "about 90", "group": "Russian mercenaries"}
    )
    assert response.status_code == 200  # shown again, not saved
    html = response.content.decode()
    assert "saved this claim" in html and "Nothing was saved" in html
    assert 'value="about 90"' in html and 'value="Russian mercenaries"' in html
    saved = Claim.objects.get(pk=claim.pk)
    assert (saved.count_text, saved.group) == ("at least 84", "Wagner fighters")
    # The clash is shown side by side; the re-shown form carries the current version,
    # so saving again is a deliberate choice.
    assert "at least 84" in html and "You typed" in html
    form = response.context["adminform"].form
    assert form.data["version"] == str(saved.version)
    again = second.post(claim_url(claim), {**form.data.dict(), "_continue": "1"})
    assert again.status_code == 302
    saved.refresh_from_db()
    assert (saved.count_text, saved.group) == ("about 90", "Russian mercenaries")


def test_a_stale_save_keeps_their_change_where_this_user_changed_nothing(world: Any) -> None:
    claim = world.csp_84
    loaded = claim_form_data(claim)
    world.ed.post(claim_url(claim), {**loaded, "text": "Their better wording."})
    response = world.ed.post(claim_url(claim), {**loaded, "group": "Wagner mercenaries"})
    form = response.context["adminform"].form
    # Their text is taken (this user had not touched it); this user's group is kept.
    assert form.data["text"] == "Their better wording."
    assert form.data["group"] == "Wagner mercenaries"
    assert "Taken from their save" in response.content.decode()


# The source page's aliases inline, left empty.
NO_ALIASES = {"aliases-TOTAL_FORMS": 0, "aliases-INITIAL_FORMS": 0}


def test_stale_attribution_event_and_source_saves_are_refused_too(world: Any) -> None:
    source = Source.objects.get(name="CSP-DPA")
    url = reverse("admin:claims_source_change", args=[source.pk])
    page = world.fc.get(url)
    data = {**page.context["adminform"].form.initial, "_continue": "1", **NO_ALIASES}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    assert world.fc.post(url, {**data, "reliability": "D"}).status_code == 302
    response = world.ed.post(url, {**data, "reliability": "B"})
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert Source.objects.get(pk=source.pk).reliability == "D"

    attribution = world.csp_84.attributions.get()
    url = reverse("admin:claims_attribution_change", args=[attribution.pk])
    data = {
        "source": attribution.source_id,
        "stance": "asserts",
        "quote": attribution.quote,
        "url": "",
        "archive_url": "",
        "published_at": "",
        "count_text": "",
        "version": attribution.version,
        "reason": "",
        "_continue": "1",
    }
    assert world.fc.post(url, {**data, "url": "https://example.org/a"}).status_code == 302
    response = world.ed.post(url, {**data, "quote": "Changed under them"})
    assert response.status_code == 200
    attribution.refresh_from_db()
    assert attribution.url == "https://example.org/a" and attribution.quote != "Changed under them"


def test_fact_checkers_edit_a_sources_reliability_and_origin(world: Any) -> None:
    source = Source.objects.get(name="Associated Press")
    url = reverse("admin:claims_source_change", args=[source.pk])
    form = world.fc.get(url).context["adminform"].form
    data = {**{k: ("" if v is None else v) for k, v in form.initial.items()}, **NO_ALIASES}
    response = world.fc.post(
        url, {**data, "reliability": "A", "origin": "AP wire", "reason": "Checked its record"}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.reliability, source.origin) == ("A", "AP wire")
    record = source.history.latest("history_id")
    assert record.history_user == world.factchecker
    assert record.history_change_reason == "Checked its record"


# --- Adding through the admin ---------------------------------------------------------------
def test_adding_a_claim_goes_through_the_service(world: Any) -> None:
    url = reverse("admin:claims_claim_add")
    data = {
        "event": world.ambush.pk,
        "claimant": Source.objects.get(name="JNIM").pk,
        "measure": "injured",
        "group": "Wagner fighters",
        "count_text": "no figure here",
        "text": "",
        "made_at": "",
        "url": "https://example.org/s",
        "quote": "q",
        "attributions-TOTAL_FORMS": 0,
        "attributions-INITIAL_FORMS": 0,
        "attributions-2-TOTAL_FORMS": 0,
        "attributions-2-INITIAL_FORMS": 0,
    }
    response = world.ed.post(url, data)
    assert response.status_code == 200
    assert "gives no count" in response.content.decode()
    assert not Claim.objects.filter(measure="injured").exists()
    response = world.ed.post(url, {**data, "count_text": "a dozen"})
    assert response.status_code == 302
    claim = Claim.objects.get(measure="injured")
    assert (claim.count_low, claim.count_high) == (12, 12)
    asserts = claim.attributions.get()
    assert (asserts.stance, asserts.url) == ("asserts", "https://example.org/s")
    assert claim.history.get().history_user == world.editor


def test_an_attribution_added_on_the_claim_page_and_a_refusal_undoes_the_whole_save(
    world: Any,
) -> None:
    claim = world.csp_84
    fama = Source.objects.get(name__startswith="Malian armed")
    add = {
        "attributions-2-TOTAL_FORMS": 1,
        "attributions-2-0-source": fama.pk,
        "attributions-2-0-stance": "contradicts",
        "attributions-2-0-count_text": "lots",
        "attributions-2-0-quote": "",
        "attributions-2-0-url": "",
    }
    response = world.ed.post(claim_url(claim), claim_form_data(claim, group="Russians", **add))
    assert response.status_code == 200
    assert "gives no count" in response.content.decode()
    claim.refresh_from_db()
    # The claim's own change was rolled back with the refused attribution.
    assert claim.group == "Wagner fighters" and claim.attributions.count() == 1
    no_scope = world.ed.post(
        claim_url(claim), claim_form_data(claim, **{**add, "attributions-2-0-count_text": ""})
    )
    assert no_scope.status_code == 200
    assert "must say what it disputes" in no_scope.content.decode()
    response = world.ed.post(
        claim_url(claim),
        claim_form_data(
            claim,
            **{**add, "attributions-2-0-count_text": "", "attributions-2-0-disputes": "toll"},
        ),
    )
    assert response.status_code == 302
    added = claim.attributions.get(source=fama)
    assert added.stance == "contradicts" and added.history.get().history_user == world.editor


# --- Sources to check -----------------------------------------------------------------------
def test_sources_to_check_lists_unverified_first_and_verifying_removes_it(world: Any) -> None:
    url = reverse("admin:claims_attribution_changelist")
    response = world.fc.get(url)
    html = response.content.decode()
    assert "Sources to check" in html and "Mark verified" in html
    rows = response.context["cl"].result_list
    assert rows and all(a.verification == "unverified" for a in rows)
    target = rows[0]
    response = world.fc.post(
        reverse("admin:claims_attribution_verify", args=[target.pk]),
        {"version": target.version, "next": url},
        follow=True,
    )
    assert target.pk not in {a.pk for a in response.context["cl"].result_list}
    target.refresh_from_db()
    assert target.verification == "verified" and target.verified_by == world.factchecker
    assert target.verified_at is not None
    everything = list(world.fc.get(url + "?verification=all").context["cl"].result_list)
    states = [a.verification for a in everything]
    # Unverified first, then the checked ones, the one just verified among them.
    assert states == sorted(states, key=lambda v: v != "unverified")
    assert target.pk in {a.pk for a in everything if a.verification == "verified"}


def test_rejecting_needs_a_reason(world: Any) -> None:
    attribution = Attribution.objects.filter(verification="unverified").first()
    url = reverse("admin:claims_attribution_reject", args=[attribution.pk])
    response = world.fc.post(url, {"version": attribution.version, "note": "  "}, follow=True)
    assert any("Say why" in m for m in messages_of(response))
    attribution.refresh_from_db()
    assert attribution.verification == "unverified"
    world.fc.post(url, {"version": attribution.version, "note": "Quote not in the source"})
    attribution.refresh_from_db()
    assert attribution.verification == "rejected"
    assert attribution.verification_note == "Quote not in the source"
    assert attribution.verified_by == world.factchecker


def test_bulk_mark_verified(world: Any) -> None:
    pks = list(Attribution.objects.values_list("pk", flat=True)[:3])
    world.fc.post(
        reverse("admin:claims_attribution_changelist"),
        {"action": "mark_verified", "_selected_action": pks},
    )
    assert set(Attribution.objects.filter(pk__in=pks).values_list("verification", flat=True)) == {
        "verified"
    }


# --- The conflict desk ----------------------------------------------------------------------
def test_conflict_desk_lists_open_flags_first_with_the_sides(world: Any) -> None:
    services.flag_dismiss(flag=world.wagner_flag, by=world.editor, reason="Different fights")
    response = world.ed.get(reverse("admin:claims_conflictflag_changelist"))
    html = response.content.decode()
    assert "Conflict desk" in html
    statuses = [f.status for f in response.context["cl"].result_list]
    assert statuses == sorted(statuses, key=lambda s: s != "open")
    assert "“two”" in html and "“at least 47”" in html
    assert reverse("admin:claims_event_change", args=[world.tinzaouaten.pk]) in html
    assert "Different fights" in html


def test_resolving_a_flag_needs_a_reason(world: Any) -> None:
    url = reverse("admin:claims_conflictflag_close", args=[world.wagner_flag.pk])
    response = world.ed.post(url, {"decision": "resolve", "reason": ""}, follow=True)
    assert any("Say why" in m for m in messages_of(response))
    assert ConflictFlag.objects.get(pk=world.wagner_flag.pk).status == "open"
    world.ed.post(url, {"decision": "resolve", "reason": "AP later corrected to 84"})
    flag = ConflictFlag.objects.get(pk=world.wagner_flag.pk)
    assert (flag.status, flag.closed_by, flag.resolution_note) == (
        "resolved",
        world.editor,
        "AP later corrected to 84",
    )
    response = world.ed.post(url, {"decision": "dismiss", "reason": "again"}, follow=True)
    assert any("already resolved" in m for m in messages_of(response))


# --- The event page -------------------------------------------------------------------------
def test_event_page_shows_the_toll_per_group_with_the_claims_behind_it(world: Any) -> None:
    url = reverse("admin:claims_event_change", args=[world.tinzaouaten.pk])
    response = world.ed.get(url)
    rows = {(r["toll"].measure, r["toll"].group): r for r in response.context["tolls"]}
    wagner = rows[("killed", "fighters:wagner")]
    # "nearly 50" stands for 50; the wire's figure is the best (reliability B beats E).
    assert wagner["published"] == (50, 50, 84)
    assert [c["id"] for c in wagner["high_claims"]] == [world.csp_84.pk]
    assert wagner["flags"]  # the open conflict on this toll is shown next to it
    # A revised toll: only the later figure of the same origin counts.
    own = rows[("killed", "fighters:csp-dpa")]
    assert own["published"] == (9, 9, 9)
    html = response.content.decode()
    assert "Recheck now" in html and world.wagner_flag.explanation in html
    assert "(29 Jul 2024)" in html  # each side's date
    Event.objects.filter(pk=world.tinzaouaten.pk).update(needs_recheck_since=None)
    assert (
        world.fc.post(
            reverse("admin:claims_event_recheck", args=[world.tinzaouaten.pk]),
        ).status_code
        == 403
    )
    world.ed.post(reverse("admin:claims_event_recheck", args=[world.tinzaouaten.pk]))
    assert Event.objects.get(pk=world.tinzaouaten.pk).needs_recheck_since is not None


def test_an_editor_confirms_or_overrides_a_toll_with_a_reason(world: Any) -> None:
    toll = Toll.objects.get(event=world.tinzaouaten, group="security_forces:malian")
    url = reverse("admin:claims_event_toll", args=[world.tinzaouaten.pk, toll.pk])
    assert world.fc.post(url, {"decision": "confirm"}).status_code == 403
    world.ed.post(url, {"decision": "confirm"})
    toll.refresh_from_db()
    assert toll.confirmed and toll.confirmed_by == world.editor
    refused = world.ed.post(url, {"decision": "override", "low": 2, "best": 10, "high": 47},
                            follow=True)  # fmt: skip
    assert any("reason" in m for m in messages_of(refused))
    world.ed.post(
        url,
        {"decision": "override", "low": 2, "best": 10, "high": 47, "reason": "JNIM's count"},
    )
    toll.refresh_from_db()
    assert toll.published == (2, 10, 47) and (toll.low, toll.best, toll.high) == (2, 2, 47)
    assert "JNIM's count" in toll.history.first().history_change_reason
    html = world.ed.get(reverse("admin:claims_event_change", args=[world.tinzaouaten.pk]))
    assert "Published (editor's override)" in html.content.decode()


# --- Nothing bypasses the services ----------------------------------------------------------
def test_nothing_is_deleted_or_reverted_from_the_admin(world: Any, admin_client: Client) -> None:
    claim = world.csp_84
    assert world.ed.get(claim_url(claim, "delete")).status_code == 403
    assert admin_client.get(claim_url(claim, "delete")).status_code == 403
    first = claim.history.earliest("history_id")
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, first.history_id])
    assert world.ed.get(url).status_code == 200  # old versions can be read
    assert world.ed.post(url, claim_form_data(claim, group="Reverted")).status_code == 403
    assert Claim.objects.get(pk=claim.pk).group == "Wagner fighters"


def test_admin_code_never_writes_models_itself() -> None:
    """Every write goes through claims.services: no save(), delete() or create() here."""
    offenders = []
    for path in sorted((ROOT / "claims" / "admin").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"save", "delete", "create", "bulk_create", "bulk_update"}
            ):
                offenders.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    assert offenders == []


# --- Pieces -------------------------------------------------------------------------------
def test_every_badge_says_its_state_in_words_not_only_colour() -> None:
    words = {
        "contested": "Contested",
        "figure_corroborated": "Figure corroborated",
        "event_confirmed": "Event confirmed",
        "single_source": "Single source",
        "unverified": "Unverified",
    }
    for status in Corroboration.values:
        assert f"</span> {words[status]}</span>" in display.corroboration_badge(status)
    assert "Open conflict" in display.conflict_badge()


def test_filtered_counts_stop_at_the_cap(world: Any) -> None:
    paginator = EstimatedCountPaginator(Attribution.objects.filter(stance="asserts"), 2)
    paginator.cap = 3
    assert paginator.count == 3 and paginator.count_is_capped
    small = EstimatedCountPaginator(Attribution.objects.filter(stance="relays"), 2)
    assert small.count == 1 and not small.count_is_capped
