"""The claims queue's search, shaped so that PostgreSQL answers it from indexes.

Django's admin search ORs ``icontains`` over the claim's fields and over joined
tables (the claimant's name, the event's title). At a million claims that read the
whole table (2.4 s): an OR reaching into a join cannot use an index, and a substring
match costs a function call per row. Here, per word of the search:

- the claim's own words (its text, group and figure as written) are matched by
  prefix in ``claims_claim.search_words``, a tsvector the database keeps, with a GIN
  index (migration 0010): "Tinzao" finds "Tinzaouaten", "8" finds "84"; PostgreSQL
  also knows from its statistics how many claims a word matches, so it picks the index
  for a rare word and the queue's order for a common one;
- events and sources whose title or name contains the word are looked up first, in
  their own small tables (trigram indexes), and the claim's condition names their ids.

Every branch of the OR is then an index. Each word must match, somewhere, as in
Django's admin. On SQLite (development) the claim's words are matched as substrings.
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.text import smart_split, unescape_string_literal

from claims.models import Claim, Event, Source

# A column that migration 0010 adds on PostgreSQL, unknown to the model (no other
# database has its type), so it is named here.
CLAIM_WORDS = '"claims_claim"."search_words"'
# Past this many matching events or sources, their ids go to the database as a
# subquery instead of a list (a word like "attack" matches thousands of events).
MAX_IDS = 5000


def words(term: str) -> list[str]:
    """The search's words, as Django's admin splits them ("quoted phrases" kept whole)."""
    found = []
    for bit in smart_split(term):
        if bit[:1] in {'"', "'"} and bit[-1:] == bit[:1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        if bit.strip():
            found.append(bit.strip())
    return found


def ids_or_query(queryset: QuerySet[Event] | QuerySet[Source]) -> object:
    ids = list(queryset.values_list("pk", flat=True)[: MAX_IDS + 1])
    return queryset.values("pk") if len(ids) > MAX_IDS else ids


def claim_words_match(word: str, vendor: str) -> Q:
    """The claim's own words: by full-text prefix on PostgreSQL, by substring elsewhere."""
    if vendor != "postgresql":
        return Q(text__icontains=word) | Q(group__icontains=word) | Q(count_text__icontains=word)
    tokens = re.findall(r"\w+", word.lower())
    if not tokens:  # punctuation only: nothing in a claim's words can match it
        return Q(pk__in=[])
    query = " & ".join(f"{token}:*" for token in tokens)
    matches = RawSQL(
        f"{CLAIM_WORDS} @@ to_tsquery('simple'::regconfig, %s)",
        [query],
        output_field=BooleanField(),
    )
    return Q(matches)


def claims(queryset: QuerySet[Claim], term: str) -> QuerySet[Claim]:
    vendor = connections[queryset.db].vendor
    for word in words(term):
        events = ids_or_query(Event.objects.filter(title__icontains=word).order_by())
        sources = ids_or_query(Source.objects.filter(name__icontains=word).order_by())
        queryset = queryset.filter(
            claim_words_match(word, vendor) | Q(event_id__in=events) | Q(claimant_id__in=sources)
        )
    return queryset
