"""Seed the group vocabulary and move conflict flags onto compared groups.

- ``GroupTerm`` gets ANALYSIS.md's table of words (English and French).
- Each flag's ``group`` held the group as written, lower-cased; it now holds the
  group's comparison key ("fighters:wagner"), with the group as written in
  ``group_label`` (taken from a claim on the flag) and its class in ``group_class``.
- Fingerprints become a plain hash of each side's key and figures (the recheck's
  ``fingerprint``), recomputed from the sides each flag stored, so a dismissed
  conflict whose figures did not change stays dismissed.
- Every event is marked for a recheck, which fills each claim's class,
  corroboration and credibility and proposes the tolls.

Frozen copies of ``claims.groups`` and ``claims.services.recheck.fingerprint`` as
they were: migrations must not change when the code does.
"""

import hashlib
import re

from django.db import migrations
from django.utils import timezone

TERMS = {
    "people": 'people, person, persons, victim, victims, dead, body, bodies, casualty, casualties, fatalities, lives, men, personne, personnes, mort, morts, victime, victimes, tués, hommes',
    "civilians": 'civilian, civilians, villager, villagers, resident, residents, worshipper, worshippers, worshiper, worshipers, passenger, passengers, civil, civils, civile, civiles, habitant, habitants, villageois, fidèles, passagers',
    "children": 'child, children, minor, minors, boy, boys, girl, girls, enfant, enfants, mineurs',
    "women": 'woman, women, femme, femmes',
    "security_forces": 'soldier, soldiers, troop, troops, police, policeman, policemen, police officers, officers, gendarme, gendarmes, security forces, forces, army, servicemen, personnel, pro-government militia, militaire, militaires, soldat, soldats, policier, policiers, forces de sécurité, forces de défense',
    "fighters": 'fighter, fighters, militant, militants, insurgent, insurgents, jihadist, jihadists, terrorist, terrorists, rebel, rebels, mercenary, mercenaries, attacker, attackers, assailant, assailants, gunmen, gunman, assaillant, assaillants, terroriste, terroristes, djihadiste, djihadistes, jihadiste, jihadistes, rebelle, rebelles, mercenaire, mercenaires',
    "combatants": 'combatant, combatants, fighters on both sides, combattant, combattants',
}
PARENT = {
    "people": None, "civilians": "people", "children": "civilians", "women": "civilians",
    "combatants": "people", "security_forces": "combatants", "fighters": "combatants",
}
STOP_WORDS = frozenset('a abducted all an and another are at autres been being blessés by captured d de dead des died disparus du enlevés et for from had has have her his hurt in injured is its kidnapped killed l la le les leur leurs missing more morts of on ont or other others ou our qui ses some that the their them these those to tués un une was were which who with wounded your été'.split())
BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
CUT = re.compile(r",|;|\bincluding\b|\bamong them\b|\bdont\b|\bparmi eux\b")
WORD = re.compile(r"[\w'’-]+")


def vocabulary():
    return {term: cls for cls, terms in TERMS.items() for term in terms.split(", ")}


def chain(cls):
    found = []
    while cls is not None:
        found.append(cls)
        cls = PARENT[cls]
    return found


def group_key(written, terms):
    """(key, class) of a group as written, as claims.groups resolved it."""
    main = CUT.split(BRACKETS.sub(" ", written.casefold()))[0]
    words = [w.strip("'’-") for w in WORD.findall(main) if w.strip("'’-")]
    longest = max(len(t.split()) for t in terms)
    matches, i = [], 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            cls = terms.get(" ".join(words[i : i + size]))
            if cls is not None:
                matches.append((i, i + size, cls))
                i += size
                break
        else:
            i += 1
    if not matches:
        return "other:" + " ".join(written.casefold().split()), "other"
    common = chain(matches[0][2])
    for _, _, cls in matches[1:]:
        common = [c for c in common if c in chain(cls)]
    cls = common[0] if common else "people"
    covered = {i for start, end, _ in matches for i in range(start, end)}
    part = " ".join(
        w for i, w in enumerate(words) if i not in covered and w not in STOP_WORDS and not w.isdigit()
    )
    return (f"{cls}:{part}" if part else cls), cls


def fingerprint(sides):
    lines = sorted(
        f"{s['key']}=disputes" if s.get("contradicts") else f"{s['key']}={s['low']}-{s['high']}"
        for s in sides
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def forwards(apps, schema_editor):
    terms = vocabulary()
    group_terms = apps.get_model("claims", "GroupTerm")
    for term, cls in terms.items():
        group_terms.objects.get_or_create(term=term, defaults={"group_class": cls})
    flags = apps.get_model("claims", "ConflictFlag")
    claims = apps.get_model("claims", "Claim")
    open_keys = set()
    for flag in flags.objects.order_by("id").iterator(chunk_size=500):
        sides = flag.sides if isinstance(flag.sides, list) else []
        claim_ids = [s["claim_id"] for s in sides if s.get("claim_id")]
        written = (
            claims.objects.filter(pk__in=claim_ids[:1]).values_list("group", flat=True).first()
            or flag.group
        )
        key, cls = group_key(written, terms)
        flag.group, flag.group_label, flag.group_class = key, " ".join(written.split()), cls
        flag.fingerprint = fingerprint(sides)
        if flag.status == "open":
            if (flag.event_id, flag.measure, key) in open_keys:
                # Two groups as written that are now one group: keep the first flag open.
                flag.status, flag.closed_at = "resolved", timezone.now()
                flag.resolution_note = "Merged on upgrade: the groups are now compared as one."
            open_keys.add((flag.event_id, flag.measure, key))
        flag.save()
    events = apps.get_model("claims", "Event")
    events.objects.update(needs_recheck_since=timezone.now(), last_change_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_analysis")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
