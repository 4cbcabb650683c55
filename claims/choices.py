"""The choices that the pure rules' enums take in forms, filters and the database.

The values are the rules' own (``claims.counts.Measure`` and ``Qualifier``,
``claims.groups.GroupClass``, ``claims.corroboration.Corroboration`` and
``Credibility``); these classes add the words the desk reads. Django's choices need
their own classes, so ``tests/test_models.py`` checks that each one lists exactly the
values of its rule, in the same order: a value added to one and not the other fails.
"""

from __future__ import annotations

from django.db import models


class Measure(models.TextChoices):
    KILLED = "killed", "killed"
    INJURED = "injured", "injured"
    KILLED_OR_INJURED = "killed_or_injured", "killed or injured"
    MISSING = "missing", "missing"
    ABDUCTED = "abducted", "abducted"
    CAPTURED = "captured", "captured"
    OTHER = "other", "other"


class Qualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    AT_LEAST = "at_least", "at least"
    AT_MOST = "at_most", "at most"
    APPROX = "approx", "approximately"
    RANGE = "range", "range"
    VAGUE = "vague", "vague amount"
    PROVISIONAL = "provisional", "provisional (a lower bound)"
    HEDGED = "hedged", "hedged (may, feared, unconfirmed)"


class GroupClass(models.TextChoices):
    """Who was counted, as a class (ANALYSIS.md section 3); the group as written is kept."""

    PEOPLE = "people", "people"
    CIVILIANS = "civilians", "civilians"
    CHILDREN = "children", "children"
    WOMEN = "women", "women"
    SECURITY_FORCES = "security_forces", "security forces"
    FIGHTERS = "fighters", "fighters"
    COMBATANTS = "combatants", "combatants"
    OTHER = "other", "other"


class Corroboration(models.TextChoices):
    """A claim's corroboration (ANALYSIS.md section 5): derived by the recheck, never typed."""

    CONTESTED = "contested", "contested"
    FIGURE_CORROBORATED = "figure_corroborated", "figure corroborated"
    EVENT_CONFIRMED = "event_confirmed", "event confirmed"
    SINGLE_SOURCE = "single_source", "single source"
    UNVERIFIED = "unverified", "unverified"


class Credibility(models.IntegerChoices):
    """The Admiralty scale for a claim's information (ANALYSIS.md section 7)."""

    CONFIRMED = 1, "1: confirmed by independent sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_BE_JUDGED = 6, "6: truth cannot be judged"
