"""The admin "Import article" page: paste an article, review its drafts, save the accepted ones.

Step 1 takes the text, its URL, publisher and publication time, and optionally the
event it is about. Step 2 shows what ``claims.extraction`` found: each incident as
an event to create or to match with an existing one, and each figure as a draft with
its sentence and the figure highlighted; the editor accepts, edits or drops each
draft. Saving calls ``claims.services.article_ingest`` once, in one transaction;
a refusal shows the drafts again with the reasons and saves nothing.

Editors only: ``claims.add_claim`` is required to see the page and to post to it
(the service checks it again). Wired in ``verifier/urls.py`` through
``admin.site.admin_view``.

A paste bigger than Django accepts in a request (DATA_UPLOAD_MAX_MEMORY_SIZE) would
stop at the CSRF check with a bare "400 Bad Request". So the page opts out of the
middleware's check, reads the body itself to answer "too large" in plain words,
and only then runs the same CSRF check (``csrf_protect``) before anything else.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from claims.extraction import (
    MAX_ARTICLE_CHARS,
    ArticleDraft,
    ArticleError,
    ClaimDraft,
    EventDraft,
    check_article_text,
    extract_article,
    highlight,
)
from claims.models import Attribution, Event, Measure, Source
from claims.services import article_ingest, parse_count_field, propose_events

PERMISSION = "claims.add_claim"
TOO_LARGE = (
    "The pasted text is too large to import. An article is at most {limit:,} characters "
    "(about 30,000 words): paste one article at a time. Nothing was saved."
)


class ArticleForm(forms.Form):
    text = forms.CharField(
        label="Article text",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100, "spellcheck": "false"}),
        help_text="Paste the article as published, headline and all.",
    )
    url = forms.URLField(label="URL", required=False, max_length=500, assume_scheme="https")
    publisher = forms.CharField(max_length=200, help_text="Who published it, e.g. Reuters.")
    published = forms.DateTimeField(
        label="Published at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Dates in the text (“on Thursday”) are read from this time.",
    )
    event = forms.ModelChoiceField(
        queryset=Event.objects.order_by("-date", "title"),
        required=False,
        empty_label="Let Verifier propose one",
        help_text="The event the article is about, if you know it already.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # NUL bytes are binary junk: clean_text says so in the words used for the rest of it.
        self.fields["text"].validators = []

    def clean_text(self) -> str:
        # Browsers send CRLF line ends; offsets must not move between the two steps.
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        try:
            return check_article_text(text)
        except ArticleError as exc:
            raise ValidationError(str(exc)) from exc


class EventDraftForm(forms.Form):
    existing = forms.ModelChoiceField(
        label="Event",
        queryset=Event.objects.order_by("-date", "title"),
        required=False,
        empty_label="Create a new event",
    )
    title = forms.CharField(max_length=300)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(max_length=300, required=False)
    region = forms.CharField(max_length=200, required=False)
    country = forms.CharField(max_length=200, required=False)

    def draft(self) -> EventDraft:
        d = self.cleaned_data
        return EventDraft(d["title"], d["date"], d["place"], d["region"], d["country"], [])


class ClaimDraftForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("drop", "Drop")], initial="accept")
    event_index = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    claimant = forms.CharField(max_length=200)
    claimant_kind = forms.ChoiceField(label="Kind", choices=Source.Kind.choices)
    stance = forms.ChoiceField(choices=Attribution.Stance.choices)
    measure = forms.ChoiceField(choices=Measure.choices)
    group = forms.CharField(max_length=200)
    count_text = forms.CharField(label="Figure", max_length=200, required=False)
    quote = forms.CharField(required=False, widget=forms.HiddenInput)
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    @property
    def accepted(self) -> bool:
        return self["decision"].value() != "drop"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        count_text = (data.get("count_text") or "").strip()
        if count_text:
            try:
                parse_count_field(count_text)
            except ValidationError as exc:
                self.add_error("count_text", exc.messages)
        elif data.get("stance") in ("asserts", "relays"):
            self.add_error(
                "count_text", "A claim needs its figure as written, e.g. “at least six”."
            )
        return data

    def draft(self) -> ClaimDraft:
        d = self.cleaned_data
        return ClaimDraft(
            d["claimant"], d["claimant_kind"], d["stance"], d["measure"], d["group"],
            d["count_text"].strip(), None, None, d["quote"], d["start"], d["end"],
        )  # fmt: skip


EventFormSet = formset_factory(EventDraftForm, extra=0, max_num=50, absolute_max=50)
ClaimFormSet = formset_factory(ClaimDraftForm, extra=0, max_num=500, absolute_max=500)


@csrf_exempt  # checked below by csrf_protect, once the body is known to be readable
def import_article(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied("Only editors can import articles.")
    if request.method == "POST":
        try:
            request.POST  # noqa: B018 - reading the body is the check
        except RequestDataTooBig:
            form = ArticleForm(initial={"published": _now()})
            form.errors["text"] = form.error_class([TOO_LARGE.format(limit=MAX_ARTICLE_CHARS)])
            return _paste_page(request, form, status=413)
    return _import_article(request)


@csrf_protect
def _import_article(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _paste_page(request, ArticleForm(initial={"published": _now()}))
    form = ArticleForm(request.POST)
    if not form.is_valid():
        return _paste_page(request, form)
    if "_edit" in request.POST:
        return _paste_page(request, form)
    if "_save" in request.POST:
        return _save(request, form)
    return _review(request, form)


def _review(request: HttpRequest, form: ArticleForm) -> HttpResponse:
    data = form.cleaned_data
    article = extract_article(
        data["text"], publisher=data["publisher"], published=data["published"]
    )
    if not article.events:
        form.add_error(None, "No casualty figures were found in this article: nothing to import.")
        return _paste_page(request, form)
    proposals = propose_events(article)
    if data["event"] is not None:
        proposals[0] = data["event"]
    events = EventFormSet(
        prefix="event",
        initial=[
            {"existing": p, "title": e.title, "date": e.date, "place": e.place,
             "region": e.region, "country": e.country}
            for e, p in zip(article.events, proposals, strict=True)
        ],
    )  # fmt: skip
    claims = ClaimFormSet(
        prefix="draft",
        initial=[
            {"decision": "accept", "event_index": i, **_claim_initial(c)}
            for i, e in enumerate(article.events)
            for c in e.claims
        ],
    )
    return _review_page(request, form, events, claims, proposals=proposals)


def _save(request: HttpRequest, form: ArticleForm) -> HttpResponse:
    data = form.cleaned_data
    events = EventFormSet(request.POST, prefix="event")
    claims = ClaimFormSet(request.POST, prefix="draft")
    errors: list[str] = []
    if not (events.management_form.is_valid() and claims.management_form.is_valid()):
        errors.append("The page was incomplete: start again from the article.")
        return _review_page(request, form, events, claims, errors=errors)
    if not events.is_valid():
        errors.append("Some incidents need a correction: see the marked fields.")
    accepted = [f for f in claims if f.accepted]
    if not all([f.is_valid() for f in accepted]):  # a list: validate every accepted row
        errors.append("Some accepted drafts need a correction: see the marked fields.")
    elif not accepted:
        errors.append("No draft is accepted: accept at least one, or start again.")
    elif any(f.cleaned_data["event_index"] >= len(events.forms) for f in accepted):
        errors.append("The page was incomplete: start again from the article.")
    if errors:
        return _review_page(request, form, events, claims, errors=errors)

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
        return _review_page(
            request, form, events, claims,
            errors=["Nothing was saved.", *exc.messages],
        )  # fmt: skip
    messages.success(request, f"Imported from the article: {result.summary()}.")
    for note in result.skipped:
        messages.info(request, note)
    ids = ",".join(str(e.pk) for e in result.events)
    return HttpResponseRedirect(reverse("admin:claims_claim_changelist") + f"?event__id__in={ids}")


# --- Pages -----------------------------------------------------------------------------------
def _now() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


def _claim_initial(c: ClaimDraft) -> dict[str, Any]:
    return {
        "claimant": c.claimant, "claimant_kind": c.claimant_kind, "stance": c.stance,
        "measure": c.measure, "group": c.group, "count_text": c.count_text, "quote": c.quote,
        "start": c.start, "end": c.end,
    }  # fmt: skip


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    from django.contrib import admin

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
        request,
        subtitle="Review the drafts",
        form=form,
        events=events,
        claims=claims,
        blocks=blocks,
        errors=errors or [],
    )
    return render(request, "admin/claims/ingest_review.html", context)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
