"""claims.extraction: from article text to draft events and claims, without a database.

The short articles here are our own words, one per pattern of news copy (English and
French) and per trap (nested attribution, a background tally, a denial, another name
for a source); the Mali article is read from the shared data by path.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.extraction import (
    MAX_ARTICLE_CHARS,
    ArticleError,
    ClaimDraft,
    check_article_text,
    extract_article,
    highlight,
    relative_date,
)
from claims.extraction.names import name_key, name_keys
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


def said(event) -> list[tuple[str, str, str]]:
    """(claimant, stance, figure) of each draft: who gives what."""
    return [(c.claimant, c.stance, c.count_text) for c in event.claims]


def first(text: str, **kwargs) -> ClaimDraft:
    (event, *_) = extract(text, **kwargs).events
    return event.claims[0]


# --- The package ------------------------------------------------------------------------------
def test_the_package_imports_no_django() -> None:
    code = (
        "import sys, claims.extraction; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_modules_and_functions_keep_the_house_sizes() -> None:
    """Issue #16: no module over 600 lines (word lists aside), no function over 60."""
    package = ROOT / "claims" / "extraction"
    for path in sorted(package.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        if path.name != "words.py":
            assert len(source.splitlines()) <= 600, path.name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= 60, f"{path.name}: {node.name} is {length} lines"


# --- The Mali article -------------------------------------------------------------------------
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
    headline, jnim, relay, official = ambush.claims
    # The headline is the outlet's own voice, given twice (a menu repeats it): one draft.
    assert (headline.claimant, headline.stance, headline.count_text) == (
        "Associated Press", "asserts", "six",
    )  # fmt: skip
    assert len(headline.mentions) == 1
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


def test_mali_article_takes_no_count_from_years_or_things(mali: str) -> None:
    article = extract(mali)
    phrases = [c.count_text for e in article.events for c in e.claims if c.stance != "relays"]
    # The share counter "0", "2021", "one of the deadliest" and "several vehicles" are not
    # claims; the headline's "six" is the outlet's, once.
    assert phrases == ["six", "at least six", "several", "nearly 50"]


def test_on_thursday_is_the_thursday_before_publication_or_the_same_day(mali: str) -> None:
    assert extract(mali, published=FRIDAY).events[0].date == date(2024, 11, 21)
    assert extract(mali, published=THURSDAY).events[0].date == date(2024, 11, 21)
    assert extract(mali, published=WEDNESDAY).events[0].date == date(2024, 11, 14)


# --- Dates ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "published", "expected"),
    [
        ("Thursday", THURSDAY, date(2024, 11, 21)),
        ("Thursday", FRIDAY, date(2024, 11, 21)),
        ("last Thursday", THURSDAY, date(2024, 11, 14)),
        ("jeudi", FRIDAY, date(2024, 11, 21)),
        ("yesterday", FRIDAY, date(2024, 11, 21)),
        ("hier", FRIDAY, date(2024, 11, 21)),
        ("18 November 2024", FRIDAY, date(2024, 11, 18)),
        ("Nov. 18", FRIDAY, date(2024, 11, 18)),
        ("le 19 novembre", FRIDAY, date(2024, 11, 19)),
        ("3 December", FRIDAY, date(2023, 12, 3)),  # no year, after publication: last year's
    ],
)
def test_relative_dates(phrase: str, published: datetime, expected: date) -> None:
    assert relative_date(phrase, published) == expected


def test_a_month_alone_is_not_a_day() -> None:
    assert relative_date("in July", FRIDAY) is None


def test_the_event_day_is_the_incident_not_the_statement() -> None:
    text = (
        "Gunmen killed seven traders on the road to the market on Wednesday, police told "
        "reporters on Thursday."
    )
    assert extract(text).events[0].date == date(2024, 11, 20)
    text = "Police on Thursday said nine traders were killed on the market road."
    assert extract(text).events[0].date is None  # the text says when it was said, not done


def test_a_day_after_dates_the_earlier_clause() -> None:
    # The raid is the news, the killing the day before is another incident, dated by it.
    text = (
        "Troops raided the hills on Saturday, a day after rebels killed 11 soldiers at a "
        "checkpoint, the army said."
    )
    published = datetime(2024, 11, 23, 12, tzinfo=UTC)  # a Saturday
    (killing,) = extract(text, published=published).events
    assert killing.date == date(2024, 11, 22)
    # With a headline that gives the killing's figure, the killing is the story itself.
    headline = "Rebels kill 11 soldiers at checkpoint\n\n"
    (story,) = extract(headline + text, published=published).events
    assert story.date == date(2024, 11, 22)
    assert [c.count_text for c in story.claims if c.stance == "asserts"] == ["11", "11"]


def test_a_night_across_two_days_is_a_range() -> None:
    text = "Dans la nuit du 12 au 13 novembre, des hommes armés ont tué neuf villageois."
    (event,) = extract(text).events
    assert (event.date, event.date_end) == (date(2024, 11, 12), date(2024, 11, 13))


# --- Places -----------------------------------------------------------------------------------
def test_a_place_keeps_its_particles() -> None:
    text = "The army said shelling on the Dar al-Salam neighbourhood killed eight civilians."
    (event,) = extract(text).events
    assert event.place.startswith("Dar al-Salam")


def test_the_most_specific_place_and_not_a_nationality() -> None:
    text = (
        "At least four people were killed when a drone hit the western Ruritanian town of "
        "Velmora in the Ostrava region, the governor said."
    )
    (event,) = extract(text).events
    assert event.place.startswith("Velmora, Ostrava region")


# --- Who said it: English ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "claimant", "kind"),
    [
        ("Nine farmers were killed near the well, according to the regional governor.",
         "Regional governor", "government"),
        ("According to the regional governor, nine farmers were killed near the well.",
         "Regional governor", "government"),
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
        ("The district commissioner had said 30 passengers died when the ferry capsized.",
         "District commissioner", "official"),
        ("Hospital sources put the toll at 23 on Tuesday.", "Hospital sources (anonymous)",
         "anonymous_official"),
        ("A police chief, who spoke on condition of anonymity, said 14 officers were killed.",
         "Police chief (anonymous)", "anonymous_official"),
        ("Seven fishermen are missing, the coast guard said in a statement.", "Coast guard",
         "official"),
    ],
)  # fmt: skip
def test_attribution_patterns(sentence: str, claimant: str, kind: str) -> None:
    (event,) = extract(sentence).events
    claim = event.claims[0]
    assert (claim.claimant, claim.claimant_kind, claim.stance) == (claimant, kind, "asserts")
    assert claim.quote == sentence
    # The outlet relays what it attributes; it asserts nothing here.
    assert [(c.claimant, c.stance) for c in event.claims[1:]] == [("Wire Agency", "relays")]


def test_told_an_agency_makes_the_agency_a_relay() -> None:
    (event,) = extract("The mayor told Reuters that six people were missing.").events
    assert said(event) == [
        ("Mayor", "asserts", "six"), ("Reuters", "relays", "six"), ("Wire Agency", "relays", "six"),
    ]  # fmt: skip


def test_citing_makes_the_cited_the_claimant_and_the_citer_a_relay() -> None:
    text = "The relief agency, citing camp doctors, said 31 children were injured."
    (event,) = extract(text).events
    assert said(event)[:2] == [("Camp doctors", "asserts", "31"), ("Relief agency", "relays", "31")]
    text = "At least 12 soldiers died in the ambush, the army said, citing a field commander."
    assert said(extract(text).events[0])[:2] == [
        ("Field commander", "asserts", "At least 12"), ("Army", "relays", "At least 12"),
    ]  # fmt: skip


def test_a_quotation_over_two_sentences_belongs_to_its_speaker() -> None:
    text = (
        '"We buried nine of them this morning. Four more died in the clinic," a nurse at '
        "the district clinic told reporters."
    )
    (event,) = extract(text).events
    assert [c.claimant for c in event.claims if c.stance == "asserts"] == [
        "Nurse at the district clinic", "Nurse at the district clinic",
    ]  # fmt: skip


def test_a_pronoun_and_a_surname_are_the_speaker_named_before() -> None:
    text = (
        "Regional police chief Amadou Keita said 15 herders were killed in the raid.\n\n"
        "Keita added that 11 others were wounded.\n\n"
        "Three more are missing, he said."
    )
    (event,) = extract(text).events
    speakers = {c.claimant for c in event.claims if c.stance == "asserts"}
    assert speakers == {"Regional police chief Amadou Keita"}


def test_the_paragraph_running_attribution() -> None:
    text = (
        "The provincial health office released its figures on Friday. Twenty people were "
        "wounded, 14 of them seriously, and six were still missing."
    )
    (event,) = extract(text).events
    claimants = {c.claimant for c in event.claims if c.stance == "asserts"}
    assert claimants == {"Provincial health office"}


def test_unattributed_figure_is_the_publishers_own() -> None:
    (event,) = extract("Flooding killed 14 people in the valley on Monday.").events
    assert figures(event) == [("Wire Agency", "asserts", "killed", "people", "14", 14, 14)]


def test_a_headline_with_its_source_after_a_dash() -> None:
    text = "Gunmen kill nine traders in market attack - police\n\nThe attack happened at dawn."
    assert first(text).claimant == "Police"


def test_vague_party_resolves_to_the_group_the_article_names() -> None:
    text = (
        "An armed group said its fighters killed 20 soldiers in an ambush on Tuesday. "
        "The attack was carried out by a movement known as the Liptako Front, which "
        "claimed responsibility on its channel."
    )
    claim = first(text)
    assert (claim.claimant, claim.claimant_kind) == ("Liptako Front", "party")


def test_the_group_is_the_party_named_before() -> None:
    text = (
        "The Sahel Liberation Front claimed the raid on the garrison.\n\n"
        "The group said it had killed 22 soldiers and seized weapons."
    )
    assert first(text).claimant == "Sahel Liberation Front"


def test_an_acronym_is_spelled_out_when_the_text_does() -> None:
    text = (
        "Fighting between the army and the Northern Defence Militia spread on Monday.\n\n"
        "The NDM said 16 of its fighters were killed."
    )
    assert first(text).claimant == "Northern Defence Militia (NDM)"


def test_official_who_wished_to_remain_anonymous() -> None:
    text = (
        "A hospital official said nine wounded men were brought in overnight. The official, "
        "who asked not to be named, was not allowed to speak to the press."
    )
    claim = first(text)
    assert (claim.claimant, claim.claimant_kind) == (
        "Hospital official (anonymous)", "anonymous_official",
    )  # fmt: skip
    assert claim.measure == "injured"


# --- Who said it: French ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "claimant", "kind"),
    [
        ("Quarante civils ont été tués, a déclaré le gouverneur de la région.",
         "Gouverneur de la région", "government"),
        ("Selon le maire de la commune, onze personnes ont été enlevées dimanche.",
         "Maire de la commune", "official"),
        ("D'après des témoins, une vingtaine de bergers ont été tués.", "Témoins", "eyewitness"),
        ("« Nous avons enterré quinze corps », affirme un chef de village.", "Chef de village",
         "official"),
        ("Le préfet a avancé un bilan de douze morts.", "Préfet", "government"),
        ("Huit gendarmes ont été blessés, selon une source sécuritaire.",
         "Source sécuritaire (anonymous)", "anonymous_official"),
    ],
)  # fmt: skip
def test_french_attribution_patterns(sentence: str, claimant: str, kind: str) -> None:
    claim = first(sentence)
    assert (claim.claimant, claim.claimant_kind, claim.stance) == (claimant, kind, "asserts")


def test_french_told_afp() -> None:
    text = "Le porte-parole de l'armée a indiqué à l'AFP que six militaires avaient été blessés."
    (event,) = extract(text).events
    assert said(event)[:2] == [
        ("Porte-parole de l'armée", "asserts", "six"), ("AFP", "relays", "six"),
    ]  # fmt: skip


def test_french_same_source_and_clitic_pronoun() -> None:
    text = (
        "Le colonel Issa Diallo a avancé un bilan de sept morts. Trois autres soldats ont "
        "été blessés, toujours selon la même source.\n\n"
        "« Deux hommes sont portés disparus », lance-t-il."
    )
    (event,) = extract(text).events
    assert {c.claimant for c in event.claims if c.stance == "asserts"} == {"Colonel Issa Diallo"}


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
    assert event.claims[2].disputes == "toll"
    assert (event.date, event.region, event.country) == (date(2024, 11, 21), "Tillabéri", "Niger")


# --- Wire copy: who relays --------------------------------------------------------------------
WIRE_STORY = (
    "Bandits kill 12 in market raid\n\n"
    "KANO (Reuters) - Police said 12 people were killed when gunmen raided a cattle market "
    "in the town of Dutsin on Wednesday.\n\n"
    "A rescue worker said 30 people were wounded. Reuters could not reach the state "
    "government for comment."
)


def test_a_wire_credit_relays_every_claim_and_the_publisher_relays_the_agency() -> None:
    (event,) = extract(WIRE_STORY, publisher="Daily Courier", published=THURSDAY).events
    assert said(event) == [
        ("Reuters", "asserts", "12"),  # the headline: the copy's own voice is the agency's
        ("Daily Courier", "relays", "12"),
        ("Police", "asserts", "12"),
        ("Reuters", "relays", "12"),
        ("Daily Courier", "relays", "12"),
        ("Rescue worker", "asserts", "30"),
        ("Reuters", "relays", "30"),
        ("Daily Courier", "relays", "30"),
    ]
    assert (event.date, event.place) == (date(2024, 11, 20), "Dutsin")


def test_a_closing_credit_line_is_the_wire_service() -> None:
    text = (
        "Nine people died in a bus crash near the border, officials said.\n\n(SOURCE: Sahel Press)"
    )
    (event,) = extract(text, publisher="Morning Post").events
    assert [c.claimant for c in event.claims] == [
        "Officials (anonymous)", "Sahel Press", "Morning Post",
    ]  # fmt: skip


# --- Traps ------------------------------------------------------------------------------------
def test_nested_attribution_the_innermost_speaker_claims_and_an_outlet_relays() -> None:
    text = (
        "The governor said he had ordered an inquiry into the raid, which witnesses say "
        "killed 17 villagers.\n\n"
        "According to the Daily Ledger, residents recounted how the attackers abducted 20 "
        "women."
    )
    (event,) = extract(text).events
    assert said(event) == [
        ("Witnesses", "asserts", "17"),
        ("Wire Agency", "relays", "17"),
        ("Residents", "asserts", "20"),
        ("Daily Ledger", "relays", "20"),
        ("Wire Agency", "relays", "20"),
    ]


@pytest.mark.parametrize(
    "background",
    [
        "More than 2,000 people have been killed in the province since 2015, according to a "
        "monitoring group.",
        "Last year, a similar attack on the same road killed 45 people.",
        "Earlier this month, a bomb killed 31 people at a bus station in the capital.",
        "In a separate attack on Thursday, gunmen killed 31 miners near the quarry.",
        "The raid came five days after an ambush on a convoy killed 31 soldiers.",
        "The attack was the deadliest since a bombing in March 2019 that killed 60 people.",
    ],
)
def test_a_figure_about_another_incident_stays_out_of_the_main_one(background: str) -> None:
    text = (
        "Gunmen killed nine farmers in the village of Tessa on Wednesday, the police said.\n\n"
        + background
    )
    main, *others = extract(text, published=THURSDAY).events
    assert [c.count_text for c in main.claims if c.stance == "asserts"] == ["nine"]
    assert others and all(c.count_text != "nine" for e in others for c in e.claims)


def test_french_background_figures_are_other_incidents() -> None:
    text = (
        "Des hommes armés ont tué huit villageois mardi à Kolo, selon le maire.\n\n"
        "L'an dernier, une attaque similaire avait fait 30 morts dans la même commune.\n\n"
        "Depuis 2015, plus de 2 000 personnes ont été tuées dans la région."
    )
    main, *others = extract(text).events
    assert [c.count_text for c in main.claims if c.stance == "asserts"] == ["huit"]
    assert len(others) == 2


def test_a_cumulative_tally_is_its_own_event_titled_as_a_toll() -> None:
    text = (
        "Three soldiers were killed at a checkpoint on Monday, the army said.\n\n"
        "The conflict has left more than 9,000 people dead since April 2023, according to "
        "the health ministry."
    )
    _main, tally = extract(text).events
    assert tally.title.startswith("Toll since April 2023")
    assert said(tally)[0] == ("Health ministry", "asserts", "more than 9,000")


def test_a_fronted_strike_among_several_is_its_own_incident() -> None:
    text = (
        '"In the first strike, four fighters were killed. The second strike hit a school '
        'and killed 12 children," the district chief told reporters.'
    )
    main, first_strike = extract(text).events
    assert [c.count_text for c in main.claims if c.stance == "asserts"] == ["12"]
    assert [c.count_text for c in first_strike.claims if c.stance == "asserts"] == ["four"]


def test_an_attack_at_another_place_is_another_incident() -> None:
    text = (
        "Five people were killed when a shell hit a market in the town of Orlovo, the "
        "governor said.\n\n"
        "Two civilians were also killed when rockets hit houses in the village of Petrovka, "
        "he said.\n\n"
        "Three people were wounded in those attacks, he added."
    )
    main, elsewhere = extract(text).events
    assert [c.count_text for c in main.claims if c.stance == "asserts"] == ["Five"]
    assert [c.count_text for c in elsewhere.claims if c.stance == "asserts"] == ["Two", "Three"]
    assert elsewhere.place.startswith("Petrovka")


def test_denials_contradict_with_their_scope() -> None:
    text = (
        "Rebels said they killed 30 soldiers in an attack on a base near Tessit on Sunday.\n\n"
        "A local official confirmed that several soldiers were killed.\n\n"
        "The defence ministry denied the rebels' figure on Monday.\n\n"
        "The army spokesman denied that figure too, saying only two soldiers died.\n\n"
        "A second armed group denied any involvement in the attack."
    )
    (event,) = extract(text).events
    assert [(c.claimant, c.stance, c.count_text, c.disputes) for c in event.claims] == [
        ("Rebels", "asserts", "30", ""),
        ("Wire Agency", "relays", "30", ""),
        ("Local official (anonymous)", "corroborates", "several", ""),
        ("Defence ministry", "contradicts", "", "toll"),
        ("Army spokesman", "contradicts", "two", "toll"),
        ("Second armed group", "contradicts", "", "perpetrator"),
    ]
    assert event.date == date(2024, 11, 17)
    assert event.place == "near Tessit"


def test_a_denial_that_the_attack_took_place_disputes_the_event() -> None:
    text = (
        "Villagers said soldiers killed 14 herders near the well on Tuesday.\n\n"
        "The army denied that any attack took place in the area."
    )
    (event,) = extract(text).events
    assert (event.claims[-1].claimant, event.claims[-1].disputes) == ("Army", "event")


def test_none_and_only_after_another_figure_contradict_it() -> None:
    text = (
        "A county official said five soldiers were killed.\n\n"
        "The military spokesman told reporters that six soldiers were injured but none were "
        "killed.\n\n"
        "A police officer said only two soldiers died."
    )
    (event,) = extract(text).events
    stances = {c.count_text: (c.claimant, c.stance) for c in event.claims if c.stance != "relays"}
    assert stances["none"] == ("Military spokesman", "contradicts")
    assert stances["six"] == ("Military spokesman", "asserts")  # injured: nothing to dispute
    assert stances["two"] == ("Police officer (anonymous)", "contradicts")


def test_a_confirmation_without_a_figure_corroborates_the_event() -> None:
    text = (
        "Militants said they killed 25 police officers in an ambush on Sunday.\n\n"
        "The interior ministry confirmed the ambush but gave no toll."
    )
    (event,) = extract(text).events
    last = event.claims[-1]
    assert (last.claimant, last.stance, last.count_text, last.disputes) == (
        "Interior ministry", "corroborates", "", "",
    )  # fmt: skip


def test_french_denials() -> None:
    text = (
        "Selon des habitants, quinze civils ont été tués lundi.\n\n"
        "Le gouvernement a démenti ce bilan.\n\n"
        "Le groupe armé a nié toute implication dans l'attaque."
    )
    (event,) = extract(text).events
    assert [(c.claimant, c.stance, c.disputes) for c in event.claims[2:]] == [
        ("Gouvernement", "contradicts", "toll"),
        ("Groupe armé", "contradicts", "perpetrator"),
    ]


def test_another_name_for_a_source_gives_the_same_keys() -> None:
    assert "jnim" in name_keys("the Al Qaeda-linked group JNIM")
    assert name_keys("Rapid Support Forces (RSF)")[-1] == "rsf"
    assert name_key("The  Sun Daily") == name_key("sun daily")
    assert name_key("Local official (anonymous)") == "local official"
    assert name_keys("al-Shabaab") == ["al-shabaab"]  # "a" is not an article here


# --- Not counts -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "The army said the raid destroyed several vehicles and 12 motorbikes.",
        "A 12-year-old boy and his father were among the crowd, the police said.",
        "Un enfant d'une dizaine d'années a été retrouvé sain et sauf, selon la police.",
        "At least 35 gunmen attacked the camp before dawn, residents said.",
        "The president toured the northern provinces on Friday and promised new roads.",
    ],
)
def test_things_ages_and_attackers_are_not_casualties(text: str) -> None:
    assert extract(text).events == []


def test_the_whole_in_one_of_the_two_is_not_a_figure() -> None:
    text = "The group said one of the three attackers was killed by guards."
    (event,) = extract(text).events
    assert [c.count_text for c in event.claims if c.stance == "asserts"] == ["one"]


# --- Output -----------------------------------------------------------------------------------
def test_dry_run_structure(mali: str) -> None:
    data = json.loads(json.dumps(extract(mali).to_dict()))
    assert list(data) == ["events"]
    event = data["events"][0]
    assert list(event) == ["title", "date", "date_end", "place", "region", "country", "claims"]
    assert event["date"] == "2024-11-21"
    assert list(event["claims"][0]) == [
        "claimant", "claimant_kind", "stance", "measure", "group", "count_text",
        "count_low", "count_high", "quote", "start", "end", "disputes", "mentions",
        "source_id",
    ]  # fmt: skip


def test_highlight_splits_the_sentence_around_the_figure(mali: str) -> None:
    claim = extract(mali).events[0].claims[1]
    before, phrase, after = highlight(mali, claim.start, claim.end)
    assert phrase == "at least six"
    assert before.endswith("confirmed the deaths of ")
    assert after.startswith(" Russian mercenaries") and after.endswith("central Mali.")
    assert highlight(mali, 10, len(mali) + 5) == ("", "", "")


def test_text_without_figures_gives_nothing() -> None:
    text = (
        "The president toured the northern provinces on Friday and promised new roads.\n\n"
        "Officials said the work would take several years."
    )
    assert extract(text).events == []


def test_the_same_figure_from_the_same_speaker_is_one_draft() -> None:
    text = (
        "The army said 12 soldiers died in the raid. Later the army said again that "
        "12 soldiers died, and that the base was secure."
    )
    (event,) = extract(text).events
    (claim,) = [c for c in event.claims if c.stance == "asserts"]
    assert claim.count_text == "12" and len(claim.mentions) == 1


# --- Bad input --------------------------------------------------------------------------------
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
    assert sum(1 for c in event.claims if c.stance == "asserts") == 1


def test_no_sentence_of_the_shared_data_is_copied_here() -> None:
    """Our own words only: the dev articles are read by path, never pasted in."""
    ours = Path(__file__).read_text(encoding="utf-8")
    for path in sorted(data_path("articles").glob("dev-*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for sentence in line.split(". "):
                if len(sentence) > 60:
                    assert sentence not in ours, f"{path.name}: {sentence[:60]}"


# --- Robustness -------------------------------------------------------------------------------
_PIECES = [
    "said", "told Reuters", "according to", "selon", "a déclaré", "“", "”", '"', ",", ".",
    "\n\n", "the army", "12 soldiers", "at least six", "were killed", "denied", "since 2015",
    "on Monday", "in the town of Kolo", "(AFP) —", "— AFP", "he", "the group", "citing",
]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), min_size=1, max_size=40))
def test_any_text_gives_drafts_or_a_clear_refusal(pieces: list[str]) -> None:
    text = " ".join(pieces)
    try:
        article = extract(text)
    except ArticleError:
        return
    for event in article.events:
        for claim in event.claims:
            assert 0 <= claim.start <= claim.end <= len(text)
            if claim.count_text and claim.stance != "relays":
                assert text[claim.start : claim.end] == claim.count_text
