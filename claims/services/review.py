"""The desk's decisions: review transitions, assignment, verification, closing flags.

Guards live here, on the server, so the admin, the API and any script obey the same
rules: only editors give verdicts and publish; "confirmed" needs a verified
attribution from an origin independent of the claimant; publishing over an open
conflict flag needs an override with a written reason, kept in the history.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims import conflicts
from claims.models import Attribution, Claim, ConflictFlag
from claims.review import TRANSITIONS, Verdict

from .common import Actor, StaleEdit, TransitionNotAllowed, remember, require
from .recheck import mark_for_recheck, origin_key


def supports_of(claim: Claim, attributions: list[Attribution]) -> list[conflicts.Support]:
    """A claim's attributions as the corroboration rules see them."""
    claimant_origin = origin_key(claim.claimant.origin)
    return [
        conflicts.Support(
            origin=claimant_origin
            if a.stance == Attribution.Stance.RELAYS
            else origin_key(a.source.origin),
            stance=conflicts.Stance(a.stance),
            verification=conflicts.Verification(a.verification),
            low=a.count_low,
            high=a.count_high,
        )
        for a in attributions
    ]


def has_independent_corroboration(claim: Claim, attributions: list[Attribution]) -> bool:
    status = conflicts.corroboration_status(
        claimant_origin=origin_key(claim.claimant.origin),
        claim_low=claim.count_low,
        claim_high=claim.count_high,
        supports=supports_of(claim, attributions),
        has_open_flag=False,
    )
    return status == conflicts.Corroboration.CORROBORATED


def open_flags_for(claim: Claim) -> list[ConflictFlag]:
    return list(
        ConflictFlag.objects.open().filter(
            event_id=claim.event_id,
            measure=claim.measure,
            group=conflicts.group_key(claim.group),
        )
    )


@transaction.atomic
def claim_transition(
    *,
    claim: Claim,
    action: str,
    version: int,
    by: Actor,
    verdict: str = "",
    override_reason: str = "",
    note: str = "",
) -> Claim:
    """Move a claim through review. Raises TransitionNotAllowed with the reason if it can't."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"There is no review step called “{action}”.")
    require(by, transition.permission)
    current = Claim.objects.select_for_update().select_related("claimant").get(pk=claim.pk)
    if current.version != version:
        raise StaleEdit(current, version)
    if current.status not in transition.sources:
        raise TransitionNotAllowed(
            f"“{transition.label}” is not possible for a claim that is "
            f"{current.get_status_display()}."
        )
    reason = note or transition.label
    if action == "give_verdict":
        if verdict not in {v.value for v in Verdict}:
            raise ValidationError(
                {"verdict": "Choose a verdict: confirmed, disputed, false or unverifiable."}
            )
        if verdict == Verdict.CONFIRMED:
            attributions = list(current.attributions.select_related("source"))
            if not has_independent_corroboration(current, attributions):
                raise TransitionNotAllowed(
                    "“Confirmed” needs a verified attribution from a source independent of "
                    f"{current.claimant.origin} that agrees with the figure. Verify one first, "
                    "or choose another verdict."
                )
        current.verdict = verdict
        reason = f"Verdict: {verdict}" + (f" ({note})" if note else "")
    elif action == "publish":
        flags = open_flags_for(current)
        if flags:
            if not override_reason.strip():
                raise TransitionNotAllowed(
                    "This claim's event has an open conflict flag for "
                    f"{current.get_measure_display()} of {current.group}: "
                    f"{flags[0].explanation} Resolve it, or publish with an override "
                    "and a written reason."
                )
            reason = f"Published over an open conflict flag. Override: {override_reason.strip()}"
        current.published_at = timezone.now()
    elif action == "reopen":
        current.published_at = None
    current.status = transition.target
    current.version += 1
    remember(current, by, reason)
    current.save()
    if action == "give_verdict" or (action == "reopen" and current.verdict):
        # A claim judged false stops taking part in conflicts, and back again.
        mark_for_recheck([current.event_id])
    return current


@transaction.atomic
def claim_assign(
    *, claim: Claim, assignee: object | None, by: Actor, version: int | None = None
) -> Claim:
    """Give a claim to a fact-checker or editor (or to nobody)."""
    require(by, "claims.assign_claim")
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if version is not None and current.version != version:
        raise StaleEdit(current, version)
    if assignee is not None:
        user_model = get_user_model()
        if not isinstance(assignee, user_model) or not assignee.is_active:
            raise ValidationError({"assignee": "Assign to an active user."})
        if not assignee.has_perm("claims.view_claim"):
            raise ValidationError({"assignee": f"{assignee} cannot see claims."})
    if current.assignee_id == (assignee.pk if assignee is not None else None):
        return current
    current.assignee = assignee
    current.version += 1
    remember(current, by, f"Assigned to {assignee}" if assignee else "Unassigned")
    current.save()
    return current


def _verification(
    attribution: Attribution, by: Actor, state: str, note: str, version: int | None
) -> Attribution:
    require(by, "claims.verify_attribution")
    current = Attribution.objects.select_for_update().select_related("claim").get(pk=attribution.pk)
    if version is not None and current.version != version:
        raise StaleEdit(current, version)
    current.verification = state
    current.verification_note = note.strip()
    current.verified_by = by if by is not None and by.is_authenticated else None
    current.verified_at = timezone.now()
    current.version += 1
    verb = "Verified" if state == Attribution.Verification.VERIFIED else "Rejected"
    remember(current, by, f"{verb}: {note.strip()}" if note.strip() else verb)
    current.save()
    mark_for_recheck([current.claim.event_id])
    return current


@transaction.atomic
def attribution_verify(
    *, attribution: Attribution, by: Actor, note: str = "", version: int | None = None
) -> Attribution:
    """The fact-checker confirms the source really said it (link, quote, archive)."""
    return _verification(attribution, by, Attribution.Verification.VERIFIED, note, version)


@transaction.atomic
def attribution_reject(
    *, attribution: Attribution, by: Actor, note: str, version: int | None = None
) -> Attribution:
    """The fact-checker finds the attribution wrong; the reason is required."""
    if not note or not note.strip():
        raise ValidationError({"note": "Say why the attribution is rejected."})
    return _verification(attribution, by, Attribution.Verification.REJECTED, note, version)


def _close_flag(flag: ConflictFlag, by: Actor, status: str, reason: str) -> ConflictFlag:
    require(by, "claims.resolve_flag")
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Say why the flag is closed."})
    current = ConflictFlag.objects.select_for_update().get(pk=flag.pk)
    if current.status != ConflictFlag.Status.OPEN:
        raise TransitionNotAllowed(f"This flag is already {current.get_status_display()}.")
    current.status = status
    current.closed_at = timezone.now()
    current.closed_by = by if by is not None and by.is_authenticated else None
    current.resolution_note = reason.strip()
    remember(current, by, f"{current.get_status_display().capitalize()}: {reason.strip()}")
    current.save()
    return current


@transaction.atomic
def flag_resolve(*, flag: ConflictFlag, by: Actor, reason: str) -> ConflictFlag:
    """An editor settles the conflict (e.g. one figure was found wrong)."""
    return _close_flag(flag, by, ConflictFlag.Status.RESOLVED, reason)


@transaction.atomic
def flag_dismiss(*, flag: ConflictFlag, by: Actor, reason: str) -> ConflictFlag:
    """An editor judges it no real conflict (e.g. different engagements)."""
    return _close_flag(flag, by, ConflictFlag.Status.DISMISSED, reason)
