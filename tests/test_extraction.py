"""claims.extraction: from article text to draft events and claims, without a database.

The short articles here are our own words; the Mali article is read from the shared
data by path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from claims.extraction import (
    MAX_ARTICLE_CHARS,
    ArticleError,
    ClaimDraft,
    check_article_text,
    extract_article,
    highlight,
    relative_date,
)
from tests.conftest import ROOT, data_path

FRIDAY = datetime(2024, 11, 22, 10, 0, tzinfo=UTC)  # the day after the Mopti ambush
THURSDAY = datetime(2024, 11, 21, 18, 0, tzinfo=UTC)
WEDNESDAY = datetime(2024, 11, 20, 9, 0, tzinfo=UTC)


def extract(text: str, published: datetime = FRIDAY, publisher: str = "Wire Agency"):
    return extract_article(text, publisher=publisher, published=published)


def figures(event) -> list[tuple[str, str, str, str, str, int | None, int | None]]:
    return [
        (c.claimant, c.stance, c.measure, c.group, c.count_text, c.count_low, c.count_high)
        for c in event.claims
    ]


def test_the_module_imports_no_django() -> None:
    code = (
        "import sys, claims.extraction; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


# --- The Mali article ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mali() -> str:
    return data_path("articles/mali-wagner-ambush.txt").read_text(encoding="utf-8")


def test_mali_article_gives_the_ambush_and_the_earlier_one(mali: str) -> None:
    article = extract(mali, publisher="Associated Press")
    assert len(article.events) == 2
    ambush, earlier = article.events

    assert ambush.date == date(2024, 11, 21)  # "on Thursday", published on Friday
    assert (ambush.region, ambush.country) == ("Mopti", "Mali")
    assert "Mopti" in ambush.title
    jnim, relay, official = ambush.claims
    assert (jnim.claimant, jnim.claimant_kind, jnim.stance) == ("JNIM", "party", "asserts")
    assert (jnim.measure, jnim.count_text, jnim.count_low, jnim.count_high) == (
        "killed", "at least six", 6, None,
    )  # fmt: skip
    assert "mercenaries" in jnim.group
    assert mali[jnim.start : jnim.end] == "at least six"
    assert jnim.quote.startswith("A statement from an extremist group")  # no dateline
    assert (relay.claimant, relay.claimant_kind, relay.stance) == (
        "Associated Press", "news_outlet", "relays",
    )  # fmt: skip
    assert official.claimant_kind == "anonymous_official"
    assert "official" in official.claimant.lower()
    assert (official.stance, official.measure, official.group) == (
        "corroborates", "killed", "personnel",
    )  # fmt: skip
    assert (official.count_text, official.count_low, official.count_high) == ("several", 3, 9)

    assert figures(earlier) == [
        ("Associated Press", "asserts", "killed", "Wagner fighters", "nearly 50", 45, 50)
    ]
    assert earlier.date is None
    assert "border with Algeria" in earlier.place
    assert earlier.country == "Mali"  # the dateline's Senegal is where the reporter was


def test_mali_article_takes_no_count_from_headlines_years_or_things(mali: str) -> None:
    article = extract(mali)
    phrases = [c.count_text for e in article.events for c in e.claims if c.stance != "relays"]
    # The headline's "six" (twice), the share counter "0", "2021", "one of the deadliest"
    # and "several vehicles" are not claims.
    assert phrases == ["at least six", "several", "nearly 50"]


def test_on_thursday_is_the_thursday_before_publication_or_the_same_day(mali: str) -> None:
    assert extract(mali, published=FRIDAY).events[0].date == date(2024, 11, 21)
    assert extract(mali, published=THURSDAY).events[0].date == date(2024, 11, 21)
    assert extract(mali, published=WEDNESDAY).events[0].date == date(2024, 11, 14)


@pytest.mark.parametrize(
    ("phrase", "published", "expected"),
    [
        ("Thursday", THURSDAY, date(2024, 11, 21)),
        ("Thursday", FRIDAY, date(2024, 11, 21)),
        ("last Thursday", THURSDAY, date(2024, 11, 14)),
        ("jeudi", FRIDAY, date(2024, 11, 21)),
        ("yesterday", FRIDAY, date(2024, 11, 21)),
        ("18 November 2024", FRIDAY, date(2024, 11, 18)),
        ("Nov. 18", FRIDAY, date(2024, 11, 18)),
        ("le 19 novembre", FRIDAY, date(2024, 11, 19)),
    ],
)
def test_relative_dates(phrase: str, published: datetime, expected: date) -> None:
    assert relative_date(phrase, published) == expected


def test_a_month_alone_is_not_a_day() -> None:
    assert relative_date("in July", FRIDAY) is None


def test_dry_run_structure_is_the_one_in_the_issue(mali: str) -> None:
    data = json.loads(json.dumps(extract(mali).to_dict()))
    assert list(data) == ["events"]
    event = data["events"][0]
    assert list(event) == ["title", "date", "place", "claims"]
    assert event["date"] == "2024-11-21"
    assert list(event["claims"][0]) == [
        "claimant", "claimant_kind", "stance", "measure", "group", "count_text",
        "count_low", "count_high", "quote", "start", "end",
    ]  # fmt: skip


def test_highlight_splits_the_sentence_around_the_figure(mali: str) -> None:
    claim = extract(mali).events[0].claims[0]
    before, phrase, after = highlight(mali, claim.start, claim.end)
    assert phrase == "at least six"
    assert before.endswith("confirmed the deaths of ")
    assert after.startswith(" Russian mercenaries") and after.endswith("central Mali.")
    assert highlight(mali, 10, len(mali) + 5) == ("", "", "")


# --- Attribution patterns, in our own words -------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "claimant", "kind"),
    [
        ("Nine farmers were killed near the well, according to the regional governor.",
         "Regional governor", "official"),
        ("The army said 12 soldiers were wounded by a roadside bomb.", "Army", "military"),
        ("The rebel coalition claimed it had killed 30 soldiers.", "Rebel coalition", "party"),
        ("The health ministry stated that 17 people died in the blast.", "Health ministry",
         "government"),
        ("The UN mission announced that four peacekeepers were injured.", "UN mission",
         "international_organisation"),
        ("A statement from Human Rights Watch put the dead at 40 civilians.",
         "Human Rights Watch", "ngo"),
        ("Residents told reporters that at least 25 villagers were abducted.", "Residents",
         "eyewitness"),
        ('"Eleven people died here," said a village elder.', "Village elder", "official"),
        ("Eight gendarmes were killed, a security source told the agency.",
         "Security source (anonymous)", "anonymous_official"),
    ],
)  # fmt: skip
def test_attribution_patterns(sentence: str, claimant: str, kind: str) -> None:
    (event,) = extract(sentence).events
    first = event.claims[0]
    assert (first.claimant, first.claimant_kind, first.stance) == (claimant, kind, "asserts")
    assert first.quote == sentence


def test_unattributed_figure_is_the_publishers_own() -> None:
    (event,) = extract("Flooding killed 14 people in the valley on Monday.").events
    assert figures(event) == [("Wire Agency", "asserts", "killed", "people", "14", 14, 14)]


def test_vague_party_resolves_to_the_group_the_article_names() -> None:
    text = (
        "An armed group said its fighters killed 20 soldiers in an ambush on Tuesday. "
        "The attack was carried out by a movement known as the Liptako Front, which "
        "claimed responsibility on its channel."
    )
    (event,) = extract(text).events
    assert event.claims[0].claimant == "Liptako Front"
    assert event.claims[0].claimant_kind == "party"


def test_official_who_wished_to_remain_anonymous() -> None:
    text = (
        "A hospital official said nine wounded men were brought in overnight. The official, "
        "who asked not to be named, was not allowed to speak to the press."
    )
    (event,) = extract(text).events
    assert event.claims[0].claimant == "Hospital official (anonymous)"
    assert event.claims[0].claimant_kind == "anonymous_official"
    assert event.claims[0].measure == "injured"


def test_confirmation_corroborates_and_denial_contradicts() -> None:
    text = (
        "Rebels said they killed 30 soldiers in an attack on a base near Tessit on Sunday.\n\n"
        "A local official confirmed that several soldiers were killed.\n\n"
        "The defence ministry denied the rebels' figure on Monday.\n\n"
        "The army spokesman denied that figure too, saying two soldiers died."
    )
    (event,) = extract(text, publisher="Wire Agency").events
    assert figures(event) == [
        ("Rebels", "asserts", "killed", "soldiers", "30", 30, 30),
        ("Wire Agency", "relays", "killed", "soldiers", "30", 30, 30),
        ("Local official", "corroborates", "killed", "soldiers", "several", 3, 9),
        ("Defence ministry", "contradicts", "killed", "soldiers", "", None, None),
        ("Army spokesman", "contradicts", "killed", "soldiers", "two", 2, 2),
    ]
    assert event.date == date(2024, 11, 17)
    assert event.place == "near Tessit"


def test_the_same_figure_from_the_same_speaker_is_one_draft() -> None:
    text = (
        "The army said 12 soldiers died in the raid. Later the army said again that "
        "12 soldiers died, and that the base was secure."
    )
    (event,) = extract(text).events
    assert [c.count_text for c in event.claims if c.stance == "asserts"] == ["12"]


def test_several_incidents_in_one_text() -> None:
    text = (
        "OUAGADOUGOU, Burkina Faso — On Tuesday, gunmen killed nine herders near Djibo, "
        "police said.\n\n"
        "In a separate attack on Wednesday, four gendarmes were wounded in the Centre-Nord "
        "region, the army said."
    )
    first, second = extract(text).events
    assert figures(first)[0] == ("Police", "asserts", "killed", "herders", "nine", 9, 9)
    assert (first.date, first.place) == (date(2024, 11, 19), "near Djibo, Burkina Faso")
    assert figures(second)[0] == ("Army", "asserts", "injured", "gendarmes", "four", 4, 4)
    assert second.date == date(2024, 11, 20)
    assert (second.region, second.country) == ("Centre-Nord", "Burkina Faso")
    assert first.title != second.title


def test_french_article() -> None:
    text = (
        "NIAMEY (AFP) — Selon une source sécuritaire, au moins quinze soldats ont été tués "
        "jeudi dans la région de Tillabéri, au Niger.\n\n"
        "L'armée a démenti ce bilan, affirmant que cinq soldats avaient été tués et qu'une "
        "vingtaine de civils avaient été blessés."
    )
    (event,) = extract(text, publisher="AFP").events
    assert figures(event) == [
        ("Source sécuritaire (anonymous)", "asserts", "killed", "soldats", "au moins quinze",
         15, None),
        ("AFP", "relays", "killed", "soldats", "au moins quinze", 15, None),
        ("Armée", "contradicts", "killed", "soldats", "cinq", 5, 5),
        ("Armée", "asserts", "injured", "civils", "une vingtaine", 18, 22),
        ("AFP", "relays", "injured", "civils", "une vingtaine", 18, 22),
    ]  # fmt: skip
    assert event.claims[2].claimant_kind == "military"
    assert (event.date, event.region, event.country) == (date(2024, 11, 21), "Tillabéri", "Niger")


def test_text_without_figures_gives_nothing() -> None:
    text = (
        "The president toured the northern provinces on Friday and promised new roads.\n\n"
        "Officials said the work would take several years."
    )
    assert extract(text).events == []


def test_things_are_not_people() -> None:
    text = "The army said the raid destroyed several vehicles and 12 motorbikes."
    assert extract(text).events == []


# --- Bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("\x00\x01\x02PK\x03\x04" + "\x00" * 50 + "binary", "binary"),
        (bytes(range(256)).decode("latin-1") * 20, "binary"),
        ("12 34 56 78 90 " * 20, "no words"),
        ("word " * (MAX_ARTICLE_CHARS // 5 + 1), "too long"),
    ],
    ids=["empty", "blank", "nul-bytes", "random-bytes", "numbers-only", "too-long"],
)
def test_bad_input_is_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        extract(text)
    with pytest.raises(ArticleError, match=message):
        check_article_text(text)


def test_a_long_article_within_the_limit_is_read() -> None:
    paragraph = "Gunmen killed 14 villagers near Dounkan on Monday, the mayor said. " * 50
    text = (paragraph + "\n\n") * ((MAX_ARTICLE_CHARS // len(paragraph)) - 1)
    assert len(text) <= MAX_ARTICLE_CHARS
    (event,) = extract(text).events
    # The same figure repeated by the same speaker is one draft, however often.
    assert next(c.count_text for c in event.claims if isinstance(c, ClaimDraft)) == "14"
    assert sum(1 for c in event.claims if c.stance == "asserts") == 1
