"""Who was counted: a group as written, its class, and which groups contain which.

Pure Python, no Django. ANALYSIS.md section 3: the group as written is always kept
and shown; each group also has a class (people, civilians, children, women,
security forces, fighters, combatants, or other), and classes nest (children are
civilians, civilians are people). Measures nest the same way: killed and injured
are each part of killed-or-injured.

How a group as written gets its class, from a vocabulary of words (``GroupTerm``
rows, seeded with ``DEFAULT_TERMS``):
- The main phrase is read: a note in brackets and anything after a comma,
  "including" or "dont" are left out ("civilians, including children" is civilians).
- The longest vocabulary words found in it give the class. Words of two classes
  ("women and children", "soldiers and civilians") give the smallest class that
  holds both (civilians; people).
- The other words, when there are any, name a part of that class: "Kenyan soldiers"
  is the Kenyan part of the security forces and "Wagner fighters" the Wagner part of
  the fighters. Two groups are the same when class and part agree, so "Wagner
  fighters" and "Wagner mercenaries" are compared, and "Wagner fighters" and
  "CSP-DPA fighters", sibling parts, never are; "soldiers" (no part) holds every
  part of the security forces.
- A group with no vocabulary word is of class "other" and is compared only with
  the same group as written.
An editor may set the class of one claim by hand; the part words still apply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "DEFAULT_TERMS",
    "DEFAULT_VOCABULARY",
    "Group",
    "GroupClass",
    "Topic",
    "Vocabulary",
    "class_contains",
    "group_contains",
    "measure_contains",
    "normalise",
    "topic_contains",
]


class GroupClass(StrEnum):
    PEOPLE = "people"
    CIVILIANS = "civilians"
    CHILDREN = "children"
    WOMEN = "women"
    SECURITY_FORCES = "security_forces"
    FIGHTERS = "fighters"
    COMBATANTS = "combatants"
    OTHER = "other"


# Each class and the class it is part of (ANALYSIS.md section 3).
PARENT: dict[GroupClass, GroupClass | None] = {
    GroupClass.PEOPLE: None,
    GroupClass.CIVILIANS: GroupClass.PEOPLE,
    GroupClass.CHILDREN: GroupClass.CIVILIANS,
    GroupClass.WOMEN: GroupClass.CIVILIANS,
    GroupClass.COMBATANTS: GroupClass.PEOPLE,
    GroupClass.SECURITY_FORCES: GroupClass.COMBATANTS,
    GroupClass.FIGHTERS: GroupClass.COMBATANTS,
    GroupClass.OTHER: None,
}

# Each measure and the measure it is part of.
MEASURE_PARENT: dict[str, str] = {"killed": "killed_or_injured", "injured": "killed_or_injured"}


def _terms(group_class: GroupClass, words: str) -> dict[str, GroupClass]:
    return {term.strip(): group_class for term in words.split(",") if term.strip()}


# The seed vocabulary, English and French, singular and plural. Editors add to it.
DEFAULT_TERMS: dict[str, GroupClass] = {
    **_terms(
        GroupClass.PEOPLE,
        "people, person, persons, victim, victims, dead, body, bodies, casualty, casualties,"
        " fatalities, lives, men, personne, personnes, mort, morts, victime, victimes, tués,"
        " hommes",
    ),
    **_terms(
        GroupClass.CIVILIANS,
        "civilian, civilians, villager, villagers, resident, residents, worshipper,"
        " worshippers, worshiper, worshipers, passenger, passengers, civil, civils, civile,"
        " civiles, habitant, habitants, villageois, fidèles, passagers",
    ),
    **_terms(
        GroupClass.CHILDREN,
        "child, children, minor, minors, boy, boys, girl, girls, enfant, enfants, mineurs",
    ),
    **_terms(GroupClass.WOMEN, "woman, women, femme, femmes"),
    **_terms(
        GroupClass.SECURITY_FORCES,
        "soldier, soldiers, troop, troops, police, policeman, policemen, police officers,"
        " officers, gendarme, gendarmes, security forces, forces, army, servicemen,"
        " personnel, pro-government militia, militaire, militaires, soldat, soldats,"
        " policier, policiers, forces de sécurité, forces de défense",
    ),
    **_terms(
        GroupClass.FIGHTERS,
        "fighter, fighters, militant, militants, insurgent, insurgents, jihadist, jihadists,"
        " terrorist, terrorists, rebel, rebels, mercenary, mercenaries, attacker, attackers,"
        " assailant, assailants, gunmen, gunman, assaillant, assaillants, terroriste,"
        " terroristes, djihadiste, djihadistes, jihadiste, jihadistes, rebelle, rebelles,"
        " mercenaire, mercenaires",
    ),
    **_terms(
        GroupClass.COMBATANTS,
        "combatant, combatants, fighters on both sides, combattant, combattants",
    ),
}

# Words that never name a part of a group: articles, pronouns, links, and the
# measure words that often stay in a group as written ("soldiers injured").
_STOP_WORDS = """a an the of from in on at to by for with and or its their his her our your all
    other others another more some those these them who which that were was are is
    been being have has had killed dead died injured wounded hurt missing abducted
    kidnapped captured le la les l de des du d et ou ses leurs leur autres un une
    tués blessés disparus enlevés morts qui ont été"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_CUT = re.compile(r",|;|\bincluding\b|\bamong them\b|\bdont\b|\bparmi eux\b")
_WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True, slots=True)
class Group:
    """A counted group: as written, its class, and the words naming a part of it."""

    label: str  # as written, single-spaced: shown to the desk
    group_class: GroupClass
    part: str  # "" for the whole class; for OTHER, the whole group as compared

    @property
    def key(self) -> str:
        """What groups are compared by: "civilians", "security_forces:kenyan"."""
        return f"{self.group_class}:{self.part}" if self.part else str(self.group_class)


Topic = tuple[str, Group]  # (measure, group): the figures that describe the same thing


def _words(text: str) -> list[str]:
    main = _CUT.split(_BRACKETS.sub(" ", text.casefold()))[0]
    return [w.strip("'’-") for w in _WORD.findall(main) if w.strip("'’-")]


def _common_class(classes: list[GroupClass]) -> GroupClass:
    """The smallest class holding all of these (people at worst)."""

    def chain(c: GroupClass) -> list[GroupClass]:
        found: list[GroupClass] = []
        current: GroupClass | None = c
        while current is not None:
            found.append(current)
            current = PARENT[current]
        return found

    common = chain(classes[0])
    for other in classes[1:]:
        theirs = chain(other)
        common = [c for c in common if c in theirs]
    return common[0] if common else GroupClass.PEOPLE


class Vocabulary:
    """The words that name classes (word -> class), and the groups resolved through them.

    Build one per recheck or page from the ``GroupTerm`` rows; it remembers each
    group it has resolved, since an event repeats a few groups many times.
    """

    def __init__(self, terms: Mapping[str, str]) -> None:
        self._terms = {" ".join(t.casefold().split()): GroupClass(c) for t, c in terms.items()}
        self._longest = max((len(t.split()) for t in self._terms), default=1)
        self._resolved: dict[tuple[str, str], Group] = {}

    def resolve(self, written: str, override: str = "") -> Group:
        """The class and part of a group as written; ``override``: a class set by hand."""
        label = " ".join(written.split())
        group = self._resolved.get((label, override))
        if group is None:
            group = self._resolved[(label, override)] = self._resolve(label, override)
        return group

    def _resolve(self, label: str, override: str) -> Group:
        words = _words(label)
        matches = self._matches(words)
        if override and override != GroupClass.OTHER:
            group_class = GroupClass(override)
        elif matches and not override:
            group_class = _common_class([c for _, _, c in matches])
        else:
            return Group(label, GroupClass.OTHER, " ".join(label.casefold().split()))
        covered = {i for start, end, _ in matches for i in range(start, end)}
        part = [
            word
            for i, word in enumerate(words)
            if i not in covered and word not in STOP_WORDS and not word.isdigit()
        ]
        return Group(label, group_class, " ".join(part))

    def _matches(self, words: list[str]) -> list[tuple[int, int, GroupClass]]:
        """(start, end, class) of the longest vocabulary words found, left to right."""
        found = []
        i = 0
        while i < len(words):
            for size in range(min(self._longest, len(words) - i), 0, -1):
                group_class = self._terms.get(" ".join(words[i : i + size]))
                if group_class is not None:
                    found.append((i, i + size, group_class))
                    i += size
                    break
            else:
                i += 1
        return found


DEFAULT_VOCABULARY = Vocabulary(DEFAULT_TERMS)


def normalise(written: str) -> str:
    """A group as written, compared as text: casefolded and single-spaced."""
    return " ".join(written.casefold().split())


def class_contains(whole: GroupClass, part: GroupClass) -> bool:
    """True when ``part`` is ``whole`` or lies inside it (children inside people)."""
    if GroupClass.OTHER in (whole, part):
        return whole == part
    current: GroupClass | None = part
    while current is not None:
        if current == whole:
            return True
        current = PARENT[current]
    return False


def group_contains(whole: Group, part: Group) -> bool:
    """True when every member of ``part`` is a member of ``whole`` (or they are the same)."""
    if GroupClass.OTHER in (whole.group_class, part.group_class):
        return whole.key == part.key
    if whole.part and whole.part != part.part:
        return False
    return class_contains(whole.group_class, part.group_class)


def measure_contains(whole: str, part: str) -> bool:
    return whole == part or MEASURE_PARENT.get(part) == whole


def topic_contains(whole: Topic, part: Topic) -> bool:
    """True when the figures of ``part`` count some of what ``whole`` counts."""
    return measure_contains(whole[0], part[0]) and group_contains(whole[1], part[1])
