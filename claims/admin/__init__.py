"""The editors' and fact-checkers' desk, built on the Django admin.

One module per page family: ``claims`` (the review queue and the claim page),
``attributions`` (sources to check), ``flags`` (the conflict desk), ``events``,
``sources``, ``vocabulary`` (the group words), ``notifications`` (read-only: what the
desk was told) and ``ingest`` (the "Import article" page, served by
``claims.admin_site``). ``base`` holds what they share: every write goes through
``claims.services``, a refused save is shown again with the user's input, nothing is
deleted, and no list counts a whole large table.
"""

from . import attributions, claims, events, flags, notifications, sources, vocabulary

__all__ = [
    "attributions",
    "claims",
    "events",
    "flags",
    "notifications",
    "sources",
    "vocabulary",
]
