"""The editors' and fact-checkers' desk, built on the Django admin.

Page modules, one per page family, never import each other: ``claims`` (the review
queue and the claim page), ``attributions`` (sources to check), ``flags`` (the
conflict desk), ``events`` (with the toll picture, ``tollchart``), ``sources``,
``vocabulary`` (the group words), ``notifications`` (read-only: what the desk was
told) and ``ingest`` (the "Import article" page); ``home`` is the desk's home page
(``ingest`` and ``home`` are served by ``verifier.admin.DeskSite``).

What they share: ``base`` (DeskAdmin: every write through ``claims.services``, buttons,
CSV downloads, history in words, nothing deleted, no count of a whole large table),
``forms`` and ``refusals`` (a refused save shown again with the user's input),
``display`` (badges, figures, sides, the legend), ``filters``, ``search``, ``history``,
``inputs`` (bad input answered with a 4xx) and ``pagination``.
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
