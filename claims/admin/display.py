"""How the desk shows states and figures: badges that read without colour, counts, sides.

Every badge carries an icon and a word, so it reads in grey, on a projector and for
colour-blind users; the colour only repeats what the word says. ``LEGEND`` says what
the letters, numbers, stances and decisions mean, where a page shows them. Names are
shown as written: a flag's group is its ``group_label``, never its comparison key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince

from claims.counts import describe
from claims.models import (
    Attribution,
    Claim,
    ConflictFlag,
    Corroboration,
    Credibility,
    Source,
)


def badge(kind: str, icon: str, label: str, title: str = "") -> SafeString:
    return format_html(
        '<span class="vf-badge vf-{}" title="{}"><span class="vf-icon" aria-hidden="true">{}'
        "</span> {}</span>",
        kind,
        title or label,
        icon,
        label,
    )


STATUS = {
    Claim.Status.NEW: ("status-new", "○", "New"),
    Claim.Status.IN_REVIEW: ("status-review", "◐", "In review"),
    Claim.Status.REVIEWED: ("status-reviewed", "●", "Verdict given"),
    Claim.Status.PUBLISHED: ("status-published", "✔", "Published"),
}


def status_badge(claim: Claim) -> SafeString:
    kind, icon, label = STATUS[Claim.Status(claim.status)]
    if claim.verdict:
        label = f"{label}: {claim.get_verdict_display()}"
    return badge(kind, icon, label)


CORROBORATION = {
    Corroboration.UNVERIFIED: ("corr-unverified", "?", "Unverified", "No verified source yet."),
    Corroboration.SINGLE_SOURCE: (
        "corr-single",
        "1",
        "Single source",
        "Verified, but only from the claimant's own side or relays of it.",
    ),
    Corroboration.EVENT_CONFIRMED: (
        "corr-event",
        "✓",
        "Event confirmed",
        "An independent verified source confirms the event, but not this figure.",
    ),
    Corroboration.FIGURE_CORROBORATED: (
        "corr-ok",
        "✓✓",
        "Figure corroborated",
        "An independent verified source gives a figure that fits this one.",
    ),
    Corroboration.CONTESTED: (
        "corr-contested",
        "✗",
        "Contested",
        "The figure is on a side of an open conflict, or a verified independent source "
        "disputes the toll or the event.",
    ),
}


def corroboration_badge(status: Corroboration | str) -> SafeString:
    kind, icon, label, title = CORROBORATION[Corroboration(status)]
    return badge(kind, icon, label, title)


def credibility_badge(claim: Claim) -> SafeString:
    """The Admiralty rating as a desk reads it: the claimant's letter and the claim's
    number, "B2"; an editor's own rating is marked with an asterisk."""
    number = claim.credibility_override or claim.credibility
    label = Credibility(number).label
    mark = "*" if claim.credibility_override else ""
    return format_html(
        '<span class="vf-rel vf-cred" title="Source {} · information {}{}">{}{}{}</span>',
        claim.claimant.get_reliability_display(),
        label,
        " (set by an editor)" if mark else " (proposed)",
        claim.claimant.reliability,
        number,
        mark,
    )


def conflict_badge(
    title: str = "The event has an open conflict flag for this figure.",
) -> SafeString:
    return badge("conflict", "⚠", "Open conflict", title)


# An attribution's check and a flag's status: an icon and a word each.
STATES = {
    Attribution.Verification.UNVERIFIED: ("ver-unverified", "?", "Unverified"),
    Attribution.Verification.VERIFIED: ("ver-verified", "✓", "Verified"),
    Attribution.Verification.REJECTED: ("ver-rejected", "✗", "Rejected"),
    ConflictFlag.Status.OPEN: ("flag-open", "⚠", "Open"),
    ConflictFlag.Status.RESOLVED: ("flag-resolved", "✓", "Resolved"),
    ConflictFlag.Status.DISMISSED: ("flag-dismissed", "–", "Dismissed"),
}


def state_badge(state: str, note: str = "") -> SafeString:
    kind, icon, label = STATES[state]  # type: ignore[index]
    return badge(kind, icon, label, note or label)


def verification_badge(attribution: Attribution) -> SafeString:
    return state_badge(attribution.verification, attribution.verification_note)


def flag_badge(flag: ConflictFlag) -> SafeString:
    return state_badge(flag.status, flag.resolution_note)


def event_link(event_id: int, title: str, limit: int = 0) -> SafeString:
    """The event's title (shortened to ``limit``, the whole in its tooltip), opening it."""
    return format_html(
        '<a href="{}" title="{}">{}</a>',
        reverse("admin:claims_event_change", args=[event_id]),
        title,
        Truncator(title).chars(limit) if limit else title,
    )


def source_html(source: Source, url: str, detail: str) -> SafeString:
    """A source's name (opening ``url``), its reliability letter, and a detail after it."""
    return format_html(
        '<a href="{}"><strong>{}</strong></a> {} <span class="vf-muted">{}</span>',
        url,
        source.name,
        reliability_badge(source),
        detail,
    )


def count_link(url: str, n: int) -> SafeString:
    """A number that opens the list it counts."""
    return format_html('<a href="{}">{}</a>', url, n)


def column(
    description: str, render: Callable[[Any], Any], ordering: str | None = None
) -> Callable[[Any, Any], Any]:
    """A list column that shows ``render(obj)``: the one-line columns, declared as such."""

    @admin.display(description=description, ordering=ordering)
    def show(model_admin: Any, obj: Any) -> Any:
        return render(obj)

    return show


def reliability_badge(source: Source) -> SafeString:
    return format_html(
        '<span class="vf-rel vf-rel-{}" title="Reliability {}">{}</span>',
        source.reliability,
        source.get_reliability_display(),
        source.reliability,
    )


def count_html(text: str, low: int | None, high: int | None) -> SafeString:
    """The count as written, then its interval: “at least six” → at least 6."""
    if low is None:
        return mark_safe('<span class="vf-muted">no figure</span>')
    return format_html(
        '<span class="vf-count"><span class="vf-count-text">“{}”</span> '
        '<span class="vf-interval" title="The interval the phrase gives">{}</span></span>',
        text,
        describe(low, high),
    )


def age(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timesince(moment, timezone.now(), depth=1)


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M")


DISPUTE_WORDS = {
    "toll": "disputes the toll",
    "event": "says no such event took place",
    "perpetrator": "denies carrying it out",
}


def side_rows(sides: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A flag's sides, ready for a template: who, the figure as written, links."""
    rows = []
    for side in sides:
        low, high = side.get("low"), side.get("high")
        claim_id, attribution_id = side.get("claim_id"), side.get("attribution_id")
        published = side.get("published_at")
        rows.append(
            {
                "speaker": side.get("speaker") or side.get("source") or "?",
                "source": side.get("source") or "",
                "via": side.get("via") or "",
                "group": side.get("group") or "",
                "measure": (side.get("measure") or "").replace("_", " "),
                "date": parse_datetime(published) if isinstance(published, str) else None,
                "count_text": side.get("count_text") or "",
                "interval": describe(low, high) if low is not None else "",
                "contradicts": bool(side.get("contradicts")),
                "disputes": DISPUTE_WORDS.get(side.get("disputes") or "", ""),
                "claim_url": reverse("admin:claims_claim_change", args=[claim_id])
                if claim_id
                else "",
                "claim_id": claim_id,
                "attribution_url": reverse("admin:claims_attribution_change", args=[attribution_id])
                if attribution_id
                else "",
            }
        )
    return rows


def sides_html(sides: Iterable[Mapping[str, Any]], limit: int = 4) -> SafeString:
    """The sides of a flag side by side, for a list cell."""
    rows = side_rows(sides)
    cards = format_html_join(
        "",
        '<a class="vf-side" href="{}"><span class="vf-side-who">{}</span>{}'
        '<span class="vf-side-fig">{}</span><span class="vf-side-int">{}</span></a>',
        (
            (
                row["attribution_url"] or row["claim_url"],
                row["speaker"],
                format_html('<span class="vf-via">via {}</span>', row["via"]) if row["via"] else "",
                "contradicts" if row["contradicts"] else f"“{row['count_text']}”",
                row["interval"],
            )
            for row in rows[:limit]
        ),
    )
    more = (
        format_html('<span class="vf-muted">+{} more</span>', len(rows) - limit)
        if len(rows) > limit
        else ""
    )
    return format_html('<div class="vf-sides">{}{}</div>', cards, more)


def topic_html(measure_label: str, group_as_written: str, class_label: str) -> SafeString:
    """ "Wagner fighters killed (fighters)": the group as written, never a comparison key."""
    return format_html(
        '{} <span class="vf-measure">{}</span> <span class="vf-muted">({})</span>',
        group_as_written,
        measure_label,
        class_label,
    )


def flag_topic(flag: ConflictFlag) -> SafeString:
    return topic_html(
        flag.get_measure_display(), flag.group_label or flag.group, flag.get_group_class_display()
    )


def flag_card(flag: ConflictFlag) -> dict[str, Any]:
    """A flag as the claim, event and flag pages show it: who says what, side by side."""
    return {
        "flag": flag,
        "badge": flag_badge(flag),
        "topic": flag_topic(flag),
        "sides": side_rows(flag.sides),
        "url": reverse("admin:claims_conflictflag_change", args=[flag.pk]),
        "close_url": reverse("admin:claims_conflictflag_close", args=[flag.pk]),
    }


def links_html(obj: Attribution) -> SafeString:
    """The statement's link and archived copy, opening in a new tab."""
    parts = [
        format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{} ↗</a>', url, label)
        for url, label in ((obj.url, "link"), (obj.archive_url, "archive"))
        if url
    ]
    if not parts:
        return mark_safe('<span class="vf-muted">no link</span>')
    return format_html_join(" · ", "{}", ((part,) for part in parts))


def verification_html(obj: Attribution) -> SafeString:
    """The check's state, who made it and when, and the note."""
    who: SafeString | str = ""
    if obj.verification != Attribution.Verification.UNVERIFIED:
        who = format_html(
            '<div class="vf-muted">by {} · {}</div>',
            obj.verified_by.get_username() if obj.verified_by else "the system",
            when(obj.verified_at),
        )
    note = (
        format_html('<div class="vf-note">{}</div>', obj.verification_note)
        if obj.verification_note
        else ""
    )
    return format_html("{}{}{}", verification_badge(obj), who, note)


def quote_html(quote: str, limit: int = 160) -> SafeString:
    return format_html(
        '<span title="{}">{}</span>', quote, Truncator(quote or "(no quote)").chars(limit)
    )


# --- The legend -----------------------------------------------------------------------------
STANCE_WORDS = {
    Attribution.Stance.ASSERTS: "the claimant's own statement (or its own channel's).",
    Attribution.Stance.CORROBORATES: "another source says the same; independent only if it "
    "is of another origin.",
    Attribution.Stance.CONTRADICTS: "another source disputes it: the toll, that the event "
    "took place, or who carried it out.",
    Attribution.Stance.RELAYS: "an outlet passes the claimant's words on (“via”): not a "
    "witness of its own, it never corroborates.",
}
DECISION_WORDS = [
    ("✓ Resolve", "the conflict is settled: one figure was found wrong, or corrected."),
    ("– Dismiss", "not a real conflict: e.g. different engagements, or figures that count "
     "different things."),
]  # fmt: skip


def legend(parts: Iterable[str]) -> list[dict[str, Any]]:
    """The legend's sections a page asks for, in a fixed order, as (term, meaning) rows."""
    sections = {
        "reliability": (
            "Reliability of a source (letter)",
            [(value, label.split(": ", 1)[1]) for value, label in Source.Reliability.choices],
        ),
        "credibility": (
            "Credibility of a claim (number, after the claimant's letter: “B2”; * set by "
            "an editor)",
            [(str(value), label.split(": ", 1)[1]) for value, label in Credibility.choices],
        ),
        "corroboration": (
            "Corroboration",
            [(badge(*spec[:3]), spec[3]) for spec in CORROBORATION.values()],
        ),
        "stances": (
            "Stances",
            [(Attribution.Stance(s).label, words) for s, words in STANCE_WORDS.items()],
        ),
        "decisions": ("Closing a conflict flag (a reason is required)", DECISION_WORDS),
    }
    wanted = set(parts)
    return [
        {"title": title, "rows": rows} for key, (title, rows) in sections.items() if key in wanted
    ]
