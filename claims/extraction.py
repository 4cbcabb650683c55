"""Read a news article and draft the claims in it: who gave which figure, about what.

Pure Python (no Django): the admin "Import article" page, the ``ingest_article``
command and the benchmark all call ``extract_article``; ``claims.services.ingest``
saves the drafts an editor accepts.

What it finds, sentence by sentence (headlines and page furniture are skipped):
- every count mention, from ``claims.counts.extract_counts``, with its measure and
  the group counted ("at least six Russian mercenaries" -> killed, "Russian
  mercenaries"). A count with no measure, or that counts things rather than people
  ("several vehicles"), is not a claim;
- the claimant of each figure, from attribution patterns ("according to X", "X
  said / claimed / confirmed / denied", "a statement from X", French "selon X",
  "X a déclaré"), with a vague party ("an extremist group") resolved to the group the
  article names ("known as JNIM"), and an unnamed official who "wished to remain
  anonymous" made an anonymous official. A figure nobody is credited with is the
  publisher's own;
- the stance: within one incident and measure, the first party to give a figure
  asserts, a later one confirming corroborates, one denying contradicts (with or
  without a figure of its own); the publisher relays every party it reports;
- the incident: figures after "another ambush", "in a separate attack", "months
  earlier" ... belong to a separate event suggestion, until the paragraph ends;
- each incident's date, resolved against the publication time with dateparser
  ("on Thursday" is the Thursday before publication, or the publication day itself
  when that is a Thursday), and its place (locality, region, country; a dateline
  and "the border with X" are not where it happened).

Speed: one regex pass per concern over the text; dateparser (slow to import and to
call) only sees the few candidate date phrases a regex found.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from claims.counts import CountMention, extract_counts

__all__ = [
    "MAX_ARTICLE_CHARS",
    "ArticleDraft",
    "ArticleError",
    "ClaimDraft",
    "EventDraft",
    "check_article_text",
    "extract_article",
    "highlight",
    "relative_date",
]

MAX_ARTICLE_CHARS = 200_000  # about 30,000 words: one long feature, never a whole site

ASSERTS, CORROBORATES, CONTRADICTS, RELAYS = "asserts", "corroborates", "contradicts", "relays"


# --- The drafts ------------------------------------------------------------------------------
@dataclass(slots=True)
class ClaimDraft:
    """One figure (or one denial) as found: who, with which stance, about whom.

    ``start``/``end`` are the offsets of the count phrase (of the verb, for a figure-less
    denial or confirmation) in the article text; ``quote`` is its sentence.
    """

    claimant: str
    claimant_kind: str
    stance: str
    measure: str
    group: str
    count_text: str
    count_low: int | None
    count_high: int | None
    quote: str
    start: int
    end: int


@dataclass(slots=True)
class EventDraft:
    """One incident the article reports, with the claims made about it."""

    title: str
    date: date | None
    place: str
    region: str = ""
    country: str = ""
    claims: list[ClaimDraft] = field(default_factory=list)


@dataclass(slots=True)
class ArticleDraft:
    events: list[EventDraft] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The dry-run JSON: events with title, date (ISO), place and their claims."""
        return {
            "events": [
                {
                    "title": e.title,
                    "date": e.date.isoformat() if e.date else None,
                    "place": e.place,
                    "claims": [asdict(c) for c in e.claims],
                }
                for e in self.events
            ]
        }


class ArticleError(ValueError):
    """Text that cannot be read as an article; the message says why, for the editor."""


_JUNK_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\ud800-\udfff]")
_SPACE_RE = re.compile(r"\s")
_LETTER_RE = re.compile(r"[^\W\d_]")


# --- Input checks ----------------------------------------------------------------------------
def check_article_text(text: str) -> str:
    """Return ``text`` unchanged if it reads as an article, else raise ArticleError."""
    if not text or not text.strip():
        raise ArticleError("The article is empty: paste its text.")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(
            f"The article is too long ({len(text):,} characters). The limit is "
            f"{MAX_ARTICLE_CHARS:,} characters (about 30,000 words): paste one article at a time."
        )
    # Binary data decoded as text shows up as NULs, control characters, replacement
    # characters, private-use and surrogate code points; real text has almost none.
    sample = text[:20_000]
    junk = len(_JUNK_RE.findall(sample))
    if "\x00" in text or junk > max(4, len(sample) // 200):
        raise ArticleError(
            "This does not look like text: it contains binary data. Paste the article's "
            "words, not a file or an image."
        )
    visible = len(sample) - len(_SPACE_RE.findall(sample))
    if visible and len(_LETTER_RE.findall(sample)) < 0.3 * visible:
        raise ArticleError("This does not look like an article: it has almost no words.")
    return text


# --- Vocabulary ------------------------------------------------------------------------------
def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


PERSON_NOUNS = _words(
    "people persons person civilians civilian soldiers soldier troops troop fighters fighter"
    " militants militant men man women woman children child kids boys girls officers officer"
    " policemen policeman police personnel residents resident villagers villager mercenaries"
    " mercenary jihadists jihadist combatants combatant insurgents insurgent rebels rebel"
    " attackers attacker assailants assailant gunmen gunman workers worker passengers passenger"
    " members member operatives operative agents agent guards guard peacekeepers peacekeeper"
    " gendarmes gendarme auxiliaries auxiliary volunteers volunteer herders herder farmers"
    " farmer worshippers worshipper pilgrims pilgrim miners miner students student pupils"
    " teachers staff employees nationals citizens migrants refugees hostages hostage prisoners"
    " prisoner detainees detainee captives militiamen militia terrorists terrorist extremists"
    " recruits cadets guardsmen marines sailors airmen pilots crew contractors journalists"
    " doctors nurses traders fishermen shepherds infants babies elders chiefs leaders"
    " commanders commander individuals suspects servicemen forces russians"
    # French
    " personnes civils soldats militaires combattants mercenaires djihadistes jihadistes"
    " terroristes assaillants villageois habitants enfants femmes hommes éléments policiers"
    " gendarmes otages prisonniers élèves orpailleurs bergers éleveurs agriculteurs fidèles"
    " membres agents passagers volontaires supplétifs"
)
# Nouns that name the loss rather than who was lost: "20 deaths" counts people.
LOSS_NOUNS = _words(
    "deaths dead fatalities casualties victims lives bodies killed wounded injured injuries"
    " missing morts victimes blessés tués décès corps disparus"
)
# Words that end a counted group: "six mercenaries | during an attack".
GROUP_STOP = _words(
    "during in at on from of by with near after before while when where who which that and or"
    " but as to for into among amid under over were was are is had have has been be being will"
    " would could may might also reportedly allegedly lost died killed wounded injured missing"
    " taken held seized kidnapped abducted captured dead"
    " dont dans à au aux de du des par avec lors selon et ou qui ont sont été pendant après"
    " avant sur en le la les un une"
)
GROUP_JOIN = _words("and or et ou")  # "Malian and Wagner forces": one group
GROUP_LEAD = _words("more other others additional further autres")
FRENCH_ADJECTIVE = re.compile(r"\w+(?:iens|iennes|ais|aises|ains|aines|ois|oises|ens|ennes|ites)$")

PARTY_HEADS = _words(
    "group groups faction factions militants jihadists insurgents rebels extremists"
    " organisation organization movement coalition alliance fighters gunmen assailants"
    " attackers militia affiliate branch groupe mouvement coalition djihadistes jihadistes"
)
KNOWN_PARTIES = re.compile(
    r"\b(?:JNIM|GSIM|ISGS|ISWAP|ISIS|ISIL|IS|EIGS|Islamic State|Daesh|al-Qa[ei]da|Al-Qa[ei]da"
    r"|AQIM|Al-Shabaab|al-Shabaab|Boko Haram|Wagner|Africa Corps|CSP-DPA|CSP|FLA|MNLA|Hamas"
    r"|Hezbollah|Houthis?|Taliban|M23|RSF|Ansarul Islam|Katiba Macina|rebels?|militants?"
    r"|jihadists?|insurgents?|militia|faction|group|Etat islamique|État islamique|groupe)\b",
    re.IGNORECASE,
)
MILITARY = re.compile(
    r"\b(?:army|armed forces|military|soldiers|troops|general staff|defen[cs]e forces|FAMa|FAN"
    r"|air force|navy|gendarmerie|armée|forces armées|état-major|etat-major)\b",
    re.IGNORECASE,
)
GOVERNMENT = re.compile(
    r"\b(?:government|ministry|minister|president|presidency|junta|prime minister|cabinet"
    r"|gouvernement|ministère|ministre|présiden(?:t|ce)|junte)\b",
    re.IGNORECASE,
)
INTERNATIONAL = re.compile(
    r"\b(?:United Nations|UN|U\.N\.|MINUSMA|MONUSCO|OCHA|UNHCR|UNICEF|WHO|African Union|ECOWAS"
    r"|CEDEAO|ICRC|International Committee of the Red Cross|Red Cross|ONU|Nations unies"
    r"|European Union|EU)\b"
)
NGO = re.compile(
    r"\b(?:Human Rights Watch|HRW|Amnesty(?: International)?|MSF|M[ée]decins Sans Fronti[èe]res"
    r"|Doctors Without Borders|ACLED|NGO|ONG|charity|rights group|humanitarian group)\b",
    re.IGNORECASE,
)
NEWS = re.compile(
    r"\b(?:Reuters|AFP|Agence France-Presse|Associated Press|AP|RFI|BBC|Al Jazeera|CNN"
    r"|news agency|newspaper|wire service|broadcaster|journal|quotidien|agence de presse)\b"
)
SOCIAL = re.compile(
    r"\b(?:social media|Telegram|Twitter|Facebook|WhatsApp|TikTok|X account|réseaux sociaux)\b",
    re.IGNORECASE,
)
EYEWITNESS = re.compile(
    r"\b(?:witness(?:es)?|residents?|survivors?|villagers?|locals|eyewitness(?:es)?|témoins?"
    r"|habitants?|rescapés?)\b",
    re.IGNORECASE,
)
ANONYMOUS = re.compile(
    r"\b(?:wish(?:ed|ing)? to remain anonymous|on (?:the )?condition of anonymity"
    r"|requested anonymity|request(?:ed|ing) anonymity|asked not to be (?:named|identified)"
    r"|declined to be (?:named|identified)|(?:was|were|is|are) not authori[sz]ed to (?:speak|talk)"
    r"|anonymously|anonymous|sous (?:le )?couvert (?:de l['’])?anonymat|requis l['’]anonymat)\b",
    re.IGNORECASE,
)

SAY_VERBS = (
    "said says say claimed claims stated states announced announces reported told tells added"
    " adds wrote writes posted declared declares insisted insists alleged alleges estimated"
    " estimates asserted revealed reveals indicated indicates noted explained"
    # French (after "a"/"ont", or in the present)
    " déclaré déclare déclarent affirmé affirme affirment annoncé annonce annoncent indiqué"
    " indique indiquent précisé précise précisent revendiqué revendique revendiquent rapporté"
    " rapporte assuré assure expliqué explique"
)
CONFIRM_VERBS = (
    "confirmed confirms confirm confirming corroborated corroborates corroborate corroborating"
    " acknowledged acknowledges admitted admits verified confirmé confirme confirment reconnu"
    " reconnaît"
)
DENY_VERBS = (
    "denied denies deny denying rejected rejects dismissed dismisses disputed disputes refuted"
    " refutes contested contests contradicted contradicts démenti dément démentent rejeté"
    " rejette contesté conteste"
)
_VERB_KIND = (
    {w: "say" for w in SAY_VERBS.split()}
    | {w: "confirm" for w in CONFIRM_VERBS.split()}
    | {w: "deny" for w in DENY_VERBS.split()}
)
VERB_RE = re.compile(
    r"(?<![\w-])(?P<neg>(?:(?:did|does|do|has|have|had|was|were|is|are)\s+)?(?:not|never)\s+"
    r"|n['’]a\s+pas\s+|(?:an|the)\s+)?"
    r"(?P<verb>" + "|".join(sorted(_VERB_KIND, key=len, reverse=True)) + r")(?![\w-])",
)
ACCORDING_RE = re.compile(
    r"\b(?:according\s+to|selon|d['’]apr[èe]s)\s+(?P<np>[^,.;:!?\"“”]{2,80})", re.IGNORECASE
)
STATEMENT_RE = re.compile(
    r"\b(?:statement|communiqué|communique|claim|post|video|message|announcement|report)s?"
    r"\s+(?:from|by|issued\s+by|released\s+by|de|du|des)\s+(?P<np>.+)$",
    re.IGNORECASE,
)
NAMED_PARTY_RE = re.compile(
    r"\b(?:known\s+as|called|named|dubbed|connu\s+sous\s+le\s+nom\s+d[e']|appel[ée])\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,4})"
    r"|(?P<name2>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,4}),?\s+(?:which|who)?\s*(?:has\s+|have\s+)?"
    r"(?:claimed|claims)\s+responsibility"
    r"|\((?P<acronym>[A-Z][A-Z-]{1,12})\)"
)
DETERMINERS = _words(
    "a an the this that these those one another its their his her our some un une le la les l' des"
    " du ce cette"
)
FILLER_CHUNKS = _words(
    "however also meanwhile moreover separately though although yet still and but later earlier"
    " cependant toutefois pourtant"
)
COMMON_FIRST_WORDS = (
    PARTY_HEADS
    | PERSON_NOUNS
    | _words(
        "official officials source sources local security military senior regional hospital medical"
        " health humanitarian several some many other unnamed armed government police witnesses"
    )
)
PRONOUNS = _words("it they he she il elle ils elles")
AUXILIARIES = _words(
    "was were is are been be being had have has will would do does did a ont est sont"
)

INCIDENT_RE = re.compile(
    r"\b(?P<noun>ambush|attack|raid|assault|airstrike|air strike|drone strike|strike|bombing"
    r"|explosion|clash|clashes|massacre|battle|kidnapping|abduction|fighting|offensive|shelling"
    r"|embuscade|attaque|assaut|frappe|massacre|affrontements?|enlèvement|explosion)s?\b",
    re.IGNORECASE,
)
OTHER_INCIDENT_RE = re.compile(
    r"\b(?:another|an\s+earlier|a\s+previous|an\s+other|a\s+separate|a\s+similar|a\s+prior"
    r"|a\s+different)\s+(?:[\w-]+\s+){0,2}?(?:ambush|attack|raid|assault|strike|airstrike"
    r"|bombing|incident|clash|massacre|battle|offensive|operation|explosion|kidnapping)s?\b"
    r"|\bin\s+a\s+separate\b|\bseparately\b|\bearlier\s+this\s+(?:year|month)\b"
    r"|\b(?:weeks|months|years)\s+(?:earlier|ago)\b|\blast\s+(?:year|month)\b"
    r"|\b(?:une\s+autre|une\s+précédente|une\s+pr[ée]c[ée]dente|lors\s+d['’]une\s+autre)\s+"
    r"(?:attaque|embuscade|frappe|opération)\b|\bséparément\b|\bil\s+y\s+a\s+(?:\w+\s+)?(?:mois|ans)\b",
    re.IGNORECASE,
)

# Countries by the names articles use, English and French, to the English name.
_COUNTRY_NAMES = {
    "Afghanistan": "", "Algeria": "", "Algérie": "Algeria", "Angola": "", "Benin": "",
    "Bénin": "Benin", "Burkina Faso": "", "Burundi": "", "Cameroon": "", "Cameroun": "Cameroon",
    "Central African Republic": "", "Centrafrique": "Central African Republic",
    "République centrafricaine": "Central African Republic", "Chad": "", "Tchad": "Chad",
    "Democratic Republic of the Congo": "", "DR Congo": "Democratic Republic of the Congo",
    "DRC": "Democratic Republic of the Congo", "RDC": "Democratic Republic of the Congo",
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
    "Pakistan": "", "India": "", "Myanmar": "", "Philippines": "", "Colombia": "",
    "Mexico": "", "Haiti": "", "Ukraine": "", "Russia": "", "Russie": "Russia",
    "France": "", "Belgium": "", "Germany": "", "United Kingdom": "", "United States": "",
    "Armenia": "", "Azerbaijan": "", "Georgia": "",
}  # fmt: skip
COUNTRIES = {name: english or name for name, english in _COUNTRY_NAMES.items()}
COUNTRY_RE = re.compile(
    r"(?<![\w-])(?P<country>"
    + "|".join(re.escape(n) for n in sorted(COUNTRIES, key=len, reverse=True))
    + r")(?![\w-])"
)
_NAME = r"[A-Z][\w'’-]+(?:[ -](?:de |du |d['’])?[A-Z][\w'’-]+){0,2}"
REGION_RE = re.compile(
    rf"(?<![\w-])(?P<a>{_NAME})\s+(?:[Rr]egion|[Pp]rovince|[Gg]overnorate|[Dd]istrict)\b"
    rf"|\b(?:region|province|governorate|district|région|cercle)\s+(?:of|de|du|d['’])\s*"
    rf"(?P<b>{_NAME})"
)
LOCALITY_RE = re.compile(
    rf"\b(?:town|village|city|commune|locality|localité|ville|hamlet)\s+(?:of|de|d['’])\s*"
    rf"(?P<name>{_NAME})"
    rf"|\bnear\s+(?:the\s+(?:town|village)\s+of\s+)?(?P<near>{_NAME})"
)
BORDER_RE = re.compile(
    r"\b(?:near|along|on|at|close\s+to|by)\s+the\s+(?:[A-Z]\w+\s+)?(?:border|frontier)"
    r"(?:\s+with\s+" + COUNTRY_RE.pattern + r")?",
)
NOT_PLACES = _words(
    "Sahel Maghreb West East North South Central Western Eastern Northern Southern The A"
    " January February March April May June July August September October November December"
    " Monday Tuesday Wednesday Thursday Friday Saturday Sunday Russian Russia"
)
DATELINE_RE = re.compile(
    r"[A-Z][A-Z .'’-]{2,}(?:,\s*[A-Z][\w .'’-]+)?\s*(?:\([^)]{1,40}\)\s*)?[—–-]{1,2}\s*"
)

_EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_FR_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
WEEKDAY_INDEX = {w.lower(): i for ws in (_EN_WEEKDAYS, _FR_WEEKDAYS) for i, w in enumerate(ws)}
_EN_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_FR_MONTH = (
    r"(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre"
    r"|novembre|décembre|decembre)"
)
DATE_RE = re.compile(
    r"(?P<last>\blast\s+)?\b(?P<weekday>" + "|".join(_EN_WEEKDAYS) + r")\b"
    r"|\b(?P<frday>(?i:" + "|".join(_FR_WEEKDAYS) + r"))\b(?!\s+\d)"
    r"|\b(?P<relative>yesterday|today|last\s+night|this\s+morning|(?i:hier|avant-hier"
    r"|aujourd['’]hui|cette\s+nuit))\b"
    rf"|\b(?P<explicit>\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:of\s+)?(?:{_EN_MONTH}|(?i:{_FR_MONTH}))"
    rf"(?:,?\s+\d{{4}})?|{_EN_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2})\b"
)


# --- Text layout -----------------------------------------------------------------------------
@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    para: int
    heading: bool


_ABBREVIATIONS = _words(
    "mr mrs ms dr gen col lt sgt capt cpl maj st no jan feb mar apr jun jul aug sep sept oct"
    " nov dec u.s u.n vs etc gov sen rep jr sr prof mt ft mme mlle lt.-col brig cmdr"
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
_TERMINAL = '.!?…"”’»):;'


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: lines, with hard-wrapped lines joined up."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]*\S[^\n]*", text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if spans:
            prev_start, prev_end = spans[-1]
            between = text[prev_end:start]
            # A line that runs on in lower case continues the previous one (hard wrap).
            if (
                between.count("\n") == 1
                and text[prev_end - 1] not in _TERMINAL
                and (text[start].islower())
            ):
                spans[-1] = (prev_start, end)
                continue
        spans.append((start, end))
    return spans


def _sentences(text: str) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    for para, (p_start, p_end) in enumerate(_paragraphs(text)):
        words = len(text[p_start:p_end].split())
        # A headline, a menu, a byline or a share counter: no sentence-final punctuation.
        if text[p_end - 1] not in _TERMINAL and words < 40:
            sentences.append(_Sentence(p_start, p_end, para, heading=True))
            continue
        start = p_start
        for m in _SENTENCE_END.finditer(text, p_start, p_end):
            end = m.end()
            before = re.search(r"([\w.’'-]+)[.]+\W*$", text[max(start, end - 20) : end])
            if before and text[m.start()] == ".":
                word = before.group(1).lower().rstrip(".")
                if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
            nxt = text[end : end + 3].lstrip()
            if nxt and not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"“«'‘"):
                continue
            sentences.append(_Sentence(start, end, para, heading=False))
            start = end
            while start < p_end and text[start].isspace():
                start += 1
        if start < p_end:
            sentences.append(_Sentence(start, p_end, para, heading=False))
    return sentences


# --- Who is counted --------------------------------------------------------------------------
_TOKEN_RE = re.compile(r"\s*([^\W\d_][\w'’-]*)")


def _group_after(text: str, end: int, limit: int) -> str | None:
    """Who a count counts, from the words after it: a group, "people", or None for things."""
    pos = end
    tokens: list[str] = []
    # "12 of the soldiers", "20 of them"
    m = re.match(
        r"(?:\s+(?:of|de|des|d['’]entre)\b|\s+d['’])\s*(?:the\s+|them\b|whom\b|those\b|eux\b)?",
        text[pos:limit],
    )
    if m:
        pos += m.end()
    while len(tokens) < 5:
        t = _TOKEN_RE.match(text, pos, limit)
        if t is None:
            break
        tokens.append(t.group(1))
        pos = t.end()
    while tokens and tokens[0].lower() in GROUP_LEAD:
        tokens = tokens[1:]  # "nine more people", "30 other troops"
    lowered = [t.lower() for t in tokens]
    for i, word in enumerate(lowered):
        if word in LOSS_NOUNS:  # "20 Wagner fatalities", "20 deaths"
            return " ".join(tokens[:i]) or "people"
        if (word in GROUP_STOP and not (word in GROUP_JOIN and i)) or word in _VERB_KIND:
            break
        if word in PERSON_NOUNS:
            group = tokens[: i + 1]
            if i + 1 < len(lowered) and FRENCH_ADJECTIVE.match(lowered[i + 1]):
                group.append(tokens[i + 1])
            return " ".join(group)
    if not lowered or lowered[0] in GROUP_STOP or lowered[0] in _VERB_KIND:
        return "people"  # "12 were killed", "killing 12"
    if tokens[0][0].isupper():
        return tokens[0]  # a people named by their origin: "13 Fulani"
    return None  # "several vehicles"


# --- Who said it -----------------------------------------------------------------------------
@dataclass(slots=True)
class _Attribution:
    phrase: str  # the noun phrase as written
    kind: str  # "say", "confirm", "deny"
    start: int  # of the verb (or "according to")
    end: int


_NP_LEAD = re.compile(
    r"^(?:(?:and|but|while|as|whereas|et|mais|later|earlier|then|however|meanwhile|also"
    r"|separately)\s+)+",
    re.IGNORECASE,
)
_NP_TAIL = re.compile(r"\s+(?:also|later|then|has|have|had|a|ont|also\s+has)$")
_NP_ADVERBS = re.compile(r"(?:\s+\w+ly)+$|^(?:\w+ly\s+)+")  # "Officially, the UN initially"
# A relative or participle clause says more about the speaker; the speaker is before it.
_NP_CLAUSE = re.compile(
    r"\s*,?\s+(?:who|which|that|whose|qui|dont|speaking|citing|quoted|in\s+a\s+statement)\b"
)
_NP_STRIP = " \t\n,;:—–-\"“”'‘’«»()"


def _clean_np(np: str) -> str:
    np = _NP_LEAD.sub("", np.strip(_NP_STRIP))
    np = _NP_ADVERBS.sub("", _NP_TAIL.sub("", np))
    m = STATEMENT_RE.search(np)
    if m:
        np = m.group("np")
    return _NP_CLAUSE.split(np, maxsplit=1)[0].strip(_NP_STRIP)


PREPOSITIONS = _words(
    "in on at by for with from during after before to of into under over through dans en sur"
    " par pour avec lors après avant"
)
_LOSS_WORD_RE = re.compile(
    r"\b(?:killed|died|dead|deaths?|wounded|injured|missing|tués?|morts?|blessés?)\b", re.I
)


def _plausible_speaker(np: str) -> bool:
    words = np.split()
    if not words or len(words) > 9:
        return False
    lowered = [w.lower() for w in words]
    if set(lowered) & (AUXILIARIES - {"a"}) or any(ch.isdigit() for ch in np):
        return False
    if lowered[0] in PREPOSITIONS or _LOSS_WORD_RE.search(np):
        return False
    return not (len(words) == 1 and lowered[0] in FILLER_CHUNKS | DETERMINERS)


_CLAUSE_BREAK = re.compile(r"[,;:\"“”«»—–()]|\bthat\b|\bque\b|\bqu['’]")


STATEMENT_FROM_RE = re.compile(
    r"\b(?:statement|communiqué|announcement|video|post)\s+(?:from|by|issued\s+by|de|du|des)\s+"
    r"(?P<np>[^,.;:!?\"“”]{2,80})",
    re.IGNORECASE,
)
_NP_END = re.compile(
    r"\s+(?:"
    + "|".join(sorted(AUXILIARIES | set(_VERB_KIND) | PREPOSITIONS, key=len, reverse=True))
    + r"|put|puts|gave|gives|shows|showed|on|who|which|that|qui)\b"
)


def _statement_speaker(tail: str) -> str:
    """Who a statement is from: "Human Rights Watch" in "... from Human Rights Watch put"."""
    tail = _NP_END.split(tail, maxsplit=1)[0]
    words = tail.split()
    # A proper name ends where lower case starts: "Human Rights Watch put the dead at".
    if words and words[0][:1].isupper():
        n = next((i for i, w in enumerate(words) if not w[:1].isupper()), len(words))
        words = words[:n]
    return _clean_np(" ".join(words))


def _speaker_before(text: str, s_start: int, verb_start: int) -> str:
    """The subject of a reporting verb, back to its clause start, skipping asides."""
    chunks = _CLAUSE_BREAK.split(text[s_start:verb_start])
    for chunk in reversed(chunks[-4:]):
        np = _clean_np(chunk)
        first = np.split()[0].lower() if np else ""
        if not np:
            continue  # the verb opens its clause: "the army, in a statement, said"
        if first in FILLER_CHUNKS and len(np.split()) == 1:
            continue  # "The army, however, denied"
        if first in ("who", "which", "qui") or first in PREPOSITIONS:
            continue  # "..., known as JNIM, who claimed"; "..., in a release, claimed"
        return re.sub(r"^(?:known\s+as|called)\s+", "", np)
    return ""


def _speaker_after(sentence: str, verb_start: int, verb_end: int) -> str:
    """The speaker of an inverted attribution: '"...," said the army spokesman.'"""
    opener = sentence[:verb_start].rstrip()[-1:]
    after = re.match(r"\s+([^,.;:!?\"“”]{2,60})", sentence[verb_end:])
    if not (after and opener and opener in ',"”»'):
        return ""
    return _clean_np(re.split(r"\s+(?:in|on|at|to|that|from|of|about)\s+", after.group(1))[0])


def _attribution(text: str, start: int, end: int) -> _Attribution | None:
    """The first plausible attribution in a sentence, or None."""
    sentence = text[start:end]
    found: list[_Attribution] = []
    m = ACCORDING_RE.search(sentence)
    if m:
        np = _clean_np(re.split(r"\s+(?:and|et|who|which|qui)\s+|\s+in\s+a\s+", m.group("np"))[0])
        if _plausible_speaker(np):
            found.append(_Attribution(np, "say", start + m.start(), start + m.end()))
    m = STATEMENT_FROM_RE.search(sentence)
    if m:
        np = _statement_speaker(m.group("np"))
        if _plausible_speaker(np):
            found.append(_Attribution(np, "say", start + m.start(), start + m.end()))
    for v in VERB_RE.finditer(sentence):
        if v.group("neg"):
            continue  # "not confirmed" attributes nothing; "an estimated 300" is no verb
        verb = v.group("verb")
        kind = _VERB_KIND[verb]
        np = _speaker_after(sentence, v.start(), v.end())
        if not _plausible_speaker(np):
            np = _speaker_before(text, start, start + v.start())
        if _plausible_speaker(np):
            found.append(_Attribution(np, kind, start + v.start("verb"), start + v.end()))
            break
    if not found:
        return None
    # A denial or confirmation names the stance even when "according to" came first.
    found.sort(key=lambda a: (a.kind == "say", a.start))
    return found[0]


def _classify(phrase: str, anonymous: bool) -> tuple[str, str, bool]:
    """(name, kind, generic) for a speaker phrase; generic: no proper name in it."""
    words = phrase.split()
    # "A", "the", "une"; but "UN" is the United Nations, not French "un".
    while words and words[0].lower() in DETERMINERS and not words[0][1:].isupper():
        words = words[1:]
    name = " ".join(words).removesuffix("'s").removesuffix("’s")
    name = re.sub(r"^[LlDd]['’](?=\w)", "", name)  # "L'armée nigérienne"
    # Generic: no proper name in it ("a local security official", "Security sources").
    generic = not any(
        w[:1].isupper() and not (i == 0 and w.lower() in COMMON_FIRST_WORDS)
        for i, w in enumerate(name.split())
    )
    display = name[:1].upper() + name[1:]
    if NEWS.search(name):
        kind = "news_outlet"
    elif generic and (anonymous or re.search(r"\bsources?\b", name, re.IGNORECASE)):
        return f"{display} (anonymous)", "anonymous_official", True
    elif INTERNATIONAL.search(name):
        kind = "international_organisation"
    elif NGO.search(name):
        kind = "ngo"
    elif SOCIAL.search(name):
        kind = "social_media"
    elif MILITARY.search(name):
        kind = "military"
    elif GOVERNMENT.search(name):
        kind = "government"
    elif KNOWN_PARTIES.search(name) or (words and words[-1].lower() in PARTY_HEADS):
        kind = "party"
    elif EYEWITNESS.search(name):
        kind = "eyewitness"
    else:
        kind = "official"
    return display, kind, generic


# --- Dates -----------------------------------------------------------------------------------
def relative_date(phrase: str, published: datetime) -> date | None:
    """The day a date phrase means, read on the publication day; None when not a day.

    A weekday alone ("on Thursday") is the last such day up to and including the
    publication day: news says "on Thursday" for today, "last Thursday" for a week ago.
    """
    base = published.replace(tzinfo=None)
    words = phrase.lower().split()
    if len(words) == 1 and WEEKDAY_INDEX.get(words[0]) == base.weekday():
        return base.date()
    data = _date_parser(base).get_date_data(phrase)
    if data.date_obj is None or data.period not in ("day", "time"):
        return None
    return data.date_obj.date()


@functools.lru_cache(maxsize=8)
def _date_parser(base: datetime) -> Any:
    """One dateparser parser per publication time: the first parse warms it up (~3 ms)."""
    import dateparser  # slow to import: only when an article has a date phrase

    return dateparser.DateDataParser(
        languages=["en", "fr"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"},
    )


# --- Places ----------------------------------------------------------------------------------
@dataclass(slots=True)
class _Place:
    locality: str = ""
    region: str = ""
    country: str = ""

    def text(self) -> str:
        parts = [self.locality, f"{self.region} region" if self.region else "", self.country]
        return ", ".join(dict.fromkeys(p for p in parts if p))


def _find_place(text: str, spans: Iterable[tuple[int, int]], skip: list[tuple[int, int]]) -> _Place:
    place = _Place()

    def skipped(a: int, b: int) -> bool:
        return any(s <= a and b <= e for s, e in skip)

    for a, b in spans:
        excluded = list(skip)
        for m in BORDER_RE.finditer(text, a, b):
            excluded.append(m.span())
            if not place.locality:
                place.locality = m.group(0)
        if not place.region:
            for m in REGION_RE.finditer(text, a, b):
                name = m.group("a") or m.group("b")
                first = name.split()[0]
                if first not in NOT_PLACES and name not in COUNTRIES:
                    place.region = name
                    break
        if not place.locality:
            for m in LOCALITY_RE.finditer(text, a, b):
                name = m.group("name") or m.group("near")
                if name.split()[0] not in NOT_PLACES and name not in COUNTRIES:
                    place.locality = name if m.group("name") else f"near {name}"
                    break
        if not place.country:
            for m in COUNTRY_RE.finditer(text, a, b):
                if not any(s <= m.start() and m.end() <= e for s, e in excluded) and not skipped(
                    *m.span()
                ):
                    place.country = COUNTRIES[m.group("country")]
                    break
    return place


# --- Putting it together ---------------------------------------------------------------------
@dataclass(slots=True)
class _Incident:
    """An incident while the article is read: where its text is, what was said."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    drafts: list[ClaimDraft] = field(default_factory=list)
    noun: str = ""


@dataclass(slots=True)
class _Reader:
    text: str
    publisher: str
    published: datetime
    parties: list[tuple[int, str]] = field(default_factory=list)  # (offset, name)
    last_speaker: dict[str, str] = field(default_factory=dict)  # kind -> "name|kind"
    dateline: tuple[int, int] | None = None

    def resolve(
        self, att: _Attribution, sentence: _Sentence, nxt: _Sentence | None
    ) -> tuple[str, str]:
        """(claimant, kind) for an attribution, resolving vague parties and pronouns."""
        phrase = att.phrase
        lowered = phrase.lower()
        anonymous = bool(ANONYMOUS.search(self.text, sentence.start, sentence.end)) or bool(
            nxt is not None
            and nxt.para == sentence.para
            and ANONYMOUS.search(self.text, nxt.start, nxt.end)
        )
        words = lowered.split()
        # "The group", "this official": the speaker named just before, not a new one.
        referring = (
            len(words) == 2
            and words[0] in ("this", "the", "these", "that")
            and words[-1] in (PARTY_HEADS | {"official", "officials", "source", "spokesman"})
        )
        if lowered in PRONOUNS or referring:
            head = lowered.split()[-1]
            want = "party" if head in PARTY_HEADS or lowered in ("it", "they") else "other"
            previous = self.last_speaker.get(want) or self.last_speaker.get("any")
            if previous:
                name, kind = previous.split("|")
                return name, kind
        name, kind, generic = _classify(phrase, anonymous)
        if (generic and kind == "party") or lowered in ("it", "they", "ils", "il"):
            named = self.nearest_party(att.start)
            if named:
                return named, "party"
        if NEWS.search(name) and name.lower() in self.publisher.lower():
            return self.publisher, "news_outlet"
        return name, kind

    def nearest_party(self, offset: int) -> str | None:
        if not self.parties:
            return None
        return min(self.parties, key=lambda p: abs(p[0] - offset))[1]

    def remember(self, name: str, kind: str) -> None:
        self.last_speaker["party" if kind == "party" else "other"] = f"{name}|{kind}"
        self.last_speaker["any"] = f"{name}|{kind}"


def _named_parties(text: str) -> list[tuple[int, str]]:
    found = []
    for m in NAMED_PARTY_RE.finditer(text):
        name = m.group("name") or m.group("name2") or m.group("acronym")
        words = name.split()
        while words and words[0] in ("The", "A", "An", "Le", "La", "Les"):
            words = words[1:]
        if words and (m.group("acronym") is None or KNOWN_PARTIES.fullmatch(name)):
            found.append((m.start(), " ".join(words)))
    return found


def extract_article(text: str, *, publisher: str, published: datetime) -> ArticleDraft:
    """The incidents an article reports and the claims made about each, as drafts.

    Raises ArticleError for text that is empty, too long or not text.
    """
    text = check_article_text(text)
    publisher = " ".join(publisher.split()) or "Publisher"
    sentences = _sentences(text)
    starts = [s.start for s in sentences]
    reader = _Reader(text, publisher, published, parties=_named_parties(text))

    # A dateline opens the story's first sentence only ("DAKAR, Senegal — ").
    body = next((s for s in sentences if not s.heading), None)
    dateline = DATELINE_RE.match(text, body.start, body.end) if body else None
    dateline_spans = [dateline.span()] if dateline else []
    reader.dateline = dateline.span() if dateline else None

    # Count mentions, paragraph by paragraph, skipping headlines: a headline repeats the
    # story's figure without saying who gave it.
    spans: dict[int, tuple[int, int]] = {}
    for s in sentences:
        if not s.heading:
            spans[s.para] = (spans.get(s.para, (s.start, 0))[0], s.end)
    mentions: list[CountMention] = []
    for a, b in spans.values():
        for m in extract_counts(text[a:b]):
            mentions.append(
                CountMention(
                    m.low, m.high, m.qualifier, m.start + a, m.end + a, m.measure, m.phrase, m.point
                )
            )
    by_sentence: dict[int, list[CountMention]] = {}
    for m in mentions:
        by_sentence.setdefault(bisect_right(starts, m.start) - 1, []).append(m)

    main = _Incident()
    incidents = [main]
    current, current_para = main, -1
    for i, sentence in enumerate(sentences):
        if sentence.heading:
            continue
        if sentence.para != current_para:  # a new paragraph is back to the story itself
            current, current_para = main, sentence.para
        marker = OTHER_INCIDENT_RE.search(text, sentence.start, sentence.end)
        split_at = marker.start() if marker else sentence.end
        if split_at > sentence.start:
            current.spans.append((sentence.start, split_at))
        before = current
        if marker:
            # "... months after another ambush, where nearly 50 ...": what follows the
            # marker, to the end of the paragraph, is about that other incident.
            current = _Incident(spans=[(split_at, sentence.end)])
            incidents.append(current)
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        att = _attribution(text, sentence.start, sentence.end)
        speaker = reader.resolve(att, sentence, nxt) if att else None
        figures = by_sentence.get(i, [])
        for m in figures:
            _add_figure(
                reader, current if m.start >= split_at else before, m, sentence, att, speaker
            )
        if att and speaker and not figures and att.kind in ("confirm", "deny"):
            _add_stance_only(reader, current, att, speaker, sentence)
        if speaker:
            reader.remember(*speaker)

    article = ArticleDraft()
    main_place = _find_place(text, main.spans, dateline_spans)
    if not main_place.country:
        # Only when the story names no country: the dateline is where the reporter
        # was, usually but not always the country of the incident.
        main_place.country = next(
            (COUNTRIES[m.group("country")] for a, b in dateline_spans
             for m in COUNTRY_RE.finditer(text, a, b)),
            "",
        )  # fmt: skip
    titles: set[str] = set()
    for incident in incidents:
        if not incident.drafts:
            continue
        place = _find_place(text, incident.spans, dateline_spans)
        if not place.country:
            place.country = main_place.country
        day = _first_date(text, incident.spans, published)
        noun = _incident_noun(text, incident.spans)
        title = _title(noun, place.text(), day, published, titles)
        article.events.append(
            EventDraft(
                title=title,
                date=day,
                place=place.text(),
                region=place.region,
                country=place.country,
                claims=_with_relays(incident.drafts, publisher),
            )
        )
    return article


def _add_figure(
    reader: _Reader,
    incident: _Incident,
    m: CountMention,
    sentence: _Sentence,
    att: _Attribution | None,
    speaker: tuple[str, str] | None,
) -> None:
    text = reader.text
    if m.measure is None:
        return  # "one of the deadliest", "several vehicles": not a casualty figure
    group = _group_after(text, m.end, sentence.end)
    if group is None:
        return
    claimant, kind = speaker or (reader.publisher, "news_outlet")
    measure = m.measure.value
    first = next((d for d in incident.drafts if d.measure == measure and d.stance != RELAYS), None)
    verb = att.kind if att else "say"
    if first is None:
        # A denial with the first figure: the denied claim when nothing came before,
        # else the denier's own figure ("denied the toll, saying 20 civilians were hurt").
        stance = CONTRADICTS if verb == "deny" and not incident.drafts else ASSERTS
    elif verb == "confirm" and first.claimant != claimant:
        stance = CORROBORATES
    elif verb == "deny" and first.claimant != claimant:
        stance = CONTRADICTS
    else:
        stance = ASSERTS
    key = (measure, group.casefold(), m.low, m.high)
    for d in incident.drafts:
        same = (d.measure, d.group.casefold(), d.count_low, d.count_high) == key
        # The same figure again from the same speaker, or repeated by the article itself.
        if (same and d.claimant == claimant) or (
            speaker is None and (d.measure, d.count_low, d.count_high) == key[:1] + key[2:]
        ):
            return
    incident.drafts.append(
        ClaimDraft(
            claimant=claimant,
            claimant_kind=kind,
            stance=stance,
            measure=measure,
            group=group,
            count_text=m.phrase,
            count_low=m.low,
            count_high=m.high,
            quote=_quote(text, sentence, reader.dateline),
            start=m.start,
            end=m.end,
        )
    )


def _add_stance_only(
    reader: _Reader, incident: _Incident, att: _Attribution, speaker: tuple[str, str], s: _Sentence
) -> None:
    """A later party confirming or denying without a figure of its own."""
    claimed = [d for d in incident.drafts if d.stance == ASSERTS]
    if not claimed or speaker[0] in (claimed[-1].claimant, reader.publisher):
        return
    target = claimed[-1]
    incident.drafts.append(
        ClaimDraft(
            claimant=speaker[0],
            claimant_kind=speaker[1],
            stance=CONTRADICTS if att.kind == "deny" else CORROBORATES,
            measure=target.measure,
            group=target.group,
            count_text="",
            count_low=None,
            count_high=None,
            quote=_quote(reader.text, s, reader.dateline),
            start=att.start,
            end=att.end,
        )
    )


def _quote(text: str, sentence: _Sentence, dateline: tuple[int, int] | None) -> str:
    """The sentence, single-spaced, without the dateline if it opens the story."""
    start = dateline[1] if dateline and dateline[0] == sentence.start else sentence.start
    return " ".join(text[start : sentence.end].split())


def _with_relays(drafts: list[ClaimDraft], publisher: str) -> list[ClaimDraft]:
    """The drafts, each party's assertion followed by the publisher relaying it."""
    out: list[ClaimDraft] = []
    for d in drafts:
        out.append(d)
        if d.stance == ASSERTS and d.claimant != publisher:
            out.append(
                ClaimDraft(
                    publisher, "news_outlet", RELAYS, d.measure, d.group, d.count_text,
                    d.count_low, d.count_high, d.quote, d.start, d.end,
                )
            )  # fmt: skip
    return out


def _first_date(text: str, spans: list[tuple[int, int]], published: datetime) -> date | None:
    for a, b in spans:
        for m in DATE_RE.finditer(text, a, b):
            phrase = m.group(0)
            if m.group("last"):
                phrase = "last " + m.group("weekday")
            day = relative_date(phrase, published)
            if day is not None and day <= published.date() + timedelta(days=1):
                return day
    return None


def _incident_noun(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in spans:
        m = INCIDENT_RE.search(text, a, b)
        if m:
            return m.group("noun").lower()
    return "incident"


def _title(noun: str, place: str, day: date | None, published: datetime, taken: set[str]) -> str:
    where = ""
    if place:
        where = (
            f" {place}"
            if place.split()[0] in ("near", "along", "on", "at", "by")
            else (f" in {place}")
        )
    when = f"{day.day} {day:%B %Y}" if day else f"reported {published.day} {published:%B %Y}"
    title = f"{noun[:1].upper()}{noun[1:]}{where}, {when}"
    candidate, n = title, 2
    while candidate.casefold() in taken:
        candidate, n = f"{title} ({n})", n + 1
    taken.add(candidate.casefold())
    return candidate


def highlight(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The sentence around text[start:end], split as (before, the phrase, after).

    For showing an editor where a draft came from; offsets outside the text give
    three empty strings.
    """
    if not (0 <= start <= end <= len(text)):
        return "", "", ""
    sentences = [s for s in _sentences(text) if s.start <= start < s.end or s.start < end <= s.end]
    a = sentences[0].start if sentences else start
    b = max((s.end for s in sentences), default=end)
    return text[a:start], text[start:end], text[end:b]
