"""Tests for claims.groups: groups as written, their classes, what contains what."""

import pytest

from claims.groups import (
    DEFAULT_VOCABULARY,
    GroupClass,
    Vocabulary,
    group_contains,
    measure_contains,
    topic_contains,
)

resolve = DEFAULT_VOCABULARY.resolve


@pytest.mark.parametrize(
    ("written", "group_class", "part"),
    [
        ("people", GroupClass.PEOPLE, ""),
        ("civilians", GroupClass.CIVILIANS, ""),
        ("villagers", GroupClass.CIVILIANS, ""),
        ("worshippers", GroupClass.CIVILIANS, ""),
        ("children", GroupClass.CHILDREN, ""),
        ("women", GroupClass.WOMEN, ""),
        ("soldiers", GroupClass.SECURITY_FORCES, ""),
        ("police officers", GroupClass.SECURITY_FORCES, ""),
        ("militants", GroupClass.FIGHTERS, ""),
        ("combatants", GroupClass.COMBATANTS, ""),
        ("fighters on both sides", GroupClass.COMBATANTS, ""),
        ("casualties", GroupClass.PEOPLE, ""),
        # French, singular and plural.
        ("civils", GroupClass.CIVILIANS, ""),
        ("militaires", GroupClass.SECURITY_FORCES, ""),
        ("enfant", GroupClass.CHILDREN, ""),
        ("assaillants", GroupClass.FIGHTERS, ""),
        ("personnes", GroupClass.PEOPLE, ""),
        # Other words name a part of the class.
        ("Kenyan soldiers", GroupClass.SECURITY_FORCES, "kenyan"),
        ("Wagner fighters", GroupClass.FIGHTERS, "wagner"),
        ("Wagner mercenaries", GroupClass.FIGHTERS, "wagner"),
        ("troops from Bahrain", GroupClass.SECURITY_FORCES, "bahrain"),
        # A list of two classes is the smallest class holding both.
        ("women and children", GroupClass.CIVILIANS, ""),
        ("soldiers and civilians", GroupClass.PEOPLE, ""),
        # Notes in brackets and what follows a comma or "including" do not count.
        ("civilians, including children", GroupClass.CIVILIANS, ""),
        ("people (soldiers and militants)", GroupClass.PEOPLE, ""),
        ("people in all", GroupClass.PEOPLE, ""),
    ],
)
def test_a_group_as_written_takes_the_class_of_its_words(
    written: str, group_class: GroupClass, part: str
) -> None:
    group = resolve(written)
    assert (group.group_class, group.part) == (group_class, part)


def test_the_group_is_kept_as_written() -> None:
    group = resolve("  Wagner   fighters ")
    assert group.label == "Wagner fighters"
    assert group.key == "fighters:wagner"


def test_a_group_with_no_known_word_is_other_and_compared_as_written() -> None:
    group = resolve("Those Killed")
    assert group.group_class == GroupClass.OTHER
    assert group.key == resolve("those  killed").key
    assert not group_contains(resolve("people"), group)
    assert not group_contains(group, resolve("Something else"))


def test_classes_nest_and_siblings_do_not() -> None:
    people, civilians, children = resolve("people"), resolve("civilians"), resolve("children")
    assert group_contains(people, civilians) and group_contains(civilians, children)
    assert group_contains(people, children)
    assert not group_contains(children, civilians)
    assert not group_contains(civilians, resolve("militants"))
    assert not group_contains(resolve("militants"), civilians)


def test_a_named_part_sits_inside_its_class_but_not_beside_another_part() -> None:
    assert group_contains(resolve("soldiers"), resolve("Kenyan soldiers"))
    assert group_contains(resolve("people"), resolve("Kenyan soldiers"))
    assert not group_contains(resolve("Wagner fighters"), resolve("CSP-DPA fighters"))
    assert not group_contains(resolve("CSP-DPA fighters"), resolve("Wagner fighters"))
    assert not group_contains(resolve("Kenyan soldiers"), resolve("soldiers"))


def test_measures_nest_killed_and_injured_inside_killed_or_injured() -> None:
    assert measure_contains("killed_or_injured", "killed")
    assert measure_contains("killed_or_injured", "injured")
    assert not measure_contains("killed", "injured")
    assert not measure_contains("killed", "killed_or_injured")
    casualties, civilians = resolve("casualties"), resolve("civilians")
    assert topic_contains(("killed_or_injured", casualties), ("killed", civilians))
    assert not topic_contains(("killed", casualties), ("killed_or_injured", civilians))


def test_editors_extend_the_vocabulary() -> None:
    vocabulary = Vocabulary({**DEFAULT_VOCABULARY_TERMS, "askaris": "security_forces"})
    assert vocabulary.resolve("askaris").group_class == GroupClass.SECURITY_FORCES
    assert resolve("askaris").group_class == GroupClass.OTHER


def test_a_class_set_by_hand_wins_and_keeps_the_part() -> None:
    group = resolve("Wagner contractors", "fighters")
    assert (group.group_class, group.part) == (GroupClass.FIGHTERS, "wagner contractors")
    assert resolve("civilians", "other").group_class == GroupClass.OTHER


DEFAULT_VOCABULARY_TERMS = {
    "soldiers": "security_forces",
    "civilians": "civilians",
    "people": "people",
}
