"""Where an incident happened: the most specific place the text gives, and its country.

A place is a locality ("the town of Pokrovsk", "Nyaung Kone village", "Wad al-Bakhit
neighborhoods", "the capital Khartoum", "à Nassoumbou"), a region ("the Mopti
region", "Lower Shabelle province", "Borno State") or a country. Names keep their
particles ("Wad al-Bakhit", "Dar es Salaam"). A dateline ("DAKAR, Senegal —") is
where the reporter was, and "the border with X" is not where it happened.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .words import INCIDENT_RE, INCIDENT_VERB_RE, words

# Countries by the names articles use, English and French, to the English name.
_COUNTRY_NAMES = {
    "Afghanistan": "", "Algeria": "", "Algérie": "Algeria", "Angola": "", "Benin": "",
    "Bénin": "Benin", "Burkina Faso": "", "Burundi": "", "Cameroon": "", "Cameroun": "Cameroon",
    "Central African Republic": "", "Centrafrique": "Central African Republic",
    "République centrafricaine": "Central African Republic", "Chad": "", "Tchad": "Chad",
    "Democratic Republic of the Congo": "", "DR Congo": "Democratic Republic of the Congo",
    "DRC": "Democratic Republic of the Congo", "RDC": "Democratic Republic of the Congo",
    "RD Congo": "Democratic Republic of the Congo",
    "Congo": "", "Egypt": "", "Égypte": "Egypt", "Eritrea": "", "Ethiopia": "",
    "Éthiopie": "Ethiopia", "Gambia": "", "Ghana": "", "Guinea": "", "Guinée": "Guinea",
    "Guinea-Bissau": "", "Ivory Coast": "", "Côte d'Ivoire": "Ivory Coast",
    "Côte d’Ivoire": "Ivory Coast", "Kenya": "", "Libya": "", "Libye": "Libya",
    "Mali": "", "Mauritania": "", "Mauritanie": "Mauritania", "Morocco": "", "Maroc": "Morocco",
    "Mozambique": "", "Niger": "", "Nigeria": "", "Nigéria": "Nigeria", "Rwanda": "",
    "Senegal": "", "Sénégal": "Senegal", "Sierra Leone": "", "Somalia": "", "Somalie": "Somalia",
    "South Sudan": "", "Sudan": "", "Soudan": "Sudan", "Tanzania": "", "Togo": "",
    "Tunisia": "", "Tunisie": "Tunisia", "Uganda": "", "Western Sahara": "",
    "Iraq": "", "Irak": "Iraq", "Iran": "", "Israel": "", "Israël": "Israel", "Gaza": "",
    "Lebanon": "", "Liban": "Lebanon", "Syria": "", "Syrie": "Syria", "Yemen": "",
    "Yémen": "Yemen", "Jordan": "", "Saudi Arabia": "", "Turkey": "", "Türkiye": "Turkey",
    "Pakistan": "", "India": "", "Myanmar": "", "Burma": "Myanmar", "Birmanie": "Myanmar",
    "Philippines": "", "Colombia": "", "Mexico": "", "Haiti": "", "Ukraine": "", "Russia": "",
    "Russie": "Russia", "France": "", "Belgium": "", "Germany": "", "United Kingdom": "",
    "United States": "", "Armenia": "", "Azerbaijan": "", "Georgia": "", "Bahrain": "",
    "United Arab Emirates": "", "Qatar": "", "Oman": "", "Kuwait": "", "Bangladesh": "",
    "Sri Lanka": "", "Nepal": "", "Thailand": "", "Indonesia": "", "Venezuela": "",
    "Peru": "", "Brazil": "", "Ecuador": "", "El Salvador": "", "Honduras": "", "Guatemala": "",
}  # fmt: skip
COUNTRIES = {name: english or name for name, english in _COUNTRY_NAMES.items()}
COUNTRY_RE = re.compile(
    r"(?<![\w-])(?P<country>"
    + "|".join(re.escape(n) for n in sorted(COUNTRIES, key=len, reverse=True))
    + r")(?![\w-])"
)
# A proper name, particles included: "Wad al-Bakhit", "Dar es Salaam", "Bodhei".
_PARTICLE = r"(?:al|el|ad|as|ash|ar|an|at|az|es|ibn|bin|de|du|des|la|le|di|da|van|von|wa)"
_NAME = (
    rf"(?:{_PARTICLE}-)?[A-Z][\w'’]*(?:-(?:{_PARTICLE}-)?[\w'’]+)*"
    rf"(?:[ ](?:{_PARTICLE}[ -])?[A-Z][\w'’]*(?:-(?:{_PARTICLE}-)?[\w'’]+)*){{0,3}}"
)
_REGION_WORDS = r"[Rr]egion|[Pp]rovince|[Gg]overnorate|[Dd]istrict|[Cc]ounty|State|[Tt]erritory"
REGION_RE = re.compile(
    rf"(?<![\w-])(?P<a>{_NAME})\s+(?P<kind>{_REGION_WORDS}|local government area)\b"
    rf"|\b(?P<kind2>region|province|governorate|district|county|state|région|cercle|territoire"
    rf"|préfecture)\s+(?:of|de|du|d['’])\s*(?P<b>{_NAME})"
)
_LOCALITY_WORDS = (
    r"town|village|city|commune|locality|localité|ville|hamlet|neighbou?rhoods?|camp"
    r"|camp militaire|base|détachement militaire|détachement|poste|site|quartier|suburb"
)
LOCALITY_RE = re.compile(
    rf"\b(?:{_LOCALITY_WORDS})\s+(?:of|de|d['’])\s*(?P<name>{_NAME})"
    rf"|\b(?:the\s+)?(?:capital|capitale)\s*,?\s+(?P<capital>{_NAME})"
    rf"|\bnear\s+(?:the\s+(?:town|village)\s+of\s+)?(?P<near>{_NAME})"
    rf"|(?<![\w'’])à\s+(?P<fr>{_NAME})"
    # "in Marib," but not "in Houthi missile strike" (a name used as an adjective).
    rf"|\b(?:in|at)\s+(?P<bare>{_NAME})(?![\w'’-])(?![ ]+(?:[a-z]|{_REGION_WORDS}))"
)
NAMED_LOCALITY_RE = re.compile(
    rf"(?<![\w-])(?P<before>{_NAME})\s+(?P<kind>village|town|city|area|neighbou?rhoods?|camp"
    rf"|base)\b"
)
_NATIONALITY = re.compile(r"^[A-Z]\w+(?:an|ian|ese|ish)$")  # not "i": Munazari, Nairobi
_POSSESSIVE = re.compile(r"^(?P<country>[A-Z][\w ]+?)['’]s\s+(?=[A-Z])")
# What happened there: "the attack in Marib", "killed in Wad al-Bakhit" (not "a battalion in Mubi").
_HAPPENED_BEFORE = re.compile(
    rf"(?:{INCIDENT_RE.pattern}|{INCIDENT_VERB_RE.pattern}|\b(?:killed|died|wounded|injured"
    r"|tués|morts)\b)[^.;,]{0,30}$",
    re.IGNORECASE,
)
_REGION_END = re.compile(rf"\s(?:{_REGION_WORDS})$")
BORDER_RE = re.compile(
    r"\b(?:near|along|on|at|close\s+to|by)\s+the\s+(?:[A-Z]\w+\s+)?(?:border|frontier)"
    r"(?:\s+with\s+" + COUNTRY_RE.pattern + r")?",
)
NOT_PLACES = words(
    "Sahel Maghreb West East North South Central Western Eastern Northern Southern The A An"
    " January February March April May June July August September October November December"
    " Monday Tuesday Wednesday Thursday Friday Saturday Sunday Russian Russia Islam Islamic"
    " Le La Les L Un Une Il Elle Dans Selon En Au He She It They We I Our His Their This That"
    " Mr Mrs President Parliament Congress UN EU"
)


_REGION_KIND_EN = {
    "région": "region", "territoire": "territory", "cercle": "cercle", "préfecture": "prefecture",
    "local government area": "local government area", "state": "State",
}  # fmt: skip


@dataclass(slots=True)
class Place:
    locality: str = ""
    region: str = ""
    region_kind: str = "region"
    country: str = ""

    def text(self) -> str:
        kind = _REGION_KIND_EN.get(self.region_kind, self.region_kind)
        region = f"{self.region} {kind}" if self.region else ""
        return ", ".join(dict.fromkeys(p for p in (self.locality, region, self.country) if p))


_COMPASS = words("West East North South Central Western Eastern Northern Southern")


def _ok(name: str) -> bool:
    words_ = name.split()
    first = words_[0].split("-")[0]
    if first in _COMPASS and len(words_) > 1:
        return name not in COUNTRIES  # "South Darfur", "North Kivu"
    return first not in NOT_PLACES and name not in COUNTRIES and not name.isupper()


def localities(text: str, a: int, b: int, *, bare: bool = True) -> list[tuple[str, int, int]]:
    """The localities named in text[a:b], in text order: (name as written, start, end)."""
    return [
        (name, s, e)
        for name, s, e, is_bare in _all_localities(text)
        if a <= s and e <= b and (bare or not is_bare)
    ]


@functools.lru_cache(maxsize=4)
def _all_localities(text: str) -> list[tuple[str, int, int, bool]]:
    """Every locality in the text, found once per article (the readers ask span by span)."""
    found = []
    for m in NAMED_LOCALITY_RE.finditer(text):
        before = m.group("before")
        if _ok(before) and not _NATIONALITY.match(before) and not text.startswith(" of", m.end()):
            found.append((f"{before} {m.group('kind')}", m.start(), m.end(), False))
    for m in LOCALITY_RE.finditer(text):
        kind = m.lastgroup or ""
        if kind == "bare" and not _HAPPENED_BEFORE.search(text, max(0, m.start() - 50), m.start()):
            continue  # a bare "in X" names the place of an incident only right after one
        name = m.group(kind)
        possessive = _POSSESSIVE.match(name)
        if possessive and possessive.group("country") in COUNTRIES:
            name = name[possessive.end() :]  # "Kenya's Lamu" is Lamu
        if _ok(name) and not _REGION_END.search(name):  # "the city of South Darfur State"
            found.append(
                (f"near {name}" if kind == "near" else name, m.start(), m.end(), kind == "bare")
            )
    return sorted(found, key=lambda f: f[1])


def regions(text: str, a: int, b: int) -> list[tuple[str, str, int, int]]:
    """(name, kind of region, start, end) for each region named in text[a:b]."""
    return [r for r in _all_regions(text) if a <= r[2] and r[3] <= b]


@functools.lru_cache(maxsize=4)
def _all_regions(text: str) -> list[tuple[str, str, int, int]]:
    found = []
    for m in REGION_RE.finditer(text):
        name = m.group("a") or m.group("b")
        kind = (m.group("kind") or m.group("kind2") or "region").lower()
        if _ok(name):
            found.append((name, kind, m.start(), m.end()))
    return found


def find_place(text: str, spans: Iterable[tuple[int, int]], skip: list[tuple[int, int]]) -> Place:
    """The most specific place in the spans of text, skipping datelines and borders."""
    place = Place()
    spans = list(spans)
    excluded = list(skip)
    for a, b in spans:
        for m in BORDER_RE.finditer(text, a, b):
            excluded.append(m.span())
            if not place.locality:
                place.locality = m.group(0)
    inside = [(a, b) for a, b in spans]

    def free(s: int, e: int) -> bool:
        return not any(x <= s and e <= y for x, y in excluded)

    for strict in (True, False):  # a named locality before "in X"
        for a, b in inside:
            for name, s, e in localities(text, a, b, bare=not strict):
                if not place.locality and free(s, e):
                    place.locality = name
    for a, b in inside:
        for name, kind, s, e in regions(text, a, b):
            if not place.region and free(s, e) and name not in place.locality:
                place.region, place.region_kind = name, kind
        for m in COUNTRY_RE.finditer(text, a, b):
            if not place.country and free(*m.span()):
                place.country = COUNTRIES[m.group("country")]
    return place
