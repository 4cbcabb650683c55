"""The claims queue and the claim page: the editors' review desk.

The queue shows, per row, what an editor decides on: the figure as written and its
interval, review status, corroboration and credibility, who has it and how old it is.
It is ordered by ``Claim.queue_rank`` (unreviewed first), an index the database keeps,
and searched through indexes (``claims.admin.search``), so a page costs the same at
10,000 claims and at a million.

The claim page puts the review buttons, the assignment, the open flags with both
sides' figures, the attributions and the recent history on one screen. Every button
and every save calls ``claims.services``; the services enforce who may do what.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from claims import claimreview, selectors, services
from claims.counts import describe
from claims.models import Attribution, Claim, ConflictFlag, Corroboration, Credibility
from claims.workflow import Verdict, available

from . import display, history, search
from .base import EXPORT_CHUNK, DeskAdmin, SavedThrough, bulk_action, button
from .claim_forms import (
    CLAIM_FORM_FIELDS,
    AssignForm,
    BulkAssignForm,
    ClaimForm,
    CredibilityForm,
    NewAttributionForm,
    ReviewForm,
    assignable_users,
)
from .filters import AssignedFilter, ClaimantKindFilter, CorroborationFilter, EventPicker
from .forms import DATE_WIDGETS, NewRowsFormSet
from .refusals import refused_as_form_errors


# --- Inlines --------------------------------------------------------------------------------
class AttributionInline(admin.TabularInline):
    """Who said it and whether it has been checked. Edited on the attribution's page."""

    model = Attribution
    extra = 0
    can_delete = False
    verbose_name = "attribution"
    verbose_name_plural = "Attributions: who said it, and has it been checked"
    fields = readonly_fields = (
        "source_col", "stance", "quote_col", "link_col", "count_col", "verification_col",
    )  # fmt: skip
    classes = ["vf-attributions"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attribution]:
        rows = super().get_queryset(request).select_related("source", "verified_by")
        return selectors.with_readable_times(rows).order_by("id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    source_col = display.column(
        "Source",
        lambda a: display.source_html(
            a.source, reverse("admin:claims_attribution_change", args=[a.pk]), a.source.origin
        ),
    )
    quote_col = display.column("Quote", lambda a: display.quote_html(a.quote, 140))
    link_col = display.column("Link", display.links_html)
    count_col = display.column(
        "Count", lambda a: display.count_html(a.count_text, a.count_low, a.count_high)
    )
    verification_col = display.column("Checked", display.verification_html)


class NewAttributionInline(admin.TabularInline):
    """Add a source to the claim; saved through attribution_create."""

    model = Attribution
    form = NewAttributionForm
    formset = NewRowsFormSet
    extra = 1
    can_delete = False
    formfield_overrides = DATE_WIDGETS
    verbose_name = "attribution"
    verbose_name_plural = "Add an attribution (link, archive and date on its own page)"
    autocomplete_fields = ["source"]
    classes = ["vf-new-attribution"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attribution]:
        return super().get_queryset(request).none()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # On an existing claim only, by someone who may also save the claim's page.
        return (
            obj is not None
            and request.user.has_perm("claims.add_attribution")
            and request.user.has_perm("claims.change_claim")
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- The queue and the page -----------------------------------------------------------------
@admin.register(Claim)
class ClaimAdmin(DeskAdmin):
    form = ClaimForm
    list_title = "Claims queue"
    legend = ("reliability", "credibility", "corroboration")
    export_name = "claims"
    buttons = (("review", "review"), ("assign", "assign"), ("credibility", "credibility"))
    list_display = [
        "claim_col", "event_col", "claimant_col", "topic_col", "count_col", "status_col",
        "corroboration_col", "assignee_col", "age_col",
    ]  # fmt: skip
    list_display_links = ["claim_col"]
    list_filter = [
        "status", CorroborationFilter, "measure", "group_class", EventPicker,
        ClaimantKindFilter, AssignedFilter,
    ]  # fmt: skip
    # The queue's order, served by the index "claim_queue_order" (and its companions).
    ordering = ["queue_rank", "created_at", "id"]
    search_fields = ["text", "group", "count_text", "claimant__name", "event__title"]
    search_help_text = "Search the claim's text, counted group or figure, the claimant or event."
    autocomplete_fields = ["event", "claimant"]
    inlines = [AttributionInline, NewAttributionInline]
    actions = ["assign_to_me", "assign_to", "move_to_review"]
    readonly_fields = ["interval"]
    page_fields = [
        ("event", "claimant"), ("measure", "group", "group_class_override"),
        ("count_text", "interval"), "text", "made_at",
    ]  # fmt: skip
    saved_through = SavedThrough(
        creates=services.claim_create, updates=services.claim_update, noun="claim",
        fields=CLAIM_FORM_FIELDS, create_fields=[*CLAIM_FORM_FIELDS, "url", "quote"],
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        mine = Case(
            When(assignee_id=request.user.pk, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        return (
            super()
            .get_queryset(request)
            .select_related("event", "claimant", "assignee")
            .annotate(desk_mine=mine)
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Claim], search_term: str
    ) -> tuple[QuerySet[Claim], bool]:
        return search.claims(queryset, search_term), False

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        if request.GET.get("assigned") == "me":
            return {"title": "Assigned to me"}
        return {}

    # --- Columns ---
    @admin.display(description="Claim", ordering="id")
    def claim_col(self, obj: Claim) -> str:
        return format_html(
            '<strong>#{}</strong> <span class="vf-claim-text" title="{}">{}</span>',
            obj.pk,
            obj.text,
            Truncator(obj.text).chars(60) if obj.text else "(no text)",
        )

    event_col = display.column(
        "Event", lambda c: display.event_link(c.event_id, c.event.title, 36), "event__title"
    )

    @admin.display(description="Claimant", ordering="claimant__name")
    def claimant_col(self, obj: Claim) -> str:
        return format_html("{} {}", obj.claimant.name, display.reliability_badge(obj.claimant))

    @admin.display(description="Group · measure", ordering="measure")
    def topic_col(self, obj: Claim) -> str:
        return display.topic_html(
            obj.get_measure_display(), obj.group, obj.get_group_class_display()
        )

    count_col = display.column(
        "Count as written", lambda c: display.count_html(c.count_text, c.count_low, c.count_high),
        ordering="count_low",
    )  # fmt: skip
    status_col = display.column("Review", display.status_badge, ordering="queue_rank")

    @admin.display(description="Corroboration · credibility", ordering="corroboration")
    def corroboration_col(self, obj: Claim) -> str:
        return format_html(
            '<div class="vf-stack">{} {}</div>',
            display.corroboration_badge(obj.corroboration),
            display.credibility_badge(obj),
        )

    @admin.display(description="Assigned", ordering="assignee__username")
    def assignee_col(self, obj: Claim) -> SafeString | str:
        if obj.assignee is None:
            return mark_safe('<span class="vf-muted">nobody</span>')
        if getattr(obj, "desk_mine", False):
            return mark_safe('<strong class="vf-me">you</strong>')
        return obj.assignee.get_username()

    @admin.display(description="Age", ordering="created_at")
    def age_col(self, obj: Claim) -> str:
        return format_html(
            '<span title="{}">{}</span>', display.when(obj.created_at), display.age(obj.created_at)
        )

    # --- Bulk actions: the same services as the buttons ---
    assign_to_me = bulk_action("Assign to me", "assign", "Assigned to you", lambda row, request: (
        services.claim_assign(claim=row, assignee=request.user, by=request.user)
    ))  # fmt: skip

    @admin.action(description="Assign to…", permissions=["assign"])
    def assign_to(self, request: HttpRequest, queryset: QuerySet[Claim]) -> HttpResponse | None:
        form = BulkAssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            assignee = form.cleaned_data["assignee"]
            self.bulk(
                request,
                queryset,
                f"Assigned to {assignee}" if assignee else "Unassigned",
                lambda claim: services.claim_assign(
                    claim=claim, assignee=assignee, by=request.user
                ),
            )
            return None
        claims = list(queryset.order_by("id")[:501])
        context = {
            **self.admin_site.each_context(request),
            "title": "Assign claims",
            "opts": self.opts,
            "form": form,
            "claims": claims[:500],
            "too_many": len(claims) > 500,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/claim/assign.html", context)

    move_to_review = bulk_action("Move to review", "change", "Moved to review", lambda row, rq: (
        services.claim_transition(claim=row, action="start_review", version=row.version, by=rq.user)
    ))  # fmt: skip

    # --- The CSV download: the queue as filtered ---
    def export_rows(self, queryset: QuerySet[Claim]) -> tuple[list[str], Iterable[Sequence[Any]]]:
        return claim_csv(queryset)

    # --- The claim page ---
    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # A new claim has only its claimant's attribution, made with it.
        return list(self.inlines) if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return super().get_fieldsets(request, obj)
        return [
            (None, {"fields": [
                ("event", "claimant"), ("measure", "group", "group_class_override"),
                "count_text", "text", "made_at",
            ]}),
            ("The claimant's statement", {"fields": ["url", "quote"]}),
        ]  # fmt: skip

    @admin.display(description="Saved interval")
    def interval(self, obj: Claim) -> str:
        # The saved figures only: on a re-shown form the phrase may hold unsaved input.
        if obj.pk is None:
            return ""
        return format_html(
            '<span class="vf-interval">{}</span>', describe(obj.count_low, obj.count_high)
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if not getattr(formset, "adds_rows", False):
            return
        for index, row in enumerate(formset.forms):
            if not row.has_changed() or not getattr(row, "cleaned_data", None):
                continue
            data = row.cleaned_data
            with refused_as_form_errors(formset_prefix=formset.prefix, form_index=index):
                created = services.attribution_create(
                    by=request.user,
                    claim=form.instance,
                    source=data["source"],
                    stance=data["stance"],
                    disputes=data.get("disputes", ""),
                    quote=data.get("quote", ""),
                    url=data.get("url", ""),
                    count_text=data.get("count_text", ""),
                    reason="Added in the admin",
                )
            formset.new_objects.append(created)

    def page_context(self, request: HttpRequest, obj: Claim) -> dict[str, Any]:
        claims = Claim.objects.select_related("event", "claimant", "assignee")
        claim = selectors.with_readable_times(claims).get(pk=obj.pk)
        context = claim_page_context(request, claim)
        # The saved claim, not the instance a refused form has filled with its input.
        context["subtitle"] = str(claim)
        context["legend"] = ("reliability", "credibility", "corroboration", "stances", "decisions")
        return context

    # --- Buttons: small POST views, each one service call ---
    @button
    def review_view(self, request: HttpRequest, claim: Claim) -> HttpResponse:
        form = ReviewForm(request.POST)
        return self.press(
            request,
            claim,
            form,
            lambda data: services.claim_transition(claim=claim, by=request.user, **data),
            lambda updated: f"Claim #{updated.pk}: {done_message(form, updated)}",
        )

    @button
    def credibility_view(self, request: HttpRequest, claim: Claim) -> HttpResponse:
        """An editor's own credibility rating (or back to the proposed one), with a reason."""
        return self.press(
            request,
            claim,
            CredibilityForm(request.POST),
            lambda data: services.claim_set_credibility(claim=claim, by=request.user, **data),
            lambda updated: f"Claim #{updated.pk}: credibility recorded.",
        )

    @button
    def assign_view(self, request: HttpRequest, claim: Claim) -> HttpResponse:
        def said(updated: Claim) -> str:
            mine = updated.assignee_id == request.user.pk
            who = "you" if mine else updated.assignee or "nobody"
            return f"Claim #{updated.pk} is assigned to {who}."

        return self.press(
            request,
            claim,
            AssignForm(request.POST, user=request.user),
            lambda data: services.claim_assign(claim=claim, by=request.user, **data),
            said,
        )


def done_message(form: ReviewForm, claim: Claim) -> str:
    action = form.cleaned_data["action"]
    if action == "give_verdict":
        return f"verdict given: {claim.get_verdict_display()}."
    return {
        "start_review": "review started"
        + (", and it is assigned to you." if claim.assignee_id else "."),
        "publish": "published.",
        "republish": "republished: readers now get the review as it stands.",
        "reopen": "back in review.",
    }.get(action, "done.")


def claim_page_context(request: HttpRequest, claim: Claim) -> dict[str, Any]:
    """Everything the claim page shows around the form, in a fixed number of queries."""
    user = request.user
    analysis = selectors.event_analysis(claim.event_id)
    assessment = analysis.claims[claim.pk]
    event_flags = list(
        ConflictFlag.objects.open().filter(event_id=claim.event_id).order_by("measure", "group")
    )
    claim_flags = [f for f in event_flags if any(s.get("claim_id") == claim.pk for s in f.sides)]
    can_assign = user.has_perm("claims.assign_claim")
    return {
        "desk": True,
        "claim": claim,
        "status_badge": display.status_badge(claim),
        "corroboration_badge": display.corroboration_badge(assessment.corroboration),
        "credibility_badge": display.credibility_badge(claim),
        "because": assessment.because,
        "superseded": assessment.superseded,
        "responsibility_disputed": assessment.responsibility_disputed,
        "event_disputes": analysis.event_disputes,
        "conflict_badge": display.conflict_badge() if claim_flags else "",
        "figure": display.count_html(claim.count_text, claim.count_low, claim.count_high),
        "reliability_badge": display.reliability_badge(claim.claimant),
        "steps": [t.name for t in available(claim.status) if user.has_perm(t.permission)],
        "verdicts": [(v.value, v.value.capitalize()) for v in Verdict],
        "can_confirm": assessment.corroboration == Corroboration.FIGURE_CORROBORATED,
        "claim_flags": [display.flag_card(f) for f in claim_flags],
        "other_flag_count": len(event_flags) - len(claim_flags),
        "can_resolve": user.has_perm("claims.resolve_flag"),
        "can_assign": can_assign,
        "can_rate": user.has_perm("claims.give_verdict"),
        "credibility_choices": Credibility.choices,
        "credibility_url": reverse("admin:claims_claim_credibility", args=[claim.pk]),
        "assignees": list(assignable_users()) if can_assign else [],
        "review_url": reverse("admin:claims_claim_review", args=[claim.pk]),
        "assign_url": reverse("admin:claims_claim_assign", args=[claim.pk]),
        "event_url": reverse("admin:claims_event_change", args=[claim.event_id]),
        "event_flags_url": reverse("admin:claims_conflictflag_changelist")
        + f"?event__id__exact={claim.event_id}&status__exact=open",
        "claimant_url": reverse("admin:claims_source_change", args=[claim.claimant_id]),
        # What readers do not see yet: edits since the review was frozen by publishing.
        "publication_changes": claimreview.changed_since_publication(claim),
        "timeline": history.claim_timeline(claim),
        "here": request.get_full_path(),
    }


CSV_HEADER = [
    "id", "event", "claimant", "claimant reliability", "measure", "group as written", "class",
    "count as written", "low", "high", "status", "verdict", "corroboration", "credibility",
    "assigned to", "made at", "created at", "text",
]  # fmt: skip


def claim_csv(queryset: QuerySet[Claim]) -> tuple[list[str], Iterable[Sequence[Any]]]:
    """The claims as the CSV has them, read a chunk at a time."""
    # A time stored out of Python's range is an empty cell, not a broken download.
    rows = queryset.annotate(made_at_csv=selectors.readable("made_at")).values_list(
        "id", "event__title", "claimant__name", "claimant__reliability", "measure", "group",
        "group_class", "count_text", "count_low", "count_high", "status", "verdict",
        "corroboration", "credibility", "credibility_override", "assignee__username",
        "made_at_csv", "created_at", "text",
    ).iterator(chunk_size=EXPORT_CHUNK)  # fmt: skip
    status = dict(Claim.Status.choices)

    def row(values: tuple[Any, ...]) -> list[Any]:
        (pk, event, claimant, letter, measure, group, group_class, count_text, low, high,
         state, verdict, corroboration, proposed, override, assignee, made, created,
         text) = values  # fmt: skip
        return [
            pk, event, claimant, letter, measure, group, group_class, count_text, low, high,
            status.get(state, state), verdict, corroboration.replace("_", " "),
            override or proposed, assignee or "", made, created, text,
        ]  # fmt: skip

    return CSV_HEADER, (row(values) for values in rows)
