"""The desk's decisions: review, assignment, verification, closing flags, tolls.

Guards live here, on the server, so the admin, the API and any script obey the same
rules: only editors give verdicts and publish; "confirmed" needs the figure
corroborated (ANALYSIS.md section 5), judged afresh; publishing over an open
conflict flag needs an override with a written reason, kept in the history.
Publishing freezes the ClaimReview readers get (``claims.claimreview``); only a
republish, with the changes it lets through in the history, or going back to review
changes it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from claims import claimreview, selectors
from claims.corroboration import Corroboration
from claims.models import Attribution, Claim, ConflictFlag, Toll
from claims.selectors import with_readable_times
from claims.workflow import TRANSITIONS, Verdict

from .common import (
    Actor,
    StaleEdit,
    TransitionNotAllowed,
    clean_input,
    remember,
    require,
    required_text,
)
from .recheck import mark_for_recheck


def corroboration_now(claim: Claim) -> tuple[Corroboration, str]:
    """The claim's corroboration judged now from the event's statements, and why.

    The stored ``Claim.corroboration`` follows the recheck by a moment; a decision
    that depends on it (the "confirmed" verdict) judges afresh.
    """
    assessment = selectors.event_analysis(claim.event_id).claims[claim.pk]
    return assessment.corroboration, assessment.because


def open_flags_for(claim: Claim) -> list[ConflictFlag]:
    """Open flags on which this claim's own figure is one of the sides."""
    flags = ConflictFlag.objects.open().filter(event_id=claim.event_id)
    return [f for f in flags if any(side.get("claim_id") == claim.pk for side in f.sides)]


def _verdict(current: Claim, verdict: str, note: str) -> str:
    """Check and set the verdict; returns the history's reason."""
    if verdict not in {v.value for v in Verdict}:
        raise ValidationError(
            {"verdict": "Choose a verdict: confirmed, disputed, false or unverifiable."}
        )
    if verdict == Verdict.CONFIRMED:
        _require_figure_corroborated(current)
    current.verdict = verdict
    return f"Verdict: {verdict}" + (f" ({note})" if note else "")


def _require_figure_corroborated(current: Claim) -> None:
    """ "Confirmed" stands only on the figure corroborated, judged now (ANALYSIS.md 5)."""
    corroboration, because = corroboration_now(current)
    if corroboration != Corroboration.FIGURE_CORROBORATED:
        raise TransitionNotAllowed(
            "“Confirmed” needs the figure corroborated: a verified source "
            f"independent of {current.claimant.origin} giving a figure that fits "
            f"this one. Now it is {corroboration.replace('_', ' ')} ({because}) "
            "Verify such a source first, or choose another verdict."
        )


def _publication(current: Claim, action: str, override_reason: str, note: str) -> str:
    """Publish or republish: freeze the ClaimReview readers get; returns the reason."""
    if current.verdict == Verdict.CONFIRMED:
        # The evidence may have changed since the verdict (a source rejected, a new
        # figure): readers must not get "confirmed" on what no longer corroborates it.
        _require_figure_corroborated(current)
    if action == "republish":
        # What readers would get now, compared with what they get: what is stored is
        # exactly what was compared.
        body = claimreview.current_body(current)
        changed = claimreview.changes(current.published_review or {}, body)
        if not changed:
            raise TransitionNotAllowed(
                "Nothing readers see has changed since publication: there is nothing to republish."
            )
        # What this republish lets through, in the history (the diff is gone after it).
        what = "; ".join(f"{c.what}: {c.before} → {c.after}" for c in changed)
        reason = (f"{note}. " if note else "") + f"Changes: {what}"
    else:
        reason = note or "Publish"
    flags = open_flags_for(current)
    if flags:
        if not override_reason.strip():
            raise TransitionNotAllowed(
                "This claim's figure is on an open conflict flag "
                f"({flags[0].group_label} {flags[0].get_measure_display()}): "
                f"{flags[0].explanation} Resolve it, or publish with an override "
                "and a written reason."
            )
        reason = (
            f"{'Republished' if action == 'republish' else 'Published'} over an open "
            f"conflict flag. Override: {override_reason.strip()}"
            + (f". {reason}" if action == "republish" else "")
        )
    if action == "publish":
        current.published_at = timezone.now()
        body = claimreview.current_body(current)  # with its publication date
    current.published_review = body
    return reason


def _locked_claims() -> QuerySet[Claim]:
    """Claims to lock and edit; a time stored out of range reads as empty (claims.selectors)."""
    return with_readable_times(Claim.objects.select_for_update())


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
    note, override_reason = clean_input(note=note, override_reason=override_reason).values()
    current = _locked_claims().select_related("claimant").get(pk=claim.pk)
    if current.version != version:
        raise StaleEdit(current, version)
    if current.status not in transition.sources:
        raise TransitionNotAllowed(
            f"“{transition.label}” is not possible for a claim that is "
            f"{current.get_status_display()}."
        )
    reason = note or transition.label
    if action == "give_verdict":
        reason = _verdict(current, verdict, note)
    elif action in ("publish", "republish"):
        reason = _publication(current, action, override_reason, note)
    elif action == "reopen":
        # Unpublished: readers get nothing, and a later publish freezes afresh.
        current.published_at = None
        current.published_review = None
    unassigned = current.assignee_id is None
    if action == "start_review" and unassigned and by is not None and by.is_authenticated:
        # Whoever starts the review of an unassigned claim has it ("Assigned to me").
        current.assignee = by
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
    current = _locked_claims().get(pk=claim.pk)
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
    require(by, "claims.verify_attribution")  # before anything is read or locked
    current = (
        with_readable_times(Attribution.objects.select_for_update())
        .select_related("claim")
        .get(pk=attribution.pk)
    )
    if version is not None and current.version != version:
        raise StaleEdit(current, version)
    current.version += 1
    remember(current, by, set_verification(current, by=by, state=state, note=note))
    current.save()
    mark_for_recheck([current.claim.event_id])
    return current


def set_verification(attribution: Attribution, *, by: Actor, state: str, note: str) -> str:
    """Give the attribution the fact-checker's verdict, in memory; the history's reason.

    ``_verification`` saves it on a stored attribution; an import gives it to a new one.
    """
    require(by, "claims.verify_attribution")
    note = clean_input(note=note)["note"].strip()
    attribution.verification = state
    attribution.verification_note = note
    attribution.verified_by = by if by is not None and by.is_authenticated else None
    attribution.verified_at = timezone.now()
    verb = "Verified" if state == Attribution.Verification.VERIFIED else "Rejected"
    return f"{verb}: {note}" if note else verb


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
    note = required_text("note", note, "Say why the attribution is rejected.")
    return _verification(attribution, by, Attribution.Verification.REJECTED, note, version)


def _close_flag(flag: ConflictFlag, by: Actor, status: str, reason: str) -> ConflictFlag:
    require(by, "claims.resolve_flag")
    reason = required_text("reason", reason, "Say why the flag is closed.")
    current = ConflictFlag.objects.select_for_update().get(pk=flag.pk)
    if current.status != ConflictFlag.Status.OPEN:
        raise TransitionNotAllowed(f"This flag is already {current.get_status_display()}.")
    current.status = status
    current.closed_at = timezone.now()
    current.closed_by = by if by is not None and by.is_authenticated else None
    current.resolution_note = reason
    remember(current, by, f"{current.get_status_display().capitalize()}: {reason}")
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


# --- Credibility and tolls: an editor's judgement over the proposal ---------------------------
@transaction.atomic
def claim_set_credibility(
    *, claim: Claim, credibility: int | None, reason: str, by: Actor, version: int
) -> Claim:
    """Override the proposed credibility (1 to 6) with a reason; None goes back to it."""
    require(by, "claims.give_verdict")
    reason = required_text("reason", reason, "Say why you rate it so.")
    if credibility is not None and credibility not in range(1, 7):
        raise ValidationError({"credibility": "Credibility runs from 1 to 6."})
    current = _locked_claims().get(pk=claim.pk)
    if current.version != version:
        raise StaleEdit(current, version)
    current.credibility_override = credibility
    current.version += 1
    what = f"Credibility set to {credibility}" if credibility else "Credibility back to proposed"
    remember(current, by, f"{what}: {reason}")
    current.save()
    return current


def _current_toll(toll: Toll) -> Toll:
    current = Toll.objects.select_for_update().get(pk=toll.pk)
    if current.best is None:
        raise TransitionNotAllowed("This toll has no current figure to confirm.")
    return current


@transaction.atomic
def toll_confirm(*, toll: Toll, by: Actor, note: str = "") -> Toll:
    """An editor confirms the proposed low / best / high for publication."""
    require(by, "claims.confirm_toll")
    note = clean_input(note=note)["note"]
    current = _current_toll(toll)
    current.confirmed = True
    current.confirmed_by = by if by is not None and by.is_authenticated else None
    current.confirmed_at = timezone.now()
    current.override_low = current.override_best = current.override_high = None
    current.override_reason = ""
    proposal = f"{current.low} / {current.best} / {current.high}"
    remember(current, by, f"Confirmed {proposal}" + (f": {note.strip()}" if note.strip() else ""))
    current.save()
    return current


@transaction.atomic
def toll_override(*, toll: Toll, low: int, best: int, high: int, reason: str, by: Actor) -> Toll:
    """An editor publishes other numbers than the proposal, with a reason."""
    require(by, "claims.confirm_toll")
    reason = required_text("reason", reason, "Say why the toll differs from the proposal.")
    if not 0 <= low <= best <= high:
        raise ValidationError({"best": "An override needs 0 ≤ low ≤ best ≤ high."})
    current = _current_toll(toll)
    current.override_low, current.override_best, current.override_high = low, best, high
    current.override_reason = reason
    current.confirmed = True
    current.confirmed_by = by if by is not None and by.is_authenticated else None
    current.confirmed_at = timezone.now()
    remember(current, by, f"Overridden with {low} / {best} / {high}: {reason}")
    current.save()
    return current
