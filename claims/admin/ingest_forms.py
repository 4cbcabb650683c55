"""The forms of the "Import article" page: the article, its incidents and its drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from claims.extraction import ArticleError, ClaimDraft, EventDraft, check_article_text
from claims.models import Attribution, Event, Measure, Source
from claims.services import clean_input, parse_count_field


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

    def clean_published(self) -> datetime:
        # The services' range (claims.validation): year 9999 or 0001 said so, not a 500.
        try:
            return clean_input(published=self.cleaned_data["published"])["published"]
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["published"]) from exc


class EventDraftForm(forms.Form):
    existing = forms.ModelChoiceField(
        label="Event",
        queryset=Event.objects.order_by("-date", "title"),
        required=False,
        empty_label="Create a new event",
    )
    title = forms.CharField(max_length=300)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_end = forms.DateField(
        label="to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(max_length=300, required=False)
    region = forms.CharField(max_length=200, required=False)
    country = forms.CharField(max_length=200, required=False)

    def draft(self) -> EventDraft:
        d = self.cleaned_data
        return EventDraft(
            d["title"], d["date"], d["place"], d["region"], d["country"], [], d["date_end"]
        )


NEW_SOURCE = "Match by name, or a new source"


class ClaimDraftForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("drop", "Drop")], initial="accept")
    event_index = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    claimant = forms.CharField(max_length=200)
    claimant_kind = forms.ChoiceField(label="Kind", choices=Source.Kind.choices)
    # The existing source the claimant was matched to. Only it and "new" are offered, so
    # the page never lists every source; to link another one, type its name or alias.
    source = forms.ModelChoiceField(
        queryset=Source.objects.all(), required=False, empty_label=NEW_SOURCE
    )
    stance = forms.ChoiceField(choices=Attribution.Stance.choices)
    disputes = forms.ChoiceField(
        choices=[("", "—"), *Attribution.Disputes.choices],
        required=False,
        help_text="For a contradiction: what it disputes.",
    )
    measure = forms.ChoiceField(choices=Measure.choices)
    group = forms.CharField(max_length=200)
    count_text = forms.CharField(label="Figure", max_length=200, required=False)
    quote = forms.CharField(required=False, widget=forms.HiddenInput)
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, sources: dict[int, Source] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = _int(self["source"].value())
        source = (sources or {}).get(chosen) if chosen else None
        if chosen and source is None:
            source = Source.objects.filter(pk=chosen).first()
        choices: list[tuple[Any, str]] = [("", NEW_SOURCE)]
        if source is not None:
            choices.append((source.pk, f"Existing: {source.name}"))
        self.fields["source"].widget.choices = choices

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
        elif data.get("stance") == "contradicts" and not data.get("disputes"):
            self.add_error("disputes", "Say what a denial without a figure disputes.")
        return data

    def draft(self) -> ClaimDraft:
        d = self.cleaned_data
        source = d.get("source")
        return ClaimDraft(
            d["claimant"], d["claimant_kind"], d["stance"], d["measure"], d["group"],
            d["count_text"].strip(), None, None, d["quote"], d["start"], d["end"],
            disputes=d.get("disputes") or "", source_id=source.pk if source else None,
        )  # fmt: skip


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def claim_initial(c: ClaimDraft) -> dict[str, Any]:
    return {
        "claimant": c.claimant, "claimant_kind": c.claimant_kind, "source": c.source_id,
        "stance": c.stance, "disputes": c.disputes, "measure": c.measure, "group": c.group,
        "count_text": c.count_text, "quote": c.quote, "start": c.start, "end": c.end,
    }  # fmt: skip


EventFormSet = formset_factory(EventDraftForm, extra=0, max_num=50, absolute_max=50)
ClaimFormSet = formset_factory(ClaimDraftForm, extra=0, max_num=500, absolute_max=500)
