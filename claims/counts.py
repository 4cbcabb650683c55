"""Count phrases to intervals, and count mentions in running text.

Every number in Verifier passes through here. The rules are the contract in
``../shared/COUNTS.md``: a count is a closed interval of whole numbers
``[low, high]`` (``high`` None means open), kept next to the phrase it came from,
with a point value (``ANALYSIS.md``, section 6) for the toll the desk publishes.

- ``parse_count(phrase)`` reads a phrase an editor typed or a source gave
  ("at least six", "nearly 50", "several", "une soixantaine"), adding up a
  clause that lists several counts ("six soldiers and at least 34 auxiliaries",
  "a woman and four children").
- ``extract_counts(text)`` finds every count in running text, with character
  offsets and, when the words around it say so, what it counts (killed,
  injured, ...). Years, dates, times, ages, money, unit numbers, percentages,
  ordinals and measurements are not counts.
- ``compatible(a, b)`` and ``describe(low, high)`` compare and show intervals.

How a count is read, in order: one regex finds the candidates (a number with
its qualifier, a vague amount, "no one", "a woman", ...); the words around
each one then say whether it is a count at all (a year, an age, money), what
a qualifier written after it does ("sixty civilians, at least"), what it
counts, and whether it is provisional ("12 so far") or hedged ("may have
killed 20").

Pure Python (no Django) so that the conflict rules, the API and the benchmarks
share it. The regexes run at every space of whole articles, so each one is
linear: bounded repetitions, and atomic groups or possessive repeats wherever
giving characters back could make the engine retry a long run of digits or
words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Protocol

from text_to_num import text2num

__all__ = [
    "CountMention",
    "CountRange",
    "Interval",
    "Measure",
    "Qualifier",
    "compatible",
    "describe",
    "extract_counts",
    "parse_count",
]


class Qualifier(StrEnum):
    EXACT = "exact"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    APPROX = "approx"
    RANGE = "range"
    VAGUE = "vague"
    PROVISIONAL = "provisional"  # "12 so far": a lower bound while the count goes on
    HEDGED = "hedged"  # "may have killed 20": shown, but no part of conflicts or tolls


class Measure(StrEnum):
    KILLED = "killed"
    INJURED = "injured"
    KILLED_OR_INJURED = "killed_or_injured"
    MISSING = "missing"
    ABDUCTED = "abducted"
    CAPTURED = "captured"
    OTHER = "other"  # typed by the desk; the extractor never proposes it


@dataclass(frozen=True, slots=True)
class CountRange:
    """The interval a phrase gives; ``high`` None is open (no upper bound).

    ``point`` is the one figure that stands for it in a toll (ANALYSIS.md,
    section 6): N for an exact or approximate phrase, the low for at least,
    more than, provisional, vague amounts and ranges, the high for at most."""

    low: int
    high: int | None
    qualifier: Qualifier
    phrase: str
    point: int


@dataclass(frozen=True, slots=True)
class CountMention:
    """One count found in running text; ``phrase == text[start:end]``."""

    low: int
    high: int | None
    qualifier: Qualifier
    start: int
    end: int
    measure: Measure | None
    phrase: str
    point: int


class Interval(Protocol):
    """Anything with an interval: CountRange, CountMention, a model instance."""

    @property
    def low(self) -> int: ...

    @property
    def high(self) -> int | None: ...


def _words(s: str) -> list[str]:
    return s.split()


# --------------------------------------------------------------------------
# Vocabulary. Phrases are written lower case with single spaces; _alt() turns
# a space into "any run of whitespace".

EN_UNITS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen"
    " fourteen fifteen sixteen seventeen eighteen nineteen"
)
EN_TENS = _words("twenty thirty forty fifty sixty seventy eighty ninety")
EN_SCALES = _words("hundred thousand million billion")
FR_WORDS = _words(
    "zéro deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze"
    " seize vingt vingts trente quarante cinquante soixante cent mille"
)
# Words that may continue a number but not start one ("un" and "une" are
# articles far more often than counts; a scale word starts one only when more
# number words follow: "thousand nine hundred twenty").
NUMBER_TAIL_WORDS = ["un", "une", "cents", "millions", "milliard", "milliards", *EN_SCALES]

# French "about N" nouns: "une soixantaine" is about 60.
FR_ABOUT_NOUNS = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
    "millier": 1000,  # "un millier"
}

# How the qualifier in front of N shapes the interval (COUNTS.md, "Rules").
AT_LEAST, MORE_THAN, NEARLY, ABOUT, UP_TO, FEWER_THAN = (
    "at_least",
    "more_than",
    "nearly",
    "about",
    "up_to",
    "fewer_than",
)
QUALIFIER_PHRASES = {
    AT_LEAST: [
        "at least", "at the very least", "a minimum of", "no fewer than", "no less than",
        "not less than", "not fewer than", "upwards of", "upward of", "au moins", "au minimum",
    ],
    MORE_THAN: [
        "more than", "over", "well over", "just over", "in excess of", "exceeding",
        "exceed", "exceeds", "exceeded", "greater than", "higher than", "above", "plus de",
        "plus d", "dépasser", "dépasser les", "dépassant", "dépassant les", "dépasse",
        "dépasse les",
    ],
    NEARLY: [
        "nearly", "almost", "close to", "just under", "just shy of", "just short of",
        "près de", "près d", "presque", "pas loin de",
    ],
    ABOUT: [
        "about", "around", "some", "approximately", "an estimated", "estimated",
        "estimated at", "an estimate of", "estimate of", "roughly", "closer to", "circa",
        "approx", "approaching", "nearing", "environ", "autour de", "aux alentours de",
        "quelque", "approximativement", "avoisinant", "avoisinant les",
    ],
    UP_TO: [
        "up to", "at most", "as many as", "as much as", "no more than", "not more than",
        "a maximum of", "jusqu à", "au plus", "au maximum",
    ],
    FEWER_THAN: [
        "fewer than", "less than", "lower than", "under", "below", "moins de", "moins d",
    ],
}  # fmt: skip
QUALIFIER_KIND = {p: kind for kind, ps in QUALIFIER_PHRASES.items() for p in ps}
# "children under five", "people over 60": after these an "under" or "over"
# gives an age, not a count.
AGE_QUALIFIERS = {"under", "below", "over", "above"}
AGE_SUBJECTS = set(
    _words(
        "children child kids kid girls boys minors babies infants youths teenagers those"
        " anyone everyone people persons men women aged age ages"
    )
)

# A qualifier written after the count and the words it counts, at the end of a
# clause: "sixty civilians, at least", "une soixantaine, au moins".
TRAILING_KIND = {
    "at least": AT_LEAST, "at the very least": AT_LEAST, "au moins": AT_LEAST,
    "au minimum": AT_LEAST, "or more": AT_LEAST, "ou plus": AT_LEAST, "at most": UP_TO,
    "au plus": UP_TO, "au maximum": UP_TO,
}  # fmt: skip

# After N: "25+", "50 or more" (at least), "50 or so", "50-odd" (about).
POSTFIX_KIND = {"+": AT_LEAST, "plus": AT_LEAST, "or more": AT_LEAST, "ou plus": AT_LEAST,
                "or so": ABOUT, "odd": ABOUT, "or fewer": UP_TO, "or less": UP_TO}  # fmt: skip

# Vague amounts. A quantifier times a unit gives the quantifier's range times
# the unit ("several hundred" is [300, 900]); a plural unit alone has its own
# range ("hundreds" is [200, 999]); "tens of thousands" multiplies the two.
VAGUE_QUANTIFIERS = {
    "a few": (2, 5),
    "quelques": (2, 5),
    "a handful": (2, 5),
    "several": (3, 9),
    "plusieurs": (3, 9),
}
VAGUE_UNITS = {
    "dozen": 12,
    "dozens": 12,
    "score": 20,
    "hundred": 100,
    "hundreds": 100,
    "thousand": 1000,
    "thousands": 1000,
    "million": 10**6,
    "dizaines": 10,
    "centaines": 100,
    "milliers": 1000,
    "millions": 10**6,
}
VAGUE_PLURALS = {
    "tens": (20, 99),
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2000, 9999),
    "millions": (2 * 10**6, 10**9 - 1),
    "des dizaines": (20, 99),
    "des centaines": (200, 999),
    "des milliers": (2000, 9999),
    "des millions": (2 * 10**6, 10**9 - 1),
}
# Plurals that read as a count only when "of" follows ("tens of", "scores of").
PLURALS_NEEDING_OF = ("tens", "scores")
VAGUE_BIG_UNITS = {"thousands": 1000, "millions": 10**6, "milliers": 1000}

# People and losses: "no <noun>" is a count of zero; a year-like number
# followed by one of these is a count after all ("in 2000 people").
COUNTED_NOUNS = _words(
    "people persons person civilians civilian soldiers soldier troops fighters fighter"
    " militants militant men man women woman children child casualties casualty deaths death"
    " fatalities fatality injuries injury lives life victims victim bodies body hostages"
    " officers officer policemen members member personnel residents villagers mercenaries"
    " mercenary jihadists jihadist combatants insurgents rebels attackers workers passengers"
    " survivors dead wounded injured"
)
FR_COUNTED_NOUNS = _words(
    "mort morts victime victimes blessé blessés civil civils soldat soldats personne"
    " personnes combattant combattants"
)

MONTHS = _words(
    "january february march april june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec janvier février mars avril mai juin"
    " juillet août septembre octobre novembre décembre"
)  # "may" is handled apart: only "May" with a capital is a month

# Words after N that make it a measurement, a time or money rather than a count.
UNIT_WORDS = _words(
    "percent percentage pc seconds second minutes minute mins min hours hour hrs hr days day"
    " nights night weeks week months month years year yrs yr decades decade centuries century"
    " times km kms kilometres kilometre kilometers kilometer miles mile metres metre meters meter"
    " cm mm kg kgs kilos kilo kilograms kilogram grams gram tonnes tonne tons ton litres litre"
    " liters liter acres acre hectares hectare sq square feet foot inches inch degrees degree"
    " dollars dollar euros euro pounds pound sterling francs franc cfa fcfa xof naira dinars"
    " dinar shillings shilling rand rupees rupee yuan roubles rouble rubles ruble cedis cedi"
    " dirhams dirham usd eur gbp f cfa ans année années jours jour heures heure mois semaines"
    " semaine kilomètres kilomètre mètres mètre gmt utc"
)

# The word right before N that makes it something other than a count.
AGE_WORDS = {"aged", "age", "ages", "âgé", "âgée", "âgés", "âgées"}
UNIT_NUMBER_WORDS = set(
    _words(
        "battalion battalions regiment brigade division company squad squadron platoon corps"
        " unit route road highway rn article articles resolution section chapter paragraph"
        " clause flight line no. nos. number # page pages p. pp. block sector zone district"
        " cell ward gate phase level grade category channel room building lot plot precinct"
        " pk bus train platform terminal exit junction checkpoint code version episode season"
        " volume vol. fig. figure table item law decree covid bataillon régiment"
    )
)
MONEY_WORDS = set(_words("$ € £ ¥ ₦ usd us$ eur gbp cfa fcfa xof rs rs."))
RATE_WORDS = {"per", "pour"}  # "per 100,000 people", "per cent"
# Before a 1900-2100 number, words that make it a year ("in 2024", "the 2015
# peace deal", "the end of 2024"), unless people follow ("the 2000 people").
YEAR_WORDS = set(
    _words(
        "in since by until till from during before after through throughout early mid late"
        " year fiscal summer winter spring autumn fall of the a an its their this that his her"
        " our s en depuis début fin le la l les"
    )
)
# "the toll rose from 132 to 160", "le bilan est passé de 9 à 14": two counts.
CHANGE_WORDS = set(
    _words(
        "rose risen rising increased increasing climbed jumped grew grown went revised raised"
        " fell dropped decreased lowered up down passé passée passés passées augmenté grimpé"
        " monté montée revu revue révisé baissé chuté"
    )
)
# Words that keep "up to N" from saying the losses happened ("up to 30 people
# are feared dead": [0, 30]).
HEDGE_WORDS = _words(
    "may might could feared fear fears possibly potentially probably likely perhaps believed"
    " thought would risk"
)

# A count inside a hedge (COUNTS.md): the hedge right before it, a few words
# apart ("may have killed 20", "possibly 30", "the toll could exceed 200",
# "unconfirmed reports of 40"), or in the verb after it ("20 people may have
# been killed", "100 feared dead"). "Believed", "reportedly" and "allegedly"
# attribute a figure; they do not hedge it.
HEDGES_BEFORE = set(
    _words(
        "may might could possibly perhaps maybe potentially feared unconfirmed pourrait"
        " pourraient peut-être possiblement"
    )
)
HEDGES_AFTER = set(
    _words("may might could possibly perhaps potentially feared pourrait pourraient")
)
# After "may", "might" or "could": not a hedge of the count ("could not confirm").
NOT_HEDGING = {"not", "only", "n", "pas", "ne"}
# Words that end the clause a hedge, a trailing qualifier or "so far" reaches across.
CLAUSE_BREAKS = set(
    _words(
        "and but or nor while whereas which who whom whose that where when because since"
        " although though if unless et mais ou qui que dont où quand car lorsque"
    )
)

# Provisional counts (COUNTS.md): "a provisional toll of 30", "bilan provisoire
# de 12" before the count, "so far" or "according to an initial count" after it.
PROVISIONAL_TOLLS = [
    *(
        f"{adjective} {kind}{noun}"
        for adjective in ("provisional", "preliminary", "initial", "interim", "partial")
        for kind in ("", "death ", "casualty ", "casualties ")
        for noun in ("toll", "count", "tally", "figure", "figures")
    ),
    *(f"{noun} {adjective}" for noun in ("bilan", "décompte")
      for adjective in ("provisoire", "préliminaire", "initial", "partiel")),
    "premier bilan",
]  # fmt: skip
SO_FAR = [
    "so far", "thus far", "to date", "as yet", "jusqu à présent", "jusqu ici", "pour l instant",
    "pour le moment", "à ce stade", "à l heure actuelle",
]  # fmt: skip

# People, one or several. "A" or "an" before one of them counts one: in a list
# ("a woman and four children") or before a casualty verb ("an official was
# killed"). The plurals follow "some", "many", "de nombreux", "d'autres".
PERSONS = _words(
    "person man woman child boy girl baby infant toddler teenager teen youth civilian soldier"
    " trooper serviceman servicewoman officer policeman policewoman gendarme guard official"
    " fighter militant jihadist insurgent rebel mercenary assailant attacker gunman bomber"
    " suspect combatant militiaman member resident villager farmer herder herdsman shepherd"
    " worker teacher student pupil journalist reporter photographer doctor nurse driver"
    " passenger commander leader chief peacekeeper contractor trader merchant imam priest"
    " pastor hostage victim survivor employee volunteer pilot sergeant captain lieutenant"
    " colonel corporal recruit miner fisherman tourist citizen mother father son daughter"
    " wife husband brother sister relative prisoner detainee casualty fatality rescuer"
    " firefighter paramedic medic operative auxiliary"
)
FR_PERSONS = _words(
    "personne homme femme enfant garçon fille fillette bébé adolescent adolescente civil civile"
    " soldat militaire gendarme policier policière officier combattant jihadiste djihadiste"
    " terroriste rebelle assaillant mercenaire villageois villageoise habitant habitante élève"
    " enseignant enseignante agriculteur éleveur berger commerçant commerçante chauffeur"
    " passager passagère chef otage victime mort morte blessé blessée membre fonctionnaire"
    " agent douanier journaliste médecin infirmier infirmière garde militant insurgé"
    " prisonnier détenu secouriste pompier"
)


def _plural(word: str) -> str:
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith(("s", "x")):
        return word  # "villageois"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return {"child": "children", "person": "people", "wife": "wives"}.get(word, word + "s")


# "no case of abduction", "no reports of casualties": none.
LOSS_EVENTS = _words(
    "abduction abductions kidnapping kidnappings casualty casualties death deaths injury"
    " injuries fatality fatalities"
)
# Loss nouns in the plural: "some lives were lost", "many casualties".
LOSSES = _words("lives casualties deaths fatalities victims bodies dead wounded injured")
PEOPLE = sorted({*map(_plural, PERSONS), "persons", "personnel", "troops", *LOSSES})
FR_PEOPLE = sorted({*map(_plural, FR_PERSONS), "casques bleus"})
# Before a count of one, what may be said of the person: "a third assailant".
NOT_ADJECTIVES = set(
    _words(
        "of the and or with who that from for in on at by de du des la le les et was were is has"
        " had est a été"
    )
)

# What follows "a soldier" when it counts one: a casualty verb, in the passive
# or intransitive ("was killed", "died", "a été tué", "est mort"); a transitive
# verb right after the noun ("a gunman killed 20") is the agent's, unless the
# clause ends or goes on with where or how ("a soldier killed in the attack").
SINGLE_ADVERBS = _words(
    "also reportedly allegedly later then subsequently seriously critically fatally slightly"
    " badly également aussi grièvement mortellement"
)
SINGLE_PASSIVE = [
    "was", "were", "is", "has been", "had been", "have been", "got", "was found", "is feared",
    "was feared", "may have been", "might have been", "could have been", "a été", "est",
    "fut", "aurait été",
]  # fmt: skip
SINGLE_PERFECT = ["has", "had", "is", "was", "a", "est"]  # before an intransitive verb
SINGLE_INTRANSITIVE = [
    "died", "dies", "perished", "dead", "lost his life", "lost her life", "lost their life",
    "went missing", "disappeared", "missing", "mort", "morte", "décédé", "décédée",
    "perdu la vie", "trouvé la mort", "péri", "disparu", "disparue",
]  # fmt: skip
SINGLE_TRANSITIVE = [
    "killed", "shot dead", "slain", "executed", "murdered", "massacred", "wounded", "injured",
    "hurt", "kidnapped", "abducted", "captured", "taken hostage", "taken prisoner",
    "held hostage", "tué", "tuée", "blessé", "blessée", "enlevé", "enlevée", "kidnappé",
    "kidnappée", "capturé", "capturée", "abattu", "abattue",
]  # fmt: skip
AFTER_A_PASSIVE = _words("in on at by during when after near while overnight yesterday dans lors")

# What the words near a count say it counts (COUNTS.md: measures).
MEASURE_WORDS = {
    Measure.KILLED: [
        "killed", "kills", "killing", "dead", "died", "dies", "dying", "death", "deaths",
        "fatality", "fatalities", "lost their lives", "lost their life", "lost his life",
        "lost her life", "lives were lost", "death toll", "toll", "slain", "executed",
        "massacred", "murdered", "perished", "shot dead", "tué", "tués", "tuée", "tuées",
        "mort", "morts", "décès", "décédé", "décédés", "ont péri", "perdu la vie",
        "trouvé la mort",
    ],
    Measure.INJURED: [
        "wounded", "injured", "injuries", "injuring", "wounding", "hurt", "blessé", "blessés",
        "blessée", "blessées",
    ],
    Measure.KILLED_OR_INJURED: ["casualties", "casualty"],
    Measure.MISSING: ["missing", "disappeared", "unaccounted for", "disparu", "disparus",
                      "disparue", "disparues"],
    Measure.ABDUCTED: [
        "kidnapped", "abducted", "abduction", "abductions", "kidnapping", "kidnappings",
        "hostage", "hostages", "taken hostage", "held hostage", "enlevé", "enlevés", "enlevée",
        "enlevées", "kidnappé", "kidnappés", "otage", "otages",
    ],
    Measure.CAPTURED: [
        "captured", "capture", "taken prisoner", "taken prisoners", "prisoner", "prisoners",
        "taken captive", "captive", "captives", "prisonnier", "prisonniers", "capturé",
        "capturés",
    ],
}  # fmt: skip


# --------------------------------------------------------------------------
# Regex pieces. They run on normalised text (see _normalise): lower case, every
# bracket, quote, em dash and odd space turned into " ", and a space in front,
# so that every word, and so every count, starts right after a space.


_Trie = dict[str, "_Trie"]


def _alt(phrases: Iterable[str]) -> str:
    """An alternation of phrases, a space standing for any whitespace, longer
    phrases tried first ("at least" before "at").

    Optimisation kept (bench/counts.py): the alternation is written as a
    character trie, so the engine rejects a word at its first letter instead of
    trying every phrase in turn; with the plain "|".join of the phrases a
    1,000-word article takes ~1.55x as long (the trie saves ~35 %), and the dev
    phrases, over the 10x-the-floor target already, ~1.2-1.3x."""
    root: _Trie = {}
    for phrase in phrases:
        node = root
        for ch in " ".join(phrase.split()):
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        branches = [
            (r"\s+" if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")" if len(branches) > 1 else branches[0]
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(root) + ")"


_WORD_END = r"(?!\w)"

_START_WORDS = [*EN_UNITS, *EN_TENS, *FR_WORDS]
_EN_SCALE_BEFORE = "(?:" + "|".join(f"(?<={w})" for w in EN_SCALES) + ")"
# Number words: "two hundred and five", "Sixty-four", "one million, one thousand"
# ("and" and the comma only after a scale word), "soixante-dix", "vingt et un",
# "thousand nine hundred twenty" (a scale word first when more follow).
_WORD_NUMBER = (
    rf"(?:{_alt(_START_WORDS)}(?!\.(?<=sept\.))"  # "Sept." is September
    rf"|(?:half\s+)?a\s+{_alt(EN_SCALES)}|un\s+milli(?:on|ard)"
    rf"|{_alt(EN_SCALES)}(?=[-\s]+{_alt(_START_WORDS)}{_WORD_END})){_WORD_END}"
    rf"(?:(?:-|\s+|-et-|\s+et\s+|{_EN_SCALE_BEFORE}(?:\s+and\s+|,\s+))"
    rf"{_alt([*_START_WORDS, *NUMBER_TAIL_WORDS])}{_WORD_END}){{0,24}}"
)
_SCALE_AFTER_DIGITS = r"(?:hundred|thousand|million|billion|mille|millions?|milliards?)"
# Possessive digit runs: a long run of digits is read once, never retried.
_DIGIT_NUMBER = (
    r"(?:\d{1,3}+(?:,\d{3}(?:,\d{3}){0,5}| \d{3}(?: \d{3}){0,5})(?!\d)"  # 1,400 or 21 000
    rf"|\d++(?:(?:\.\d+|,\d{{1,2}}(?!\d))(?=\s*{_SCALE_AFTER_DIGITS}\b))?)"  # 3.5 million
    r"(?![.,:/]\d|\w)"  # not 10:30, 6/6/2024, 1.5 or 13th
    rf"(?:\s*+{_SCALE_AFTER_DIGITS}\b)?"
)
# "une centaine", "un millier", "dépasser la vingtaine"
_ABOUT_NOUN = rf"(?:une?|la|le)\s+{_alt(FR_ABOUT_NOUNS)}{_WORD_END}"
_NUMBER = (
    rf"(?:{_DIGIT_NUMBER}|{_ABOUT_NOUN}|(?:half\s+)?a\s+dozen|{_WORD_NUMBER})"
    rf"(?:\s+dozen{_WORD_END})?"
)
_POSTFIX = rf"(?:\s*\+|-plus|-odd|\s+{_alt(p for p in POSTFIX_KIND if ' ' in p)}){_WORD_END}"
_RANGE_SEP = r"(?:\s*[-–]\s*|\s+(?:to|or|à|ou)\s+)"
# ("un" alone is a number only as a bound: "entre deux et un".)
_BETWEEN = (
    rf"(?:between|entre)\s+(?P<b1>{_NUMBER}|une?)"
    rf"(?:\s+(?:and|to|et|à)\s+|\s*[-–]\s*)"
    rf"(?P<b2>{_NUMBER}|une?{_WORD_END}(?![-\s]+{_alt([*_START_WORDS, *NUMBER_TAIL_WORDS])}))"
)
_VAGUE = (
    rf"{_alt(VAGUE_QUANTIFIERS)}(?:\s+{_alt(VAGUE_UNITS)})?"
    rf"|(?:des\s+)?(?:tens|dozens|hundreds|dizaines|centaines)\s+(?:of|de)\s+"
    rf"{_alt(VAGUE_BIG_UNITS)}"
    rf"|{_alt(PLURALS_NEEDING_OF)}(?=\s+of\b)"
    rf"|{_alt(p for p in VAGUE_PLURALS if p not in PLURALS_NEEDING_OF)}"
)
_ZERO = (
    rf"no\s+one|nobody|none|zero|not\s+a\s+single\s+(?:\w+\s+)?{_alt(COUNTED_NOUNS)}"
    rf"|no\s+(?:\w+\s+)?{_alt(COUNTED_NOUNS)}|aucune?\s+(?:\w+\s+)?{_alt(FR_COUNTED_NOUNS)}"
    rf"|no\s+(?:cases?|reports?)\s+of\s+{_alt(LOSS_EVENTS)}"  # "no case of abduction"
)
_UNKNOWN = (
    r"an?\s+(?:unspecified|undisclosed|unknown|undetermined)\s+number"
    r"|un\s+nombre\s+(?:indéterminé|inconnu)"
)
_CLAUSE_END = r"(?=\s*(?:[.,;:!?]|$))"
_ANY_PEOPLE = _alt([*PEOPLE, *PERSONS, *FR_PEOPLE, *FR_PERSONS])
_ADJECTIVE = r"(?!(?:were|was|are|is|have|had|been)\s)[^\W\d]+"  # "some Malian soldiers"
# An unstated number of people in the plural: at least two.
_PLURAL = (
    rf"some\s+(?:{_ADJECTIVE}\s+)?{_alt(PEOPLE)}"
    rf"|(?:many|multiple|numerous)(?:\s+(?:more|other))?(?:\s+{_ADJECTIVE})?\s+{_alt(PEOPLE)}"
    rf"|(?:some|many|multiple|numerous)\s+(?:others|more)"
    rf"|many(?:(?=\s+(?:were|have|had|are|died|perished)\b)|{_CLAUSE_END})"
    rf"|de\s+nombreu(?:x|ses)(?:\s+autres)?(?:\s+{_alt(FR_PEOPLE)}|{_CLAUSE_END})"
    rf"|d\s+autres(?:\s+{_alt(FR_PEOPLE)}|(?=\s+(?:ont|sont)\b))"
)
# One person: "a woman", "a third assailant", "un soldat".
_SINGLE = (
    rf"(?:an?|another|un|une)\s+(?:(?!{_alt(NOT_ADJECTIVES)}\s)[^\W\d]+\s+){{0,2}}"
    rf"{_alt([*PERSONS, *FR_PERSONS])}"
)
# Endings that make what came before a measurement, a time, a date or money:
# "12%", "12 per cent", "three days", "5 km", "500 euros", "hundreds of
# dollars", "3 pm", "2 August", "2024's" (the apostrophe is a space by now).
_NOT_A_COUNT_WORDS = [
    *UNIT_WORDS, *MONTHS, *(f"{m}." for m in MONTHS), "per", "pour", "am", "pm", "a.m.", "p.m.",
    "o clock", "s",
]  # fmt: skip
_UNIT = rf"{_alt(_NOT_A_COUNT_WORDS)}{_WORD_END}"
_NOT_A_COUNT_AFTER = (
    r"-[^\W\d]"  # fused into a compound: "12-year-old", "three-day", "two-thirds"
    r"|[-/]\d"  # the rest of a date or a score
    rf"|\s*(?:[%‰]|-\s*(?:(?:of|de|d)\s+)?{_UNIT}|of\s+{_UNIT}|de?\s+{_UNIT}|{_UNIT})"
)

# Every kind of count, at a space. The group is atomic: the first kind that
# matches is the reading, and what follows it is checked once.
#
# Optimisation kept (bench/counts.py): one lookahead for how any count can
# begin, tried at each space before the kinds one by one; without it a
# 1,000-word article takes ~1.45x as long (it saves ~30 %), and the dev
# phrases, over the 10x-the-floor target already, ~1.1-1.3x.
_OPENINGS = [
    *_START_WORDS, *EN_SCALES, *QUALIFIER_KIND, *VAGUE_QUANTIFIERS, *VAGUE_PLURALS,
    "dizaines", "centaines", "half a", "a", "an", "another", "un", "une",
    *(f"{article} {noun}" for article in ("la", "le") for noun in FR_ABOUT_NOUNS),
    "between", "entre", "no", "nobody", "none", "not a single", "aucun", "aucune", "some", "many",
    "multiple", "numerous", "de nombreux", "de nombreuses", "d autres",
]  # fmt: skip
_COUNT_RE = re.compile(
    rf" (?=\d|{_alt(_OPENINGS)}{_WORD_END})(?>"
    rf"(?P<count>(?:(?P<q>{_alt(QUALIFIER_KIND)})\s+)?(?P<n1>{_NUMBER})"
    rf"(?:{_RANGE_SEP}(?P<n2>{_NUMBER}))?(?P<post>{_POSTFIX})?)"
    rf"|(?P<vague>{_VAGUE})"
    rf"|(?P<zero>{_ZERO})"
    rf"|(?P<between>{_BETWEEN})"
    rf"|(?P<unknown>{_UNKNOWN})"
    rf"|(?P<plural>{_PLURAL})"
    rf"|(?P<single>{_SINGLE})"
    rf"){_WORD_END}(?!{_NOT_A_COUNT_AFTER})"
)

# After "a soldier": the verb that makes it a count of one.
_SINGLE_ADVERBS = rf"(?:\s+{_alt(SINGLE_ADVERBS)})*"
# "an officer from the fire brigade was killed": who the person is,
# then the verb.
_SINGLE_VERB_RE = re.compile(
    rf"(?:\s+(?:from|of|with|in|at)(?:\s+[^\W\d]+){{1,4}}?(?=\s+{_alt(SINGLE_PASSIVE)}\s))?"
    rf"{_SINGLE_ADVERBS}\s+(?:"
    rf"{_alt(SINGLE_PASSIVE)}{_SINGLE_ADVERBS}\s+{_alt(SINGLE_TRANSITIVE + SINGLE_INTRANSITIVE)}"
    rf"|(?:{_alt(SINGLE_PERFECT)}{_SINGLE_ADVERBS}\s+)?{_alt(SINGLE_INTRANSITIVE)}"
    rf"|{_alt(SINGLE_TRANSITIVE)}(?:{_CLAUSE_END}|(?=\s+{_alt(AFTER_A_PASSIVE)}{_WORD_END}))"
    rf"){_WORD_END}"
)
# Between the counts of a list: "a woman and four children", "four children
# and a woman", "un soldat et deux civils".
_LIST_JOIN = r"\s*(?:,\s*(?:and\s+|et\s+)?|\s(?:and|et|as\s+well\s+as|along\s+with|plus)\s+)"
_LIST_JOIN_RE = re.compile(_LIST_JOIN)
_NOUN_AND_LIST_JOIN_RE = re.compile(rf"(?:\s+[^\W\d]+){{0,2}}?\s+{_ANY_PEOPLE}{_LIST_JOIN}")

# Words of one clause: no punctuation, no digits, no "and", "which", ...
_CLAUSE_WORD = rf"(?!{_alt(CLAUSE_BREAKS)}{_WORD_END})[^\W\d]+"
# A qualifier after the count and what it counts, at the end of the clause.
_TRAILING_RE = re.compile(
    rf"(?:\s+{_CLAUSE_WORD}){{0,3}}?\s*,?\s*"
    rf"(?P<q>{_alt(TRAILING_KIND)}){_CLAUSE_END}"
)
_HEDGE_BEFORE_RE = re.compile(
    rf"(?<![\w-]){_alt(HEDGES_BEFORE)}(?:\s+(?!{_alt(NOT_HEDGING)}{_WORD_END}){_CLAUSE_WORD}){{0,3}}"
    r"\s+$"
)
# "20 could not be found" is no hedge.
_HEDGE_AFTER_RE = re.compile(
    rf"(?:\s+{_CLAUSE_WORD}){{0,4}}?\s+{_alt(HEDGES_AFTER)}{_WORD_END}"
    rf"(?!\s+{_alt(NOT_HEDGING)}{_WORD_END})"
)
_PROVISIONAL_BEFORE_RE = re.compile(
    rf"(?<!\w){_alt(PROVISIONAL_TOLLS)}(?:[\s,:]+[^\W\d]+){{0,4}}?[\s,:]*$"
)
# "so far" after at most six words, none a superlative ("the deadliest so far").
_PROVISIONAL_AFTER_RE = re.compile(
    rf"(?:\s+(?!(?:worst|most|\w+est){_WORD_END}){_CLAUSE_WORD}){{0,6}}?"
    rf"(?:\s+{_alt(SO_FAR)}|,?\s+(?:according\s+to|selon)\s+(?:an?|the|un|le)\s+"
    rf"{_alt(PROVISIONAL_TOLLS)}){_WORD_END}"
)

# Measure words, and the sentence ends that bound the search for them. Both
# start at a space: a match of the space alone is a sentence end (". "), any
# longer one a measure.
MEASURE_OF = {" ".join(w.split()): m for m, words in MEASURE_WORDS.items() for w in words}
_MEASURE_SCAN_RE = re.compile(rf" (?:(?<=[.!?;] )|{_alt(MEASURE_OF)}{_WORD_END})")
# A measure word joined to the one before ("killed or wounded"), group 1.
_JOINED_MEASURE_RE = re.compile(
    r"(?>\s*(?:,\s*(?:or\s+|and\s+)?|\s(?:or|and|ou|et)\s+|/)\s*(?:[^\W\d]+ly\s+)?)"
    rf"({_alt(MEASURE_OF)}){_WORD_END}"
)
_HEDGE_RE = re.compile(rf"\b{_alt(HEDGE_WORDS)}\b")
_SUPERLATIVE_AFTER_RE = re.compile(
    r"\s+of\s+(?:the|its|their|our|his|her)\s+"
    r"(?:\w+est|most|least|main|few|first|last|worst|best)\b"
)
_PEOPLE_AFTER_RE = re.compile(rf"\s+(?:\w+\s+)?{_alt(COUNTED_NOUNS + FR_COUNTED_NOUNS)}\b")

# Between two counts: a few words, then a connector ("six soldiers and 34 ...").
# A comma alone joins two counts only right after the first or after the
# people it counts: "12 police officers, three medics", not "selon plusieurs
# témoins, d'autres soldats".
_ADDING_GAP_RE = re.compile(
    r"(?:\s+[^\W\d]+){0,4}?\s*(?:,\s*)?(?:and|plus|et|as\s+well\s+as|along\s+with)\s*"
    rf"|(?:(?:\s+[^\W\d]+){{0,3}}?\s+{_ANY_PEOPLE})?\s*,\s*"
)
# Between a count and one it includes ("21 people, including 11 children").
_SUBSET_GAP_RE = re.compile(
    r"\s*(?:[^\W\d]+(?:\s*,)?\s+){0,4}?,?\s*(?:including|among\s+them|among\s+whom"
    r"|of\s+whom|of\s+them|dont|parmi\s+eux|mostly|mainly)\s*"
)

_SEPARATORS = (
    "\n", "\r", "\t", "\f", "\v", "(", ")", "[", "]", "{", "}", '"', "'", "“", "”", "‘",
    "’", "«", "»", "—", "\u00a0", "\u2002", "\u2003", "\u2007", "\u2009", "\u200a",
    "\u202f", "\u3000",
)  # fmt: skip


def _normalise(text: str) -> str:
    """Lower case, the same length, separators as plain spaces, and a space first.

    Offsets into the result are offsets into text plus one."""
    low = text.lower()
    if len(low) != len(text):
        # A few characters ("İ") lower-case into two; keep offsets aligned.
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for ch in _SEPARATORS:
        if ch in low:
            low = low.replace(ch, " ")
    return " " + low


# --------------------------------------------------------------------------
# Numbers


_SCALE_VALUES = {
    "hundred": 100,
    "thousand": 1000,
    "mille": 1000,
    "million": 10**6,
    "millions": 10**6,
    "billion": 10**9,
    "milliard": 10**9,
    "milliards": 10**9,
}


def _number(s: str) -> tuple[int, str] | None:
    """The value of a number as the regex matched it, and the qualifier kind it
    carries alone: "exact", "vague" ("a dozen") or ABOUT ("une centaine")."""
    digits = s.replace(",", "").replace(" ", "")  # "1,400", "21 000"
    if digits.isdigit():
        return int(digits), "exact"
    words = s.split()
    if words in (["a", "dozen"], ["half", "a", "dozen"]):
        return (12 if words[0] == "a" else 6), "vague"
    dozen = 1
    if words[-1] == "dozen":  # "two dozen", "3 dozen"
        dozen = 12
        words.pop()
    kind = "vague" if dozen > 1 else "exact"
    if words[0][0].isdigit():
        return _digits_value(words) * dozen, kind
    if words[0] in ("une", "un", "la", "le") and words[-1] in FR_ABOUT_NOUNS:  # "une centaine"
        return FR_ABOUT_NOUNS[words[-1]], ABOUT
    half = words[0] == "half"  # "half a million"
    if half:
        words = words[1:]
    phrase = " ".join(words).replace(",", "")
    if words[0] == "a":
        phrase = "one" + phrase[1:]
    for lang in ("en", "fr"):
        try:
            value = text2num(phrase, lang) * dozen
        except ValueError:
            continue
        return (value // 2 if half else value), kind
    return None


def _digits_value(words: list[str]) -> int:
    """Digits with an optional scale word: "3.5 million", "1,5 million", "12"."""
    scale = _SCALE_VALUES[words.pop()] if words[-1] in _SCALE_VALUES else 1
    digits = "".join(words)
    if "." in digits or (scale > 1 and re.fullmatch(r"\d+,\d{1,2}", digits)):
        exact = Decimal(digits.replace(",", ".")) * scale
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return int(digits.replace(",", "")) * scale


_TOKEN_END = re.compile(r"\w(?=\W|$)")


def _number_prefix(words: str) -> tuple[tuple[int, str] | None, int]:
    """The longest start of a run of number words that is a number, and its length."""
    ends = [t.end() for t in _TOKEN_END.finditer(words)]
    for end in reversed(ends[:-1]):
        value = _number(words[:end])
        if value is not None:
            return value, end
    return None, 0


def _apply(kind: str | None, n: int) -> tuple[int, int | None, Qualifier, int]:
    """The interval a qualifier kind gives around N (COUNTS.md, "Rules"), and its
    point value. Rounds half up in integers: 0.9 * 7 = 6.3 gives 6 and
    1.1 * 45 = 49.5 gives 50."""
    if kind is None:
        return n, n, Qualifier.EXACT, n
    if kind == AT_LEAST:
        return n, None, Qualifier.AT_LEAST, n
    if kind == MORE_THAN:
        return n + 1, None, Qualifier.AT_LEAST, n + 1
    if kind == NEARLY:
        return (9 * n + 5) // 10, n, Qualifier.APPROX, n
    if kind == ABOUT:
        return (9 * n + 5) // 10, (11 * n + 5) // 10, Qualifier.APPROX, n
    if kind == UP_TO:  # the low end is raised to 1 once we know deaths happened
        return 0, n, Qualifier.AT_MOST, n
    return 0, max(n - 1, 0), Qualifier.AT_MOST, max(n - 1, 0)  # fewer than N


def _vague(phrase: str) -> tuple[int, int]:
    """The interval of a vague amount, from the tables above."""
    p = " ".join(phrase.split())
    if p in VAGUE_PLURALS:
        return VAGUE_PLURALS[p]
    words = p.split()
    if words[-1] in VAGUE_BIG_UNITS:  # "tens of thousands", "des centaines de milliers"
        head = " ".join(words[:-2])
        low, high = VAGUE_PLURALS.get(head) or VAGUE_PLURALS["des " + head]
        unit = VAGUE_BIG_UNITS[words[-1]]
        return low * unit, (high + 1) * unit - 1
    if p not in VAGUE_QUANTIFIERS:  # "several hundred", "a few dozen"
        unit = VAGUE_UNITS[words[-1]]
        low, high = VAGUE_QUANTIFIERS[" ".join(words[:-1])]
        return low * unit, high * unit
    return VAGUE_QUANTIFIERS[p]


# --------------------------------------------------------------------------
# Scanning: what the regex found, checked against the words around it.


@dataclass(slots=True)
class _Found:
    """A count while extract_counts works on it; offsets into the normalised text."""

    start: int
    end: int
    low: int
    high: int | None
    qualifier: Qualifier
    point: int
    measure: Measure | None = None
    inside: bool = False  # its own words may name its measure: "no casualties"
    lone: bool = False  # "a woman" with no verb after it: a count only in a list


_NOT_A_COUNT_BEFORE = frozenset(
    AGE_WORDS | UNIT_NUMBER_WORDS | MONEY_WORDS | RATE_WORDS | set(MONTHS)
)


def _word_before(norm: str, start: int) -> str:
    """The word before the one at start (norm[start - 1] is a space)."""
    word = norm[norm.rfind(" ", 0, start - 1) + 1 : start - 1]
    if word or start < 2:
        return word
    words = norm[max(0, start - 40) : start].split()  # several spaces in a row
    return words[-1] if words else ""


def _words_before(norm: str, start: int) -> list[str]:
    return norm[max(0, start - 40) : start].split()[-4:]


def _not_a_count_before(text: str, norm: str, start: int, prev: str) -> bool:
    """The word before the number makes it an age, a unit, money, a rate or a date."""
    if prev in _NOT_A_COUNT_BEFORE:
        return True
    if prev == "may":  # "May 5" but not "may 5 ..."
        i = start - 2  # the original index of the space before the number
        return text[max(0, i - 3) : i] == "May"
    if prev == "of":  # "at the age of 12"
        before = _words_before(norm, start)
        return len(before) > 1 and before[-2] in ("age", "ages")
    return False


def _is_year(text: str, norm: str, start: int, end: int, prev: str) -> bool:
    """A 1900-2100 number in a date-like context: "in 2024", "June 2021", "(2019)"."""
    if prev in YEAR_WORDS or prev in MONTHS or prev == "may":
        return _PEOPLE_AFTER_RE.match(norm, end) is None
    if prev[:1].isdigit() and prev.rstrip(",.").isdigit():
        before = _words_before(norm, start)
        if len(before) > 1 and (before[-2] in MONTHS or before[-2] == "may"):
            return True  # "June 6, 2024"
    return text[start - 2 : start - 1] == "(" and text[end - 1 : end] == ")"


def _year_like(s: str) -> bool:
    return len(s) == 4 and s.isdigit() and 1900 <= int(s) <= 2100


def _month_follows(text: str, norm: str, end: int) -> bool:
    """ "5 May" is a date; in lower case "may" is usually the verb."""
    return norm.startswith(" may", end) and text[end : end + 3] == "May"


def _scan(text: str, norm: str) -> list[_Found]:
    """The counts the regex finds in text that the words around them allow."""
    found: list[_Found] = []
    for m in _COUNT_RE.finditer(norm):
        try:
            found.extend(_read(text, norm, m))
        except (ValueError, ArithmeticError, KeyError, IndexError):
            continue  # a form the tables do not cover: not a count, never an error
    return found


def _read(text: str, norm: str, m: re.Match[str]) -> list[_Found]:
    """The counts one match of _COUNT_RE gives: none, one, or two ("from 132 to 160")."""
    start, end = m.start() + 1, m.end()  # after the space
    kind = m.lastgroup
    if kind == "count":
        return _count(text, norm, m)
    if kind == "between":
        return _between(text, norm, m)
    if kind == "vague":
        low, high = _vague(m["vague"])
        return [_Found(start, end, low, high, Qualifier.VAGUE, low)]
    if kind == "zero":
        return [_Found(start, end, 0, 0, Qualifier.EXACT, 0, inside=True)]
    if kind == "unknown":
        return [_Found(start, end, 1, None, Qualifier.VAGUE, 1)]
    if kind == "plural":  # "some lives", "many": the plural says at least two
        if _word_before(norm, start) in ("how", "as"):
            return []  # "how many", "as many people as"
        return [_Found(start, end, 2, None, Qualifier.VAGUE, 2, inside=True)]
    # "a soldier": one, if a casualty verb follows or it is part of a list
    noun = m["single"].split()[-1]
    loss = MEASURE_OF.get(noun) in (Measure.KILLED, Measure.INJURED, Measure.KILLED_OR_INJURED)
    lone = _SINGLE_VERB_RE.match(norm, end) is None
    return [_Found(start, end, 1, 1, Qualifier.EXACT, 1, inside=loss, lone=lone)]


def _count(text: str, norm: str, m: re.Match[str]) -> list[_Found]:
    """A number, with the qualifier before it, a second number or a postfix."""
    q, n1, n2, post = m["q"], m["n1"], m["n2"], m["post"]
    start, end = m.start() + 1, m.end()
    first = _number(n1)
    if first is None:
        # Number words side by side that make no one number ("one two three"):
        # keep the longest start that does.
        first, length = _number_prefix(n1)
        if first is None:
            return []
        end, n2, post = m.start("n1") + length, None, None
    n, alone = first
    prev = _word_before(norm, start)
    if n1 == "one" and _SUPERLATIVE_AFTER_RE.match(norm, end):
        return []  # "one of the deadliest attacks" is not a count of one
    if q is None and _not_a_count_before(text, norm, start, prev):
        return []
    if q is None and not n1[0].isdigit() and prev[-1:].isdigit():
        return []  # "5 cent", "12 dozen": part of something else
    if post is None and _month_follows(text, norm, end):
        return []
    if n2 is not None:
        return _range(norm, m, n, n2, prev)
    if q is None and post is None and _year_like(n1) and _is_year(text, norm, start, end, prev):
        return []
    q = None if q is None else " ".join(q.split())
    if q in AGE_QUALIFIERS and prev in AGE_SUBJECTS:
        return []  # "children under five"
    kind = None if q is None else QUALIFIER_KIND[q]
    if post is not None:
        kind = POSTFIX_KIND[" ".join(post.strip(" -").split())]
    if kind is None and alone == "vague":
        return [_Found(start, end, n, n, Qualifier.VAGUE, n)]
    if kind is None and alone == ABOUT:
        kind = ABOUT
    return [_Found(start, end, *_apply(kind, n))]


def _range(norm: str, m: re.Match[str], a: int, n2: str, prev: str) -> list[_Found]:
    """ "6-8", "10 to 15", "two or three"; or two counts ("rose from 132 to 160")."""
    start, end = m.start() + 1, m.end()
    second = _number(n2)
    if second is None:
        return []
    b = second[0]
    if _year_like(m["n1"]) and _year_like(n2) and _PEOPLE_AFTER_RE.match(norm, end) is None:
        return []  # "2015-2020"
    if prev in MONTHS:
        return []  # "June 4-5"
    if prev in ("from", "de") and CHANGE_WORDS.intersection(_words_before(norm, start)[:-1]):
        # "the toll rose from 132 to 160", "fell from 40 to 25": two counts, not a range
        s1, e1, s2, e2 = m.start("n1"), m.end("n1"), m.start("n2"), m.end("n2")
        return [
            _Found(s1, e1, a, a, Qualifier.EXACT, a),
            _Found(s2, e2, b, b, Qualifier.EXACT, b),
        ]
    if a > b:
        return []  # a score "3-1", a season "2023-24", a reversed range: no count
    return [_Found(start, end, a, b, Qualifier.RANGE, a)]


def _between(text: str, norm: str, m: re.Match[str]) -> list[_Found]:
    start, end = m.start() + 1, m.end()
    if _not_a_count_before(text, norm, start, _word_before(norm, start)):
        return []  # "aged between 18 and 30"
    b1, b2 = m["b1"], m["b2"]
    first, second = _number(b1), _number(b2)
    if first is None or second is None:
        return []
    if _year_like(b1) and _year_like(b2) and _PEOPLE_AFTER_RE.match(norm, end) is None:
        return []  # "between 2015 and 2020"
    low, high = first[0], second[0]
    if low > high:
        return []  # "between 10 and 5" gives no count
    return [_Found(start, end, low, high, Qualifier.RANGE, low)]


# --------------------------------------------------------------------------
# The words around a count: lists, trailing qualifiers, provisional, hedged.


def _in_lists(norm: str, found: list[_Found]) -> list[_Found]:
    """found without the lone "a woman"s that no list holds: in "a woman and
    four children" or "four children and a woman" she is one of the count, in
    "a woman said" she is not."""
    return [f for i, f in enumerate(found) if not f.lone or _in_list(norm, found, i)]


def _in_list(norm: str, found: list[_Found], i: int) -> bool:
    f = found[i]
    if i + 1 < len(found) and _LIST_JOIN_RE.fullmatch(norm, f.end, found[i + 1].start):
        return True
    if i == 0:
        return False
    prev_end = found[i - 1].end
    return bool(
        _LIST_JOIN_RE.fullmatch(norm, prev_end, f.start)
        or _NOUN_AND_LIST_JOIN_RE.fullmatch(norm, prev_end, f.start)
        or _SUBSET_GAP_RE.fullmatch(norm, prev_end, f.start)  # "dont un soldat"
    )


def _trailing_qualifiers(norm: str, found: list[_Found]) -> None:
    """ "sixty civilians, at least" is [60, open]; "une soixantaine, au moins"
    takes the approximate low as its floor."""
    for f in found:
        if f.qualifier not in (Qualifier.EXACT, Qualifier.APPROX, Qualifier.VAGUE, Qualifier.RANGE):
            continue
        m = _TRAILING_RE.match(norm, f.end)
        if m is None:
            continue
        if TRAILING_KIND[" ".join(m["q"].split())] == AT_LEAST:
            f.high, f.qualifier, f.point = None, Qualifier.AT_LEAST, f.low
        elif f.high is not None:
            f.low, f.qualifier, f.point = 0, Qualifier.AT_MOST, f.high


def _provisional(norm: str, f: _Found) -> bool:
    """ "a provisional toll of 30", "12 so far", "12 morts, selon un bilan provisoire"."""
    if _PROVISIONAL_BEFORE_RE.search(norm, max(0, f.start - 80), f.start):
        return True
    return _PROVISIONAL_AFTER_RE.match(norm, f.end) is not None


def _hedged(norm: str, f: _Found) -> bool:
    """A hedge that governs the count: right before it, at most three words
    apart ("may have killed 20", "possibly 30"), or in the verb after what it
    counts ("20 people may have been killed"), the clause unbroken between."""
    if _HEDGE_BEFORE_RE.search(norm, max(0, f.start - 60), f.start):
        return True
    return _HEDGE_AFTER_RE.match(norm, f.end) is not None


def _provisional_and_hedged(norm: str, found: list[_Found]) -> None:
    """Provisional counts are lower bounds: [low, open]. A hedged count keeps the
    interval and point the phrase gives without the hedge."""
    for f in found:
        if f.qualifier is not Qualifier.AT_MOST and _provisional(norm, f):
            f.high, f.qualifier, f.point = None, Qualifier.PROVISIONAL, f.low
        if _hedged(norm, f):
            f.qualifier = Qualifier.HEDGED


# --------------------------------------------------------------------------
# Measures: what the nearby words say a count counts.


def _measure_of(words: str) -> Measure:
    return MEASURE_OF[" ".join(words.split())]


def _measure_at(norm: str, words: str, pos: int) -> tuple[Measure | None, int]:
    """The measure of the words _MEASURE_SCAN_RE found, ending at pos, joined
    with any that follow ("killed or wounded"), and where the words end."""
    measure = _measure_of(words)
    measures = {measure}
    for _ in range(3):
        w = _JOINED_MEASURE_RE.match(norm, pos)
        if w is None:
            break
        measures.add(_measure_of(w[1]))
        pos = w.end()
    if len(measures) == 1:
        return measure, pos
    if {Measure.KILLED, Measure.INJURED} <= measures or Measure.KILLED_OR_INJURED in measures:
        return Measure.KILLED_OR_INJURED, pos
    return None, pos  # "dead or captured" is none of our measures


# What may stand between a measure word and the count it governs:
# "wounded 40", "the deaths of 2000 civilians", "death toll: 21".
_LEADS_TO_COUNT_RE = re.compile(r"\s*(?:of|de|d|at|to|:)?\s*")

# How far from a count its measure words may be, before and after it.
_BEFORE, _AFTER = 30, 80


def _measure_after(
    norm: str, f: _Found, pos: int, end: int, next_start: int | None
) -> tuple[Measure | None, int]:
    """The first measure word in norm[pos:end] (pos is where the count ends, or
    where it starts when its own words may name the measure), before the
    sentence ends, and where it ends. A word right before the next count is that
    count's ("killed 30, wounded 40", "the deaths of 2000"), unless it is also
    right after this one."""
    for m in _MEASURE_SCAN_RE.finditer(norm, pos, end):
        if m[0] == " ":  # the end of the sentence
            break
        measure, words_end = _measure_at(norm, m[0], m.end())
        if (
            next_start is None
            or words_end > next_start
            or _LEADS_TO_COUNT_RE.fullmatch(norm, words_end, next_start) is None
            or not norm[f.end : m.start()].strip()
        ):
            return measure, words_end
    return None, -1


def _measure_before(norm: str, start: int, f: _Found, prev_end: int) -> tuple[Measure | None, int]:
    """The last measure word before a count, after the sentence starts, and where
    it starts. A word right after the previous count is that count's ("25 dead,
    3 soldiers")."""
    hit = None
    for m in _MEASURE_SCAN_RE.finditer(norm, start, f.start):
        hit = m if m[0] != " " else None  # None after the sentence ends
    if hit is None or (prev_end >= 0 and not norm[prev_end : hit.start()].strip()):
        return None, -1
    return _measure_at(norm, hit[0], hit.end())[0], hit.start()


def _link(norm: str, a: _Found, b: _Found) -> str | None:
    """How two neighbouring counts relate: "adds" ("six soldiers and 34
    auxiliaries"), "subset" ("21 people, including 11 children") or None."""
    if b.start - a.end > 60:
        return None
    if _SUBSET_GAP_RE.fullmatch(norm, a.end, b.start):
        return "subset"  # a measure in between is the whole's, so the part's: "5 dead, including"
    if _ADDING_GAP_RE.fullmatch(norm, a.end, b.start):
        # "50 were killed and 73 wounded": the first has its own measure
        return None if _MEASURE_SCAN_RE.search(norm, a.end, b.start) else "adds"
    return None


def _set_measure(
    norm: str, f: _Found, pos: int, after_end: int, next_start: int | None, prev_end: int
) -> None:
    """Set f's measure from the words after it (from pos to after_end), else
    from those before it (back to the previous count's end, prev_end)."""
    measure, where = _measure_after(norm, f, pos, after_end, next_start)
    if measure is None:
        measure, where = _measure_before(norm, max(f.start - _BEFORE, prev_end, 0), f, prev_end)
        if measure is None:
            return
    f.measure = measure
    if f.qualifier is Qualifier.AT_MOST and f.low == 0 and f.high:
        # "up to N killed" says the losses happened: [1, N]; "up to N may
        # have been killed" does not. Look from the sentence start on.
        lo = max(0, f.start - 40)
        sentence = max(lo, *(norm.rfind(c, lo, f.start) for c in ".!?;"))
        if _HEDGE_RE.search(norm, min(sentence, where), max(where, f.end)) is None:
            f.low = 1


def _assign_measures(norm: str, found: list[_Found]) -> list[str | None]:
    """Set each count's measure; return the links between neighbours."""
    links = [_link(norm, a, b) for a, b in pairwise(found)]
    prev_end = -1
    for i, f in enumerate(found):
        after_end = f.end + _AFTER
        next_start = None
        if i < len(links):
            next_start = found[i + 1].start
            # not past the next count, unless it is part of this one ("21
            # people, including 11 children, were killed"), then not past the one after
            stop = i + 2 if links[i] == "subset" else i + 1
            if stop < len(found):
                after_end = min(after_end, found[stop].start)
        pos = f.start if f.inside else f.end
        _set_measure(norm, f, pos, after_end, next_start, prev_end)
        prev_end = f.end
    # Counts joined by "and" or "including" share the one measure stated:
    # "six soldiers and at least 34 auxiliaries were killed".
    for i, link in enumerate(links):  # forwards along a chain
        if link is not None and found[i + 1].measure is None:
            found[i + 1].measure = found[i].measure
    for i in range(len(links) - 1, -1, -1):  # then backwards
        if links[i] is not None and found[i].measure is None:
            found[i].measure = found[i + 1].measure
    return links


def _extract(text: str) -> tuple[list[_Found], list[str | None]]:
    """The counts in text with their measures, and the links between them."""
    if not isinstance(text, str) or not text:
        return [], []
    norm = _normalise(text)
    found = _in_lists(norm, _scan(text, norm))
    _trailing_qualifiers(norm, found)
    links = _assign_measures(norm, found)
    _provisional_and_hedged(norm, found)
    return found, links


# --------------------------------------------------------------------------
# Public API


def extract_counts(text: str) -> list[CountMention]:
    """Every count in running text, in order, each figure of a sum on its own."""
    mentions = []
    for f in _extract(text)[0]:
        start, end = f.start - 1, f.end - 1  # offsets into text
        mentions.append(
            CountMention(
                f.low, f.high, f.qualifier, start, end, f.measure, text[start:end], f.point
            )
        )
    return mentions


def parse_count(phrase: str) -> CountRange | None:
    """The interval a count phrase gives, or None when it holds no count.

    A clause that adds counts ("six soldiers and at least 34 auxiliaries", "a
    woman and four children") gives their sum; otherwise the first count in the
    phrase is the answer.
    """
    found, links = _extract(phrase)
    if not found:
        return None
    group = [found[0]]
    for i, link in enumerate(links):
        if link != "adds" or len(group) != i + 1:
            break
        nxt = found[i + 1]
        measures = {f.measure for f in group} | {nxt.measure}
        if len(measures - {None}) > 1:
            break
        group.append(nxt)
    low = sum(f.low for f in group)
    highs = [f.high for f in group]
    high = None if None in highs else sum(h for h in highs if h is not None)
    qualifier = _sum_qualifier({f.qualifier for f in group}, high)
    return CountRange(low, high, qualifier, phrase, sum(f.point for f in group))


def _sum_qualifier(qualifiers: set[Qualifier], high: int | None) -> Qualifier:
    if len(qualifiers) == 1:
        return qualifiers.pop()
    if Qualifier.HEDGED in qualifiers:
        return Qualifier.HEDGED  # a sum is no surer than its least sure part
    if Qualifier.PROVISIONAL in qualifiers:
        return Qualifier.PROVISIONAL
    if qualifiers <= {Qualifier.EXACT, Qualifier.AT_LEAST}:
        return Qualifier.AT_LEAST
    if qualifiers <= {Qualifier.EXACT, Qualifier.AT_MOST}:
        return Qualifier.AT_MOST
    if Qualifier.VAGUE in qualifiers:
        return Qualifier.VAGUE
    if high is None:
        return Qualifier.AT_LEAST
    return Qualifier.APPROX if Qualifier.APPROX in qualifiers else Qualifier.RANGE


def compatible(a: Interval, b: Interval) -> bool:
    """Whether two intervals share a value (COUNTS.md); an open high is +infinity."""
    return (b.high is None or a.low <= b.high) and (a.high is None or b.low <= a.high)


def describe(low: int, high: int | None) -> str:
    """A short rendering for messages: "50 (exactly)", "at least 84", "45–50"."""
    if high is None:
        return f"at least {low}"
    if low == high:
        return f"{low} (exactly)"
    return f"{low}\N{EN DASH}{high}"
