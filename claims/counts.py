"""Count phrases to intervals, and count mentions in running text.

Every number in Verifier passes through here. The rules are the contract in
``../shared/COUNTS.md``: a count is a closed interval of whole numbers
``[low, high]`` (``high`` None means open), kept next to the phrase it came from.

- ``parse_count(phrase)`` reads a phrase an editor typed or a source gave
  ("at least six", "nearly 50", "several", "une soixantaine"), adding up a
  clause that lists several counts ("six soldiers and at least 34 auxiliaries").
- ``extract_counts(text)`` finds every count in running text, with character
  offsets and, when the words around it say so, what it counts (killed,
  injured, ...). Years, dates, times, ages, money, unit numbers, percentages,
  ordinals and measurements are not counts.
- ``compatible(a, b)`` and ``describe(low, high)`` compare and show intervals.

Pure Python (no Django) so that the conflict rules, the API and the benchmarks
share it. Speed matters because whole articles go through it: every regex is
precompiled and linear (atomic groups, bounded repetitions), and the scan only
tries positions right after a space, which the text is normalised to provide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
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


class Measure(StrEnum):
    KILLED = "killed"
    INJURED = "injured"
    KILLED_OR_INJURED = "killed_or_injured"
    MISSING = "missing"
    ABDUCTED = "abducted"
    CAPTURED = "captured"


@dataclass(frozen=True, slots=True)
class CountRange:
    """The interval a phrase gives; ``high`` None is open (no upper bound)."""

    low: int
    high: int | None
    qualifier: Qualifier
    phrase: str


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
    "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze"
    " seize vingt vingts trente quarante cinquante soixante cent mille"
)
# Words that may continue a number but not start one ("un" and "une" are
# articles far more often than counts; a bare "thousand" follows "a" or a digit).
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
        "could exceed", "exceeded", "greater than", "above", "plus de", "plus d",
    ],
    NEARLY: [
        "nearly", "almost", "close to", "just under", "just shy of", "just short of",
        "près de", "près d", "presque", "pas loin de",
    ],
    ABOUT: [
        "about", "around", "some", "approximately", "an estimated", "estimated",
        "estimated at", "roughly", "closer to", "circa", "approx", "environ", "autour de",
        "quelque",
    ],
    UP_TO: [
        "up to", "at most", "as many as", "as much as", "no more than", "not more than",
        "a maximum of", "jusqu à", "au plus", "au maximum",
    ],
    FEWER_THAN: ["fewer than", "less than", "moins de", "moins d"],
}  # fmt: skip
QUALIFIER_KIND = {p: kind for kind, ps in QUALIFIER_PHRASES.items() for p in ps}

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
    " dirhams dirham usd eur gbp f cfa ans jours jour heures heure mois semaines semaine"
    " kilomètres kilomètre mètres mètre gmt utc"
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
CHANGE_WORDS = set(
    _words(
        "rose risen rising increased increasing climbed jumped grew grown went revised raised"
        " fell dropped decreased lowered up down"
    )
)
HEDGE_WORDS = _words(
    "may might could feared fear fears possibly potentially probably likely perhaps believed"
    " thought would risk"
)

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
#
# Written for the speed of Python's regex engine, which runs them at every
# space of every text: an optional part is "(?:x|)", not "(?:x)?" (a branch
# costs less than a repeat); a repeat is possessive ("++", "*+") wherever
# giving characters back could never lead to a match; and an alternative that
# starts with a plain character is skipped at once when the text does not
# have it, so alternations are spelled out to start that way where it pays.


_Trie = dict[str, "_Trie"]


def _alt(phrases: Iterable[str]) -> str:
    """An alternation of phrases as a character trie, a space standing for any
    whitespace. The regex engine then rejects most words at their first letter
    instead of trying every alternative in turn; longer phrases are tried first."""
    return "(?:" + _branches(phrases) + ")"


def _branches(phrases: Iterable[str], end: str = "") -> str:
    """_alt() without the group around it, end following each first letter's
    branch: spliced into an enclosing alternation, it spares the engine one
    level of alternation at every word it scans."""
    root: _Trie = {}
    for phrase in phrases:
        node = root
        for ch in " ".join(phrase.split()):
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        branches = [
            (r"\s+" if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items(), key=_letter_rank)
            if ch
        ]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")" if len(branches) > 1 else branches[0]
        return f"(?:{body}|)" if "" in node else body

    return "|".join(
        (r"\s+" if ch == " " else re.escape(ch)) + emit(child) + end
        for ch, child in sorted(root.items(), key=_letter_rank)
    )


# English words most often start with t, a, o, i, ...: trying those branches
# first makes a miss on a common word cheaper.
_LETTER_ORDER = {ch: i for i, ch in enumerate(" taoiswcbphfmdrelnguvyjkqzx")}


def _letter_rank(item: tuple[str, object]) -> tuple[int, str]:
    return _LETTER_ORDER.get(item[0], len(_LETTER_ORDER)), item[0]


_WORD_END = r"(?!\w)"

_START_WORDS = [*EN_UNITS, *EN_TENS, *FR_WORDS]
_EN_SCALE_BEFORE = "(?:" + "|".join(f"(?<={w})" for w in EN_SCALES) + ")"
# Number words: "two hundred and five", "Sixty-four", "one million, one thousand"
# ("and" and the comma only after a scale word), "soixante-dix", "vingt et un".
_WORD_NUMBER = (
    rf"(?:{_alt(_START_WORDS)}(?!\.(?<=sept\.))"  # "Sept." is September
    rf"|(?:half\s+|)a\s+{_alt(EN_SCALES)}|un\s+milli(?:on|ard)){_WORD_END}"
    rf"(?:(?:-|\s+|-et-|\s+et\s+|(?=\s+and\s|,\s){_EN_SCALE_BEFORE}(?:\s+and\s+|,\s+))"
    rf"{_alt([*_START_WORDS, *NUMBER_TAIL_WORDS])}{_WORD_END}){{0,24}}"
)
_SCALE_AFTER_DIGITS = r"(?:hundred|thousand|million|billion|mille|millions?|milliards?)"
_DIGIT_NUMBER = (
    r"(?:\d{1,3}+(?:,\d{3}(?:,\d{3}){0,5}| \d{3}(?: \d{3}){0,5})(?!\d)"  # 1,400 or 21 000
    rf"|\d++(?:(?:\.\d+|,\d{{1,2}}(?!\d))(?=\s*{_SCALE_AFTER_DIGITS}\b)|))"  # 3.5 million
    r"(?![.,:/]\d|\w)"  # not 10:30, 6/6/2024, 1.5 or 13th
    rf"(?:\s*+{_SCALE_AFTER_DIGITS}\b|)"
)
_ABOUT_NOUN = rf"une?\s+{_alt(FR_ABOUT_NOUNS)}{_WORD_END}"  # "une centaine", "un millier"
_NUMBER = (
    rf"(?:{_DIGIT_NUMBER}|{_ABOUT_NOUN}|(?:half\s+|)a\s+dozen|{_WORD_NUMBER})"
    rf"(?:\s++dozen{_WORD_END}|)"
)
_POSTFIX = rf"(?:\s*+\+|-(?:plus|odd)|\s++o(?:r\s+(?:more|so|fewer|less)|u\s+plus)){_WORD_END}"
_RANGE_SEP = r"(?:\s*+[-–]\s*|\s++(?:to|or|à|ou)\s+)"
# How a range or a postfix starts: most numbers have neither, and one look
# ahead is cheaper than trying both.
_RANGE_OR_POSTFIX = r"\s*+[-–+]|\s++(?:to|or|à|ou)\s"
_BETWEEN = (
    rf"(?:between|entre)\s+(?P<b1>{_NUMBER})"
    rf"(?:\s+(?:and|to|et|à)\s+|\s*[-–]\s*)(?P<b2>{_NUMBER})"
)
_VAGUE = (
    rf"{_alt(VAGUE_QUANTIFIERS)}(?:\s+{_alt(VAGUE_UNITS)}|)"
    rf"|(?:des\s+|)(?:tens|dozens|hundreds|dizaines|centaines)\s+(?:of|de)\s+"
    rf"{_alt(VAGUE_BIG_UNITS)}"
    rf"|{_alt(PLURALS_NEEDING_OF)}(?=\s+of\b)"
    rf"|{_alt(p for p in VAGUE_PLURALS if p not in PLURALS_NEEDING_OF)}"
)
_ZERO = (
    rf"no\s+one|nobody|none|zero|not\s+a\s+single\s+(?:\w+\s+|){_alt(COUNTED_NOUNS)}"
    rf"|no\s+(?:\w+\s+|){_alt(COUNTED_NOUNS)}|aucune?\s+(?:\w+\s+|){_alt(FR_COUNTED_NOUNS)}"
)
_UNSPECIFIED = (
    r"(?P<unknown>an?\s+(?:unspecified|undisclosed|unknown|undetermined)\s+number"
    r"|un\s+nombre\s+(?:indéterminé|inconnu))"
    r"|(?P<plural>some\s+(?:lives|casualties|deaths|fatalities|victims))"
)
# Endings that make what came before a measurement, a time, a date or money:
# "12%", "12 per cent", "three days", "5 km", "500 euros", "hundreds of
# dollars", "3 pm", "2 August", "2024's" (the apostrophe is a space by now).
_NOT_A_COUNT_WORDS = [
    *UNIT_WORDS, *MONTHS, *(f"{m}." for m in MONTHS), "per", "pour", "am", "pm", "a.m.", "p.m.",
    "o clock", "s",
]  # fmt: skip
_UNIT = rf"{_alt(_NOT_A_COUNT_WORDS)}(?!\w)"
_NOT_A_COUNT_AFTER = (
    r"(?:-[^\W\d]"  # fused into a compound: "12-year-old", "three-day", "two-thirds"
    r"|[-/]\d"  # the rest of a date or a score
    # a sign, or a unit word, maybe after "-" or "of" (spelled out so that most
    # words fail at their first letter)
    rf"|\s*+(?:[%‰]|-\s*+(?:(?:of|de|d)\s+|){_UNIT}|of\s+{_UNIT}|d(?:e|)\s+{_UNIT}"
    rf"|{_branches(_NOT_A_COUNT_WORDS, _WORD_END)}))"
)

# How every kind of count can begin. Checked at each space before the full
# pattern, it keeps the scan fast: most words fail it at their first letter.
_OPENINGS = {
    *_START_WORDS,
    *QUALIFIER_KIND,
    *VAGUE_QUANTIFIERS,
    *VAGUE_PLURALS,
    *PLURALS_NEEDING_OF,
    "dizaines", "centaines", "half a dozen", "a dozen", "un million", "un milliard",
    *(f"a {w}" for w in EN_SCALES), *(f"half a {w}" for w in EN_SCALES),
    *(f"une {w}" for w in FR_ABOUT_NOUNS), *(f"un {w}" for w in FR_ABOUT_NOUNS),
    "between", "entre", "no", "nobody", "none", "not a single", "aucun", "aucune",
    "an unspecified", "an undisclosed", "an unknown", "an undetermined", "un nombre",
}  # fmt: skip

_COUNT_RE = re.compile(
    rf" (?=\d|{_branches(_OPENINGS, _WORD_END)})(?>"
    rf"(?P<count>(?:(?P<q>{_alt(QUALIFIER_KIND)})\s++|)(?P<n1>{_NUMBER})"
    rf"(?:(?={_RANGE_OR_POSTFIX})(?:{_RANGE_SEP}(?P<n2>{_NUMBER})|)(?:(?P<post>{_POSTFIX})|)|))"
    rf"|(?P<vague>{_VAGUE})"
    rf"|(?P<zero>{_ZERO})"
    rf"|(?P<between>{_BETWEEN})"
    rf"|{_UNSPECIFIED}"
    rf"){_WORD_END}(?!{_NOT_A_COUNT_AFTER})"
)


# Measure words, and the sentence ends that bound the search for them.
MEASURE_OF = {" ".join(w.split()): m for m, words in MEASURE_WORDS.items() for w in words}
_MEASURE_OF_HIT = {" " + w: m for w, m in MEASURE_OF.items()}  # as _MEASURE_SCAN_RE finds them
# Both start at a space, so that the engine can jump from space to space: a
# match of the space alone is a sentence end (". "), any longer one a measure.
_MEASURE_SCAN_RE = re.compile(rf" (?:(?<=[.!?;] )|{_branches(MEASURE_OF, _WORD_END)})")
# A measure word joined to the one before ("killed or wounded"), group 1; the
# join as the first match of it alone would take it (atomic), in one regex call.
_JOINED_MEASURE_RE = re.compile(
    r"(?>\s*(?:,\s*(?:or\s+|and\s+)?|\s(?:or|and|ou|et)\s+|/)\s*(?:[^\W\d]+ly\s+)?)"
    rf"({_alt(MEASURE_OF)}){_WORD_END}"
)
# How a join can start, checked before _JOINED_MEASURE_RE since most words have none.
_JOIN_STARTS = (",", "/", " or ", " and ", " ou ", " et ", "  ")
_HEDGE_RE = re.compile(rf"\b{_alt(HEDGE_WORDS)}\b")
_SUPERLATIVE_AFTER_RE = re.compile(
    r"\s+of\s+(?:the|its|their|our|his|her)\s+"
    r"(?:\w+est|most|least|main|few|first|last|worst|best)\b"
)
_PEOPLE_AFTER_RE = re.compile(rf"\s+(?:\w+\s+)?{_alt(COUNTED_NOUNS + FR_COUNTED_NOUNS)}\b")

# Between two counts: a few words, then a connector ("six soldiers and 34 ...").
_ADDING_GAP_RE = re.compile(
    r"\s*+(?:[^\W\d]++\s++){0,4}?(?:,\s*+|)(?:and|plus|et|as\s+well\s+as|along\s+with)\s*"
    r"|\s*+(?:[^\W\d]++\s++){0,4}?,\s*"
)
# Between a count and one it includes ("21 people, including 11 children").
_SUBSET_GAP_RE = re.compile(
    r"\s*+(?:[^\W\d]++(?:\s*+,|)\s++){0,4}?,?\s*+(?:including|among\s+them|among\s+whom"
    r"|of\s+whom|of\s+them|dont|parmi\s+eux|mostly|mainly)\s*"
)

_SEPARATORS = (
    "\n", "\r", "\t", "\f", "\v", "(", ")", "[", "]", "{", "}", '"', "'", "“", "”", "‘",
    "’", "«", "»", "—", "\u00a0", "\u2002", "\u2003", "\u2007", "\u2009", "\u200a",
    "\u202f", "\u3000",
)  # fmt: skip
# Most text is ASCII: there one bytes.translate lower-cases it and turns the
# separators into spaces, in one pass in C (str.translate goes through a dict
# per character and is far slower).
_ASCII_SEPARATORS = "".join(ch for ch in _SEPARATORS if ch.isascii()).encode()
_ASCII_NORMAL = bytes.maketrans(
    bytes(range(ord("A"), ord("Z") + 1)) + _ASCII_SEPARATORS,
    bytes(range(ord("a"), ord("z") + 1)) + b" " * len(_ASCII_SEPARATORS),
)
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")


def _normalise(text: str) -> str:
    """Lower case, the same length, separators as plain spaces, and a space first.

    Offsets into the result are offsets into text plus one."""
    if text.isascii():
        return " " + text.encode().translate(_ASCII_NORMAL).decode()
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
    if s.isdigit():
        return int(s), "exact"
    known = _NUMBER_WORDS.get(s)
    if known is not None:
        return known
    digits = s.replace(",", "").replace(" ", "")  # "1,400", "21 000"
    return (int(digits), "exact") if digits.isdigit() else _parse_number(s)


def _parse_number(s: str) -> tuple[int, str] | None:
    """_number() for all but digits and a number word alone."""
    words = s.split()
    if words in (["a", "dozen"], ["half", "a", "dozen"]):
        return (12 if words[0] == "a" else 6), "vague"
    dozen = 1
    if words[-1] == "dozen":  # "two dozen", "3 dozen"
        dozen = 12
        words.pop()
    kind = "vague" if dozen > 1 else "exact"
    if words[0][0].isdigit():
        scale = _SCALE_VALUES[words.pop()] if words[-1] in _SCALE_VALUES else 1
        digits = "".join(words)
        if "." in digits or (scale > 1 and _DECIMAL_COMMA.fullmatch(digits)):
            exact = Decimal(digits.replace(",", ".")) * scale
            value = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        else:
            value = int(digits.replace(",", "")) * scale
        return value * dozen, kind
    if words[0] in ("une", "un") and words[-1] in FR_ABOUT_NOUNS:  # "une centaine"
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
            return (value // 2 if half else value), kind
        except ValueError:
            pass
    return None


# A number word alone ("seven", "soixante") is the most common number after
# digits: looking it up spares the word splitting and text2num calls above.
_NUMBER_WORDS = {w: n for w in _START_WORDS if (n := _parse_number(w)) is not None}
# Those _scan() may take alone without more checks ("one of the deadliest" is no count).
_PLAIN_NUMBER_WORDS = frozenset(_NUMBER_WORDS) - {"one"}

_TOKEN_END = re.compile(r"\w(?=\W|$)")


def _number_prefix(words: str) -> tuple[tuple[int, str] | None, int]:
    """The longest start of a run of number words that is a number, and its length."""
    ends = [t.end() for t in _TOKEN_END.finditer(words)]
    for end in reversed(ends[:-1]):
        value = _number(words[:end])
        if value is not None:
            return value, end
    return None, 0


def _apply(kind: str | None, n: int) -> tuple[int, int | None, Qualifier]:
    """The interval a qualifier kind gives around N (COUNTS.md, "Rules"); round
    half up in integers, so 0.9 * 7 = 6.3 gives 6 and 1.1 * 45 = 49.5 gives 50."""
    if kind is None:
        return n, n, Qualifier.EXACT
    if kind == AT_LEAST:
        return n, None, Qualifier.AT_LEAST
    if kind == MORE_THAN:
        return n + 1, None, Qualifier.AT_LEAST
    if kind == NEARLY:
        return (9 * n + 5) // 10, n, Qualifier.APPROX
    if kind == ABOUT:
        return (9 * n + 5) // 10, (11 * n + 5) // 10, Qualifier.APPROX
    if kind == UP_TO:  # the low end is raised to 1 once we know deaths happened
        return 0, n, Qualifier.AT_MOST
    return 0, max(n - 1, 0), Qualifier.AT_MOST  # fewer than N


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


class _Found:
    """A count while extract_counts works on it, offsets into the normalised text.

    A frozen dataclass is slow to build (its __init__ sets each field through
    object.__setattr__): building one cost more than finding the count. So a
    _Found has exactly CountMention's slots; _found() fills it in like any
    object, and _publish() makes it a CountMention by assigning its class,
    which Python allows between classes of the same layout."""

    __slots__ = tuple(f.name for f in fields(CountMention))
    start: int
    end: int
    low: int
    high: int | None
    qualifier: Qualifier
    measure: Measure | None
    phrase: str


def _found(start: int, end: int, low: int, high: int | None, qualifier: Qualifier) -> _Found:
    """A new count, its measure not known yet. (Calling a class with __slots__
    and an __init__ takes the interpreter's slow path; filling in a bare
    instance is quicker.)"""
    f = object.__new__(_Found)
    f.start = start
    f.end = end
    f.low = low
    f.high = high
    f.qualifier = qualifier
    f.measure = None
    return f


def _publish(text: str, found: list[_Found]) -> list[CountMention]:
    """The finished counts, now CountMentions with offsets into text."""
    for f in found:
        f.start -= 1
        f.end -= 1
        f.phrase = text[f.start : f.end]
        f.__class__ = CountMention  # type: ignore[assignment]
    return found  # type: ignore[return-value]


_NOT_A_COUNT_BEFORE = frozenset(
    AGE_WORDS | UNIT_NUMBER_WORDS | MONEY_WORDS | RATE_WORDS | set(MONTHS)
)


# The words _not_a_count_before() looks at, to skip the call for all others.
_CONTEXT_WORDS = _NOT_A_COUNT_BEFORE | {"may", "of"}


def _word_before(norm: str, start: int) -> str:
    """The word before the one at start (norm[start - 1] is a space)."""
    # Each stretch of text is the word before at most one count: linear overall.
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


def _scan(text: str, norm: str) -> tuple[list[_Found], set[int]]:
    """The counts in text, and the indices of those whose own words may name
    their measure ("no casualties", "some deaths")."""
    found: list[_Found] = []
    inside: set[int] = set()
    for m in _COUNT_RE.finditer(norm):
        start, end = m.span()
        start += 1  # after the space
        kind = m.lastgroup
        try:
            if kind == "count":
                q, n1, n2, post = m["q"], m["n1"], m["n2"], m["post"]
                digits = n1.isdigit()
                if n2 is None and post is None and (digits or n1 in _PLAIN_NUMBER_WORDS):
                    # The common cases, a number alone or after a qualifier, kept short:
                    # _count() does the same for every other form.
                    if norm.startswith(" may", end) and _month_follows(text, norm, end):
                        continue
                    value = int(n1) if digits else _NUMBER_WORDS[n1][0]
                    if q is not None:
                        q_kind = QUALIFIER_KIND.get(q) or QUALIFIER_KIND[" ".join(q.split())]
                        low, high, qualifier = _apply(q_kind, value)
                        found.append(_found(start, end, low, high, qualifier))
                        continue
                    prev = _word_before(norm, start)
                    if prev in _CONTEXT_WORDS and _not_a_count_before(text, norm, start, prev):
                        continue
                    if not digits and prev[-1:].isdigit():
                        continue  # "5 cent": part of something else
                    if len(n1) == 4 and _year_like(n1) and _is_year(text, norm, start, end, prev):
                        continue
                    found.append(_found(start, end, value, value, Qualifier.EXACT))
                    continue
                found.extend(_count(text, norm, m, q, n1, n2, post))
            elif kind == "vague":
                low, high = _vague(m["vague"])
                found.append(_found(start, end, low, high, Qualifier.VAGUE))
            elif kind == "zero":
                inside.add(len(found))
                found.append(_found(start, end, 0, 0, Qualifier.EXACT))
            elif kind == "between":
                found.extend(_between(text, norm, m))
            elif kind == "unknown":
                found.append(_found(start, end, 1, None, Qualifier.VAGUE))
            else:  # "some lives": the plural says at least two
                inside.add(len(found))
                found.append(_found(start, end, 2, None, Qualifier.VAGUE))
        except (ValueError, ArithmeticError, KeyError, IndexError):
            continue  # a form the tables do not cover: not a count, never an error
    return found, inside


def _count(
    text: str, norm: str, m: re.Match[str], q: str | None, n1: str, n2: str | None, post: str | None
) -> list[_Found]:
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
    if n1 == "one" and _SUPERLATIVE_AFTER_RE.match(norm, end):
        return []  # "one of the deadliest attacks" is not a count of one
    prev = _word_before(norm, start)
    if q is None and prev in _CONTEXT_WORDS and _not_a_count_before(text, norm, start, prev):
        return []
    if q is None and not n1[0].isdigit() and prev[-1:].isdigit():
        return []  # "5 cent", "12 dozen": part of something else
    if post is None and norm.startswith(" may", end) and _month_follows(text, norm, end):
        return []
    if n2 is not None:
        second = _number(n2)
        if second is None:
            return []
        b = second[0]
        if _year_like(n1) and _year_like(n2) and _PEOPLE_AFTER_RE.match(norm, end) is None:
            return []  # "2015-2020"
        if n > b or prev in MONTHS:
            return []  # a score "3-1", a season "2023-24", "June 4-5"
        if prev == "from" and CHANGE_WORDS.intersection(_words_before(norm, start)[:-1]):
            # "the toll rose from 132 to 160": two counts, not a range
            s1, e1, s2, e2 = m.start("n1"), m.end("n1"), m.start("n2"), m.end("n2")
            return [_found(s1, e1, n, n, Qualifier.EXACT), _found(s2, e2, b, b, Qualifier.EXACT)]
        return [_found(start, end, n, b, Qualifier.RANGE)]
    if q is None and post is None and _year_like(n1) and _is_year(text, norm, start, end, prev):
        return []
    kind = None if q is None else QUALIFIER_KIND.get(q) or QUALIFIER_KIND[" ".join(q.split())]
    if post is not None:
        kind = POSTFIX_KIND[" ".join(post.strip(" -").split())]
    if kind is None and alone == "vague":
        return [_found(start, end, n, n, Qualifier.VAGUE)]
    if kind is None and alone == ABOUT:
        kind = ABOUT
    low, high, qualifier = _apply(kind, n)
    return [_found(start, end, low, high, qualifier)]


def _between(text: str, norm: str, m: re.Match[str]) -> list[_Found]:
    start, end = m.start() + 1, m.end()
    if _not_a_count_before(text, norm, start, _word_before(norm, start)):
        return []  # "aged between 18 and 30"
    b1, b2 = m.group("b1", "b2")
    first, second = _number(b1), _number(b2)
    if first is None or second is None:
        return []
    if _year_like(b1) and _year_like(b2) and _PEOPLE_AFTER_RE.match(norm, end) is None:
        return []  # "between 2015 and 2020"
    low, high = sorted((first[0], second[0]))
    return [_found(start, end, low, high, Qualifier.RANGE)]


# --------------------------------------------------------------------------
# Measures: what the nearby words say a count counts.


def _measure_of(words: str) -> Measure:
    measure = MEASURE_OF.get(words)
    return measure if measure is not None else MEASURE_OF[" ".join(words.split())]


def _measure_at(norm: str, words: str, pos: int) -> tuple[Measure | None, int]:
    """The measure of the words _MEASURE_SCAN_RE found, ending at pos, joined
    with any that follow ("killed or wounded"), and where the words end."""
    measure = _MEASURE_OF_HIT.get(words) or _measure_of(words[1:])
    if not norm.startswith(_JOIN_STARTS, pos):
        return measure, pos
    w = _JOINED_MEASURE_RE.match(norm, pos)
    if w is None:
        return measure, pos
    measures = {measure}
    for _ in range(3):
        measures.add(_measure_of(w[1]))
        pos = w.end()
        w = _JOINED_MEASURE_RE.match(norm, pos)
        if w is None:
            break
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
    m = _MEASURE_SCAN_RE.search(norm, pos, end)
    while m is not None:
        words = m[0]
        if words == " ":  # the end of the sentence
            break
        measure, words_end = _measure_at(norm, words, m.end())
        if (
            next_start is None
            or words_end > next_start
            or _LEADS_TO_COUNT_RE.fullmatch(norm, words_end, next_start) is None
            or not norm[f.end : m.start()].strip()
        ):
            return measure, words_end
        m = _MEASURE_SCAN_RE.search(norm, words_end, end)
    return None, -1


def _measure_before(norm: str, start: int, f: _Found, prev_end: int) -> tuple[Measure | None, int]:
    """The last measure word before a count, after the sentence starts, and where
    it starts. A word right after the previous count is that count's ("25 dead,
    3 soldiers")."""
    # One search after another finds what finditer would, with less to set up;
    # none is needed once only the space before the count is left.
    hit = None
    m = _MEASURE_SCAN_RE.search(norm, start, f.start)
    while m is not None:
        hit = m if len(m[0]) > 1 else None  # None after the sentence ends
        if m.end() >= f.start - 1:
            break
        m = _MEASURE_SCAN_RE.search(norm, m.end(), f.start)
    if hit is None or (prev_end >= 0 and not norm[prev_end : hit.start()].strip()):
        return None, -1
    return _measure_at(norm, hit[0], hit.end())[0], hit.start()


# How the gap before a linked count ends: which of the two gap patterns can
# match follows from it, so at most one of them runs.
_ADDING_ENDINGS = (",", "and", "plus", "et", "as well as", "along with")
_SUBSET_ENDINGS = ("including", "them", "whom", "dont", "eux", "mostly", "mainly")


def _link(norm: str, a: _Found, b: _Found) -> str | None:
    """How two neighbouring counts relate: "adds" ("six soldiers and 34
    auxiliaries"), "subset" ("21 people, including 11 children") or None."""
    if b.start - a.end > 60:
        return None
    gap = norm[a.end : b.start].rstrip()
    if gap.endswith(_SUBSET_ENDINGS) and _SUBSET_GAP_RE.fullmatch(norm, a.end, b.start):
        link = "subset"
    elif gap.endswith(_ADDING_ENDINGS) and _ADDING_GAP_RE.fullmatch(norm, a.end, b.start):
        link = "adds"
    else:
        return None
    # "50 were killed and 73 wounded": the first has its own measure
    return None if _MEASURE_SCAN_RE.search(norm, a.end, b.start) else link


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
    # (Every "at most" count has low 0: that test first spares the rest for most.)
    if f.low == 0 and f.qualifier is Qualifier.AT_MOST and f.high:
        # "up to N killed" says the losses happened: [1, N]; "up to N may
        # have been killed" does not. Look from the sentence start on.
        lo = max(0, f.start - 40)
        sentence = max(lo, *(norm.rfind(c, lo, f.start) for c in ".!?;"))
        if _HEDGE_RE.search(norm, min(sentence, where), max(where, f.end)) is None:
            f.low = 1


def _assign_measures(norm: str, found: list[_Found], inside: set[int]) -> list[str | None]:
    """Set each count's measure; return the links between neighbours. inside
    holds the indices of the counts whose own words may name the measure."""
    if len(found) == 1:  # the common case: no neighbour to link to or to stop at
        f = found[0]
        _set_measure(norm, f, f.start if inside else f.end, f.end + _AFTER, None, -1)
        return []
    links = [_link(norm, a, b) for a, b in pairwise(found)]
    prev_end = -1
    for i, f in enumerate(found):
        after_end = f.end + _AFTER
        next_start = None
        if i < len(links):
            next_start = found[i + 1].start
            if links[i] != "subset":
                # not past the next count, unless it is part of this one
                # ("21 people, including 11 children, were killed")
                after_end = min(after_end, next_start)
        pos = f.start if i in inside else f.end
        _set_measure(norm, f, pos, after_end, next_start, prev_end)
        prev_end = f.end
    # Counts joined by "and" or "including" share the one measure stated:
    # "six soldiers and at least 34 auxiliaries were killed".
    if links and any(links):
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
    found, inside = _scan(text, norm)
    return found, _assign_measures(norm, found, inside)


# --------------------------------------------------------------------------
# Public API


def extract_counts(text: str) -> list[CountMention]:
    """Every count in running text, in order, each figure of a sum on its own."""
    return _publish(text, _extract(text)[0])


def parse_count(phrase: str) -> CountRange | None:
    """The interval a count phrase gives, or None when it holds no count.

    A clause that adds counts ("six soldiers and at least 34 auxiliaries")
    gives their sum; otherwise the first count in the phrase is the answer.
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
    if len(group) == 1:
        f = group[0]
        return CountRange(f.low, f.high, f.qualifier, phrase)
    low = sum(f.low for f in group)
    highs = [f.high for f in group]
    high = None if None in highs else sum(h for h in highs if h is not None)
    return CountRange(low, high, _sum_qualifier({f.qualifier for f in group}, high), phrase)


def _sum_qualifier(qualifiers: set[Qualifier], high: int | None) -> Qualifier:
    if len(qualifiers) == 1:
        return qualifiers.pop()
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
