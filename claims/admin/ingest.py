"""The admin "Import article" page: paste an article, review its drafts, save the accepted ones.

Step 1 takes the text, its URL, publisher and publication time, and optionally the
event it is about. Step 2 shows what ``claims.services.article_drafts`` found (the
same drafts as the ``ingest_article`` command and the API): each incident as an event
to create or to match with an existing one, and each figure as a draft with its
sentence and the figure highlighted, its claimant matched to an existing source when
one has that name or alias. The editor accepts, edits or drops each draft. Saving
calls ``claims.services.article_ingest`` once, in one transaction; a refusal shows the
drafts again with the reasons and saves nothing.

Editors only: ``claims.add_claim`` is needed to see the page and to post to it (the
service checks it again). Served by the desk's admin site (``verifier.admin.DeskSite``) at
/admin/claims/import-article/, with the admin's login and CSRF checks.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from claims.extraction import MAX_ARTICLE_CHARS, ArticleDraft, highlight
from claims.models import Event
from claims.services import article_drafts, article_ingest

from .ingest_forms import ArticleForm, ClaimFormSet, EventFormSet, claim_initial

PERMISSION = "claims.add_claim"
TOO_LARGE = (
    "The pasted text is too large to import. An article is at most {limit:,} characters "
    "(about 30,000 words): paste one article at a time. Nothing was saved."
)


def import_article(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied("Only editors can import articles.")
    if request.method != "POST":
        return _paste_page(request, ArticleForm(initial={"published": _now()}))
    try:
        form = ArticleForm(request.POST)
    except RequestDataTooBig:
        return too_large(request)
    if not form.is_valid() or "_edit" in request.POST:
        return _paste_page(request, form)
    if "_save" in request.POST:
        return _save(request, form)
    return _review(request, form)


def too_large(request: HttpRequest) -> HttpResponse:
    """A paste bigger than a request may be (DATA_UPLOAD_MAX_MEMORY_SIZE), in plain words."""
    form = ArticleForm(initial={"published": _now()})
    form.errors["text"] = form.error_class([TOO_LARGE.format(limit=MAX_ARTICLE_CHARS)])
    return _paste_page(request, form, status=413)


def _review(request: HttpRequest, form: ArticleForm) -> HttpResponse:
    data = form.cleaned_data
    preview = article_drafts(data["text"], publisher=data["publisher"], published=data["published"])
    if not preview.article.events:
        form.add_error(None, "No casualty figures were found in this article: nothing to import.")
        return _paste_page(request, form)
    proposals = preview.events
    if data["event"] is not None:
        proposals[0] = data["event"]
    events = EventFormSet(
        prefix="event",
        initial=[
            {"existing": p, "title": e.title, "date": e.date, "date_end": e.date_end,
             "place": e.place, "region": e.region, "country": e.country}
            for e, p in zip(preview.article.events, proposals, strict=True)
        ],
    )  # fmt: skip
    claims = ClaimFormSet(
        prefix="draft",
        initial=[
            {"decision": "accept", "event_index": i, **claim_initial(c)}
            for i, e in enumerate(preview.article.events)
            for c in e.claims
        ],
        form_kwargs={"sources": preview.sources},
    )
    return _review_page(request, form, events, claims, proposals=proposals)


def _save(request: HttpRequest, form: ArticleForm) -> HttpResponse:
    data = form.cleaned_data
    events = EventFormSet(request.POST, prefix="event")
    claims = ClaimFormSet(request.POST, prefix="draft")
    errors = _invalid(events, claims)
    if errors:
        return _review_page(request, form, events, claims, errors=errors)
    accepted = [f for f in claims if f.accepted]
    article = ArticleDraft([f.draft() for f in events.forms])
    for f in accepted:
        article.events[f.cleaned_data["event_index"]].claims.append(f.draft())
    try:
        result = article_ingest(
            by=request.user,
            article=article,
            publisher=data["publisher"],
            url=data["url"],
            published_at=data["published"],
            events=[f.cleaned_data["existing"] for f in events.forms],
            reason=f"Imported from an article ({data['url'] or data['publisher']})",
        )
    except ValidationError as exc:
        errors = ["Nothing was saved.", *exc.messages]
        return _review_page(request, form, events, claims, errors=errors)
    messages.success(request, f"Imported from the article: {result.summary()}.")
    for note in result.skipped:
        messages.info(request, note)
    ids = ",".join(str(e.pk) for e in result.events)
    return HttpResponseRedirect(reverse("admin:claims_claim_changelist") + f"?event__id__in={ids}")


def _invalid(events: Any, claims: Any) -> list[str]:
    """What is wrong with the posted drafts, for the banner; empty when they can be saved."""
    if not (events.management_form.is_valid() and claims.management_form.is_valid()):
        return ["The page was incomplete: start again from the article."]
    errors = []
    if not events.is_valid():
        errors.append("Some incidents need a correction: see the marked fields.")
    accepted = [f for f in claims if f.accepted]
    if not all([f.is_valid() for f in accepted]):  # a list: validate every accepted row
        errors.append("Some accepted drafts need a correction: see the marked fields.")
    elif not accepted:
        errors.append("No draft is accepted: accept at least one, or start again.")
    elif any(f.cleaned_data["event_index"] >= len(events.forms) for f in accepted):
        errors.append("The page was incomplete: start again from the article.")
    return errors


# --- Pages -----------------------------------------------------------------------------------
def _now() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {**admin.site.each_context(request), "title": "Import article", **extra}


def _paste_page(request: HttpRequest, form: ArticleForm, status: int = 200) -> HttpResponse:
    return render(request, "admin/claims/ingest.html", _context(request, form=form), status=status)


def _review_page(
    request: HttpRequest,
    form: ArticleForm,
    events: Any,
    claims: Any,
    *,
    proposals: list[Event | None] | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    """The drafts grouped under their events, each with its sentence highlighted."""
    text = form.cleaned_data.get("text", "")
    rows: list[list[dict[str, Any]]] = [[] for _ in events.forms]
    for claim_form in claims.forms:
        index = _int(claim_form["event_index"].value())
        if index is None or not 0 <= index < len(rows):
            continue
        start, end = _int(claim_form["start"].value()), _int(claim_form["end"].value())
        before, phrase, after = highlight(text, start or 0, end or 0)
        if not phrase:
            before, phrase, after = claim_form["quote"].value() or "", "", ""
        rows[index].append({"form": claim_form, "before": before, "mark": phrase, "after": after})
    blocks = [
        {"form": f, "drafts": drafts, "proposal": (proposals or [None] * len(rows))[i]}
        for i, (f, drafts) in enumerate(zip(events.forms, rows, strict=True))
    ]
    context = _context(
        request, subtitle="Review the drafts", form=form, events=events, claims=claims,
        blocks=blocks, errors=errors or [],
    )  # fmt: skip
    return render(request, "admin/claims/ingest_review.html", context)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
