"""Word lists for reading news copy, English and French.

Only vocabulary lives here: which words name people, losses, reporting, denial,
time, places. The rules that use them are in the modules named for their role.
Lists, not names of the day: reporting verbs, attribution frames and temporal
anchors are what generalise to reports these lists have never seen.
"""

from __future__ import annotations

import re


def words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# --- Who is counted --------------------------------------------------------------------------
PERSON_NOUNS = words(
    "people persons person civilians civilian soldiers soldier troops troop fighters fighter"
    " militants militant men man women woman children child kids boys boy girls girl officers"
    " officer policemen policeman police personnel residents resident villagers villager"
    " mercenaries mercenary jihadists jihadist combatants combatant insurgents insurgent rebels"
    " rebel attackers attacker assailants assailant gunmen gunman workers worker passengers"
    " passenger members member operatives operative agents agent guards guard peacekeepers"
    " peacekeeper gendarmes gendarme auxiliaries auxiliary volunteers volunteer herders herder"
    " farmers farmer worshippers worshipper pilgrims pilgrim miners miner students student"
    " pupils teachers staff employees nationals citizens migrants refugees hostages hostage"
    " prisoners prisoner detainees detainee captives militiamen militia terrorists terrorist"
    " extremists recruits cadets guardsmen marines sailors airmen pilots crew contractors"
    " journalists doctors nurses traders fishermen shepherds infants babies elders chiefs"
    " leaders commanders commander individuals suspects servicemen forces rescuers rescuer"
    " paramedics firefighters family relatives official officials"
    # French
    " personnes personne civils civil soldats soldat militaires militaire combattants"
    " mercenaires djihadistes jihadistes terroristes assaillants villageois habitants enfants"
    " enfant femmes femme hommes homme éléments policiers policier gendarmes otages prisonniers"
    " élèves orpailleurs bergers éleveurs agriculteurs fidèles membres agents passagers"
    " volontaires supplétifs casques secouristes"
)
# Nouns that name the loss rather than who was lost: "20 deaths" counts people.
LOSS_NOUNS = words(
    "deaths dead fatalities casualties victims lives bodies killed wounded injured injuries"
    " missing morts mort victimes blessés blessé tués tué décès corps disparus"
)
# Words that end a counted group: "six mercenaries | during an attack".
GROUP_STOP = words(
    "during in at on from of by with near after before while when where who which that and or"
    " but as to for into among amid under over were was are is had have has been be being will"
    " would could may might also reportedly allegedly lost died killed wounded injured missing"
    " taken held seized kidnapped abducted captured dead"
    " dont dans à au aux de du des par avec lors selon et ou qui ont sont été pendant après"
    " avant sur en le la les un une seraient serait sont"
)
GROUP_JOIN = words("and or et ou")  # "Malian and Wagner forces": one group
GROUP_LEAD = words("more other others additional further autres")
FRENCH_ADJECTIVE = re.compile(r"\w+(?:iens|iennes|ais|aises|ains|aines|ois|oises|ens|ennes|ites)$")
# Not people: a count followed by these counts things or time ("three bombs", "5 ans").
AGE_AFTER = re.compile(
    r"\s*(?:-|\s)?(?:years?[ -]old|year-old|yrs?\b|ans\b|d['’]ann[ée]es?\b|d['’]âge\b"
    r"|months?[ -]old)",
    re.IGNORECASE,
)

# Verbs and nouns that say what happened to the people counted, for a count whose own
# words do not: "kill five soldiers", "troops die", "have lost five soldiers".
MEASURE_VERBS_BEFORE = {
    "kill": "killed", "kills": "killed", "killing": "killed", "killed": "killed",
    "lost": "killed", "lose": "killed", "losing": "killed", "tue": "killed", "tuant": "killed",
    "wound": "injured", "wounds": "injured", "wounding": "injured", "wounded": "injured",
    "injure": "injured", "injuring": "injured", "blessant": "injured",
    "perdu": "killed", "perdre": "killed", "perd": "killed", "buried": "killed",
    "bury": "killed", "burying": "killed", "enterré": "killed", "enterrer": "killed",
    "kidnap": "abducted", "kidnaps": "abducted", "kidnapping": "abducted",
    "abduct": "abducted", "abducting": "abducted", "enlevant": "abducted",
}  # fmt: skip
MEASURE_WORDS_AFTER = {
    "die": "killed", "dies": "killed", "died": "killed", "perish": "killed",
    "perished": "killed", "dead": "killed", "killed": "killed", "meurent": "killed",
    "tués": "killed", "tuées": "killed", "morts": "killed",
    "wounded": "injured", "injured": "injured", "hurt": "injured", "blessés": "injured",
    "blessées": "injured", "missing": "missing", "disparus": "missing",
    "kidnapped": "abducted", "abducted": "abducted", "enlevés": "abducted",
    "custody": "captured", "captured": "captured", "bodies": "killed", "corps": "killed",
    "deaths": "killed", "fatalities": "killed",
}  # fmt: skip
# "Those killed included 10 soldiers, 45 troops and five police": the list's measure.
LIST_HEAD_RE = re.compile(
    r"\b(?:(?:those|the)\s+(?P<m1>killed|dead|injured|wounded|missing)|(?P<m2>les\s+(?:morts"
    r"|victimes|blessés)))\b[^.;]{0,60}?\b(?:included?|including|comprennent|comptent|parmi)\b",
    re.IGNORECASE,
)
LIST_MEASURE = {
    "killed": "killed", "dead": "killed", "injured": "injured", "wounded": "injured",
    "missing": "missing", "les morts": "killed", "les victimes": "killed",
    "les blessés": "injured",
}  # fmt: skip
BODIES_RE = re.compile(r"\b(?:bodies|corps|remains|dépouilles)\s+(?:of|de|des)\s*$", re.I)

# A toll that moved: "has risen from 16 to 23", "est passé de 16 à 23 morts".
REVISION_RE = re.compile(
    r"\b(?:rose|risen|rises|increased|climbed|jumped|grew|went\s+up|passed|passé|passée"
    r"|grimpé|monté|augmenté|alourdi)\s+(?:from|de)\s+(?P<a>\d[\d,. ]*|\w+)\s+(?:to|à)\s+"
    r"(?P<b>\d[\d,. ]*\d|\d|\w+)",
    re.IGNORECASE,
)

# --- Who said it -----------------------------------------------------------------------------
SAY_VERBS = (
    "said says say saying stated states stating announced announces reported reports reporting"
    " told tells telling added adds adding wrote writes posted declared declares insisted"
    " insists alleged alleges alleging estimated estimates asserted revealed reveals indicated"
    " indicates noted explained claimed claims claim claiming narrated disclosed accused accuses"
    " accusing warned put puts gave gives released issued published recounted recounts"
    " described recalled narrates"
    # French (after "a"/"ont"/"avait", or in the present)
    " déclaré déclare déclarent déclarant affirmé affirme affirment affirmant annoncé annonce"
    " annoncent indiqué indique indiquent indiquant précisé précise précisent précisant"
    " revendiqué revendique revendiquent rapporté rapporte rapportent assuré assure assurent"
    " expliqué explique ajouté ajoute ajoutant avancé avance dit lance lancé accusé accuse"
    " souligné souligne évoqué évoque signalé signale"
)
CONFIRM_VERBS = (
    "confirmed confirms confirm confirming corroborated corroborates corroborate corroborating"
    " acknowledged acknowledges admitted admits verified confirmé confirme confirment"
    " confirmant reconnu reconnaît"
)
DENY_VERBS = (
    "denied denies deny denying rejected rejects dismissed dismisses disputed disputes refuted"
    " refutes contested contests contradicted contradicts démenti dément démentent démentant"
    " rejeté rejette contesté conteste nié nie"
)
VERB_KIND = (
    {w: "say" for w in SAY_VERBS.split()}
    | {w: "confirm" for w in CONFIRM_VERBS.split()}
    | {w: "deny" for w in DENY_VERBS.split()}
)
# Verbs that report only with a toll as their object: "put the toll at 18", "gave a toll of".
TOLL_VERBS = words("put puts gave gives avancé avance")
TOLL_OBJECT_RE = re.compile(
    r"\s+(?:(?:the|a|an|its|their|un|le|leur|son)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:toll|number|figure|tally|count|dead|deaths|casualties|bilan|chiffre|nombre)\b",
    re.IGNORECASE,
)
# Participles ("..., saying 20 died") take the subject of the clause they hang from.
PARTICIPLES = words(
    "saying stating reporting telling adding claiming alleging confirming denying insisting"
    " accusing noting déclarant affirmant indiquant précisant ajoutant confirmant démentant"
)
# A relay: who passed the words on ("told Reuters", "citing the army", "a indiqué à l'AFP").
RELAY_RE = re.compile(
    r"\s*(?:to|à|au|aux)?\s*(?P<outlet>(?:the\s+|l['’]|la\s+|le\s+)?(?:[A-Z][\w.'’-]*\s*)+"
    r"(?:news\s+agency|agency)?|(?:the\s+)?[A-Z][\w.-]+\s+news\s+agency)",
)
CITING_RE = re.compile(
    r"\b(?:citing|quoting|citant|cited\s+by|quoted\s+by|cité\s+par|citée\s+par)\s+",
    re.IGNORECASE,
)
ACCORDING_RE = re.compile(
    r"\b(?:according\s+to|selon|d['’]apr[èe]s)\s+(?P<np>[^,.;:!?\"“”«»]{2,90})", re.IGNORECASE
)
REPORT_FRAME_RE = re.compile(
    r"\b(?P<cue>fait\s+état\s+d[e'’]|font\s+état\s+d[e'’]|faisait\s+état\s+d[e'’])", re.I
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
    # "the Al Qaeda-linked group JNIM", "the armed group Ansar Dine"
    r"|\b(?:group|faction|movement|militia|organi[sz]ation|coalition|outfit)\s+"
    r"(?P<name3>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,4})"
    r"|\((?P<acronym>[A-Z][A-Z-]{1,12})\)"
)
DETERMINERS = words(
    "a an the this that these those one another its their his her our some un une le la les l'"
    " des du ce cette ces"
)
FILLER_CHUNKS = words(
    "however also meanwhile moreover separately though although yet still and but later earlier"
    " instead reacting cependant toutefois pourtant encore également aussi"
)
COMMON_FIRST_WORDS = words(
    "official officials source sources local security military senior regional hospital medical"
    " health humanitarian several some many other unnamed armed government police witnesses"
    " provincial spokesman spokesperson army interior defence defense state president minister"
    " county district chief mr mrs ms dr gen col lt major lieutenant captain colonel general"
    " relatives residents two three four both"
)
PRONOUNS = words("it they he she il elle ils elles")
# "the group", "the same sources", "this official": someone named before.
REFERRING_HEADS = words(
    "group groups faction movement organisation organization official officials source sources"
    " spokesman spokesperson commander militants jihadists insurgents rebels fighters militia"
    " forces groupe mouvement responsable responsables source sources porte-parole"
)
AUXILIARIES = words(
    "was were is are been be being had have has will would do does did ont est sont avait avaient"
)
PREPOSITIONS = words(
    "in on at by for with from during after before to of into under over through dans en sur"
    " par pour avec lors après avant au aux"
)
ANONYMOUS = re.compile(
    r"\b(?:wish(?:ed|ing)? to remain anonymous|on (?:the )?condition of anonymity"
    r"|requested anonymity|request(?:ed|ing) anonymity|asked not to be (?:named|identified)"
    r"|did not want to(?: be)? named|declined to be (?:named|identified)"
    r"|(?:was|were|is|are) not authori[sz]ed to (?:speak|talk)|anonymously|anonymous"
    r"|sous (?:le )?couvert (?:de l['’])?anonymat|requis l['’]anonymat)\b",
    re.IGNORECASE,
)

# --- What kind of source --------------------------------------------------------------------
PARTY_HEADS = words(
    "group groups faction factions militants jihadists insurgents rebels extremists"
    " organisation organization movement coalition alliance fighters gunmen assailants"
    " attackers militia affiliate branch groupe mouvement djihadistes jihadistes fighter"
    " front brigade brigades"
    " militant rebel insurgent jihadist combattant"
)
KNOWN_PARTIES = re.compile(
    r"\b(?:JNIM|GSIM|ISGS|ISWAP|ISIS|ISIL|IS|EIGS|Islamic State|Daesh|al-Qa[ei]da|Al-Qa[ei]da"
    r"|AQIM|Al-Shabaab|al-Shabaab|al Shabaab|Boko Haram|Wagner|Africa Corps|CSP-DPA|CSP|FLA"
    r"|MNLA|Hamas|Hezbollah|Houthis?|Taliban|M23|RSF|CODECO|Ansarul Islam|Katiba Macina"
    r"|rebels?|militants?|jihadists?|insurgents?|militia|faction|group|Front|Brigades?"
    r"|Liberation|Etat islamique"
    r"|État islamique|groupe)\b",
    re.IGNORECASE,
)
MILITARY = re.compile(
    r"\b(?:army|armed forces|military|soldiers|troops|general staff|defen[cs]e forces|FAMa|FAN"
    r"|air force|navy|gendarmerie|armée|armées|forces armées|état-major|etat-major"
    r"|militaire)\b",
    re.IGNORECASE,
)
GOVERNMENT = re.compile(
    r"\b(?:government|ministry|minister|president|presidency|junta|prime minister|cabinet"
    r"|governor|gouvernement|ministère|ministre|présiden(?:t|ce)|junte|préfet|gouverneur)\b",
    re.IGNORECASE,
)
INTERNATIONAL = re.compile(
    r"\b(?:United Nations|UN|U\.N\.|MINUSMA|MONUSCO|OCHA|UNHCR|UNICEF|WHO|African Union|ECOWAS"
    r"|CEDEAO|ICRC|International Committee of the Red Cross|Red Cross|ONU|Nations unies"
    r"|European Union|EU)\b"
)
NGO = re.compile(
    r"\b(?:Human Rights Watch|HRW|Amnesty(?: International)?|MSF|M[ée]decins Sans Fronti[èe]res"
    r"|Doctors Without Borders|ACLED|NGO|ONG|charity|rights group|humanitarian group"
    r"|civil society|société civile)\b",
    re.IGNORECASE,
)
# Media, by kind of word or by the wire services' names (a closed, stable set).
NEWS = re.compile(
    r"\b(?:Reuters|AFP|Agence France-?Presse|Associated Press|AP|dpa|DPA|Xinhua|Anadolu|EFE"
    r"|ANSA|Kyodo|Yonhap|PTI|IANS|TASS|Interfax|RIA|APS|MAP|NAN|BBC|CNN|Al Jazeera|RFI"
    r"|(?i:news\s+agency|newspaper|wire\s+service|broadcaster|television|radio|outlets?|media"
    r"|journal|quotidien|agence\s+de\s+presse|médias?))\b"
    # A newspaper by the words its names are made of: "Daily Trust", "The Herald".
    r"|\b(?:Daily|Times|Post|Herald|Tribune|Gazette|Ledger|Chronicle|Courier|Telegraph)\b",
)
SOCIAL = re.compile(
    r"\b(?:social media|Telegram|Twitter|Facebook|WhatsApp|TikTok|X account|réseaux sociaux)\b",
    re.IGNORECASE,
)
EYEWITNESS = re.compile(
    r"\b(?:witness(?:es)?|residents?|survivors?|villagers?|locals|eyewitness(?:es)?|relatives"
    r"|témoins?|habitants?|rescapés?)\b",
    re.IGNORECASE,
)
ANONYMOUS_HEADS = words(
    "official officials source sources officer officers responsable responsables"
)

# --- Stance ----------------------------------------------------------------------------------
# What a denial disputes (ANALYSIS.md section 2), from the words after the verb.
DISPUTES_PERPETRATOR_RE = re.compile(
    r"\b(?:responsibility|involvement|carrying\s+out|carried\s+out|being\s+behind|was\s+behind"
    r"|were\s+behind|role|participation|implication|responsabilit[ée]|perpétr)",
    re.IGNORECASE,
)
DISPUTES_EVENT_RE = re.compile(
    r"\b(?:(?:any|an|the|such\s+an?|that\s+an?)\s+(?:attack|ambush|strike|raid|massacre|incident"
    r"|clash)\s+(?:took\s+place|happened|occurred|had\s+taken\s+place)|no\s+such\s+(?:attack"
    r"|ambush|strike|raid|massacre|incident)|never\s+(?:happened|took\s+place)|did\s+not\s+"
    r"(?:happen|take\s+place|occur)|fake|fabricat|(?:toute|l['’])\s*(?:attaque|embuscade)"
    r"|n['’]a\s+(?:jamais\s+)?eu\s+lieu|(?:ait|aurait)\s+eu\s+lieu"
    r"|the\s+(?:attack|ambush|strike|raid|massacre|incident)\b)",
    re.IGNORECASE,
)
CONTRAST_RE = re.compile(r"\b(?:only|just|seulement|uniquement|ne\s+\w+\s+que)\s*$", re.I)
NO_CASE_RE = re.compile(
    r"\b(?:there\s+(?:was|were)\s+no|no\s+(?:case|cases|one|reports?)\s+of|aucun\s+cas\s+d)"
    r"\s*(?P<what>\w+)",
    re.IGNORECASE,
)
NO_CASE_MEASURE = {
    "abduction": "abducted", "abductions": "abducted", "kidnapping": "abducted",
    "kidnappings": "abducted", "casualties": "killed", "deaths": "killed", "death": "killed",
    "fatalities": "killed", "injuries": "injured", "enlèvement": "abducted",
}  # fmt: skip
CONFIRMED_EVENT_RE = re.compile(
    r"\b(?:the|an|this|that|l['’]|cette|une)\s*(?:[\w-]+\s+){0,2}?(?:attack|ambush|strike|raid"
    r"|assault|bombing|explosion|clash|incident|massacre|deaths?|killings?|toll|attaque|embuscade"
    r"|frappe|assaut|déclarations?|statements?)\b",
    re.IGNORECASE,
)

# --- Which incident --------------------------------------------------------------------------
INCIDENT_NOUNS = (
    r"ambush|attack|raid|assault|airstrike|air\s+strike|air\s+raid|drone\s+strike|strike|bombing"
    r"|explosion|blast|clash|clashes|massacre|battle|kidnapping|abduction|fighting|offensive"
    r"|shelling|bombardment|incident|embuscade|attaque|assaut|frappe|affrontements?|enlèvement"
)
INCIDENT_RE = re.compile(rf"\b(?P<noun>{INCIDENT_NOUNS})s?\b", re.IGNORECASE)
INCIDENT_VERB_RE = re.compile(
    r"\b(?:attack(?:ed|ing)|hit|struck|strik(?:e|es|ing)|bomb(?:ed|ing)|shell(?:ed|ing)"
    r"|bombard(?:ed|ing)?|stormed|raided|ambushed|opened\s+fire|took\s+place|attaqu[ée]s?"
    r"|frapp[ée]s?|bombard[ée]s?)\b",
    re.IGNORECASE,
)
# Words that send what follows to another incident than the story's own.
OTHER_INCIDENT_RE = re.compile(
    r"\b(?:another|an\s+earlier|a\s+previous|an\s+other|a\s+separate|a\s+similar|a\s+prior"
    r"|a\s+different|a\s+later)\s+(?:[\w-]+\s+){0,2}?(?:ambush|attack|raid|assault|strike"
    r"|airstrike|bombing|incident|clash|massacre|battle|offensive|operation|explosion"
    r"|kidnapping)s?\b"
    r"|\bin\s+a\s+separate\b|\bseparately\b|\bearlier\s+(?:this|last)\s+(?:year|month|week)\b"
    r"|\b(?:weeks|months|years|days)\s+(?:earlier|ago|before)\b|\blast\s+(?:year|month|week)\b"
    r"|\b(?:(?:a|one|two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s+)?(?:day|days"
    r"|week|weeks|month|months|year|years)\s+after\b"
    r"|\b(?:une\s+autre|une\s+pr[ée]c[ée]dente|lors\s+d['’]une\s+autre)\s+"
    r"(?:attaque|embuscade|frappe|opération)\b|\bséparément\b|\bil\s+y\s+a\s+(?:\w+\s+)?"
    r"(?:jours|semaines|mois|ans)\b|\bl['’]an(?:née)?\s+(?:derni(?:er|ère)|pass[ée]e?)\b"
    r"|\b(?:attaque|embuscade|frappe|opération)s?\s+(?:similaire|précédente|distincte)s?\b"
    r"|\b(?:plus\s+tôt|au\s+début)\s+(?:ce|du)\s+mois\b"
    r"|\ble\s+mois\s+dernier\b|\bjusque-là\b",
    re.IGNORECASE,
)
# A fronted adjunct naming one incident among several: "In the first strike, ...".
FRONTED_INCIDENT_RE = re.compile(
    r"\W*(?:in|during|dans|lors\s+de)\s+(?:the|a|an|la|le|une|un)\s+(?:first|second|third"
    r"|earlier|previous|separate|other|première|deuxième|seconde|autre)\s+"
    rf"(?:{INCIDENT_NOUNS})s?\s*,",
    re.IGNORECASE,
)
# A running tally of a war, a campaign or a country, not one incident.
TALLY_RE = re.compile(
    r"\b(?:since|depuis)\s+(?:the\s+(?:start|beginning|outbreak)\s+of|(?:early|late|mid)[\s-]"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre|le\s+début|it\s+began|then|\d{4})\b(?:\s+\d{1,2}\b)?(?:,?\s+\d{4}\b)?)"
    r"|\b(?:so\s+far\s+this\s+year|this\s+year\s+alone|in\s+total\s+since|depuis\s+le\s+début)",
    re.IGNORECASE,
)
SUPERLATIVE_RE = re.compile(
    r"\b(?:\w+est|worst|most\s+\w+|first|biggest|largest|plus\s+\w+|pire|premier|première)"
    r"(?:\s+[\w-]+){0,4}\s*$",
    re.IGNORECASE,
)
# "those attacks", "these strikes": the incident just told, not the story's own.
ANAPHOR_RE = re.compile(
    rf"\b(?:those|these|that|ces|cette)\s+(?:{INCIDENT_NOUNS})s?\b", re.IGNORECASE
)
CLAUSE_END_RE = re.compile(r";|,\s*(?:which|who|where|while|whereas|but)\b|\s—\s|\s–\s")

# --- Wire credits ----------------------------------------------------------------------------
CREDIT_LINE_RE = re.compile(
    r"^\W{0,3}(?:\(?\s*(?:SOURCE|Source|Sources|Avec|With)\s*:?\s*(?P<a>[^()]{2,40}?)\s*\)?"
    r"|(?P<b>[A-Z][\w]*(?:[/ ][A-Z][\w]*){0,2}))\W{0,3}$"
)
DATELINE_CREDIT_RE = re.compile(r"\((?P<credit>[A-Z][\w./ -]{1,40})\)")
