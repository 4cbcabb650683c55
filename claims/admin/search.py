"""The claims queue's search, shaped so that PostgreSQL answers it from indexes.

Django's admin search ORs ``icontains`` over the claim's fields and over joined
tables (the claimant's name, the event's title); an OR that reaches into a join
cannot use an index, so at a million claims every search read the whole table
(2.4 s). Here the events and sources whose name matches are looked up first, in
their own small tables, and the claim's condition names their ids: every branch of
the OR is then an index (the trigram indexes of migration 0010 on the claim's text,
group and figure; the foreign-key indexes on ``event_id`` and ``claimant_id``).
The words of a search must all match, each in any of those places, as in Django.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from claims.models import Claim, Event, Source

# Past this many matching events or sources, their ids go to the database as a
# subquery instead of a list (a word like "attack" matches thousands of events).
MAX_IDS = 5000


def words(term: str) -> list[str]:
    """The search's words, as Django's admin splits them ("quoted phrases" kept whole)."""
    found = []
    for bit in smart_split(term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        if bit.strip():
            found.append(bit.strip())
    return found


def ids_or_query(
    queryset: QuerySet[Event] | QuerySet[Source],
) -> list[int] | QuerySet[Event] | QuerySet[Source]:
    ids = list(queryset.values_list("pk", flat=True)[: MAX_IDS + 1])
    return queryset.values("pk") if len(ids) > MAX_IDS else ids


def claims(queryset: QuerySet[Claim], term: str) -> QuerySet[Claim]:
    for word in words(term):
        events = ids_or_query(Event.objects.filter(title__icontains=word))
        sources = ids_or_query(Source.objects.filter(name__icontains=word))
        queryset = queryset.filter(
            Q(text__icontains=word)
            | Q(group__icontains=word)
            | Q(count_text__icontains=word)
            | Q(event_id__in=events)
            | Q(claimant_id__in=sources)
        )
    return queryset
