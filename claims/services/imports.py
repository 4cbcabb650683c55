"""Saving what an import built: many rows a statement, each with its history record.

``claims.importing`` plans a batch of lines with the builders of ``editing``
(``event_build``, ``source_build``, ``claim_build``, ``attribution_build``) and
``review.set_verification``, validated field by field without asking the database;
``imported_save`` writes them all and marks their events for a recheck. Whatever only
the database checks (a constraint, a value out of its range, a name taken meanwhile,
a new source's name that is another's alias) raises here, the whole call is undone,
and the caller redoes its lines one at a time with every check, so that the refused
line is named with the field's own message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from claims.models import Attribution, Claim, Event, Source

from .common import Actor, require
from .editing import names_not_aliases
from .recheck import mark_for_recheck

# Rows a statement: PostgreSQL takes at most 65,535 parameters in one, a claim has ~20.
ROWS_PER_INSERT = 500


@dataclass
class Drafts:
    """New rows, built and validated, in the order they can be saved (each refers only to
    rows before it); each carries its history reason (``common.remember``)."""

    events: list[Event] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)


@transaction.atomic
def imported_save(*, by: Actor, drafts: Drafts) -> None:
    """Save the drafts with their history and mark the events they touch for a recheck."""
    for perm, rows in (
        ("claims.add_event", drafts.events),
        ("claims.add_source", drafts.sources),
        ("claims.add_claim", drafts.claims),
        ("claims.add_attribution", drafts.attributions),
    ):
        if rows:
            require(by, perm)
    names_not_aliases(drafts.sources)
    for model, rows in (
        (Event, drafts.events),
        (Source, drafts.sources),
        (Claim, drafts.claims),
        (Attribution, drafts.attributions),
    ):
        if rows:
            # Saved rows get their ids here, and the rows after them that refer to them
            # take those ids when they are saved in turn.
            bulk_create_with_history(rows, model, batch_size=ROWS_PER_INSERT)
    mark_for_recheck(
        {claim.event_id for claim in drafts.claims}
        | {attribution.claim.event_id for attribution in drafts.attributions}
    )
