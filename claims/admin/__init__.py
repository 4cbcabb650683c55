"""The editors' and fact-checkers' desk, built on the Django admin.

One module per page family: ``claims`` (the review queue and the claim page),
``attributions`` (sources to check), ``flags`` (the conflict desk), ``events``,
``sources``, ``vocabulary`` (the group words) and ``notifications`` (read-only: what
the desk was told). ``base`` holds what they share: every write goes through
``claims.services``, a refused save is shown again with the user's input, nothing is
deleted, and no list counts a whole large table.
"""

from django.contrib import admin

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

# The desk's own links in the header replace the admin's side bar, which would take a
# third of a laptop screen.
admin.site.enable_nav_sidebar = False
