"""The claims queue and the claim page: the editors' review desk.

The queue shows, per row, what an editor decides on: the figure as written and its
interval, review status, corroboration, an open-conflict badge, who has it and how old
it is. Corroboration and conflicts are derived for the whole page at once (a fixed
number of queries, whatever the number of rows).

The claim page puts the review buttons, the assignment, the open flags with both
sides' figures, the attributions and the recent history on one screen. Every button
and every save calls ``claims.services``; the services enforce who may do what.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from claims import selectors, services
from claims.counts import describe
from claims.models import (
    Attribution,
    Claim,
    ConflictFlag,
    Corroboration,
    Credibility,
    Source,
)
from claims.review import TRANSITIONS, Verdict, available
from claims.services import ServiceError

from . import display
from .base import (
    DATE_WIDGETS,
    REFUSAL_ATTR,
    DeskAdmin,
    DeskChangeList,
    DeskForm,
    DeskInlineFormSet,
    VersionedForm,
    message_for,
    redirect_back,
    refused_as_form_errors,
    report,
)
from .history import claim_timeline

CLAIM_FORM_FIELDS = [
    "event",
    "claimant",
    "text",
    "measure",
    "group",
    "group_class_override",
    "count_text",
    "made_at",
]
# A bulk action works on at most this many claims, one service call each.
MAX_BULK = 500


def assignable_users() -> QuerySet[Any]:
    """Active users who can see claims: the people a claim can be given to."""
    perm = Q(codename="view_claim", content_type__app_label="claims")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=_perm_ids(perm))
            | Q(user_permissions__in=_perm_ids(perm))
        )
        .distinct()
        .order_by("username")
    )


def attributions_prefetch() -> Prefetch:
    return Prefetch(
        "attributions", queryset=Attribution.objects.select_related("source").order_by("id")
    )


def _perm_ids(condition: Q) -> QuerySet[Any]:
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(condition).values("pk")


# --- Queue filters --------------------------------------------------------------------------
class CorroborationFilter(admin.SimpleListFilter):
    title = "corroboration"
    parameter_name = "corroboration"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(status.value, label) for status, (_, _, label, _) in display.CORROBORATION.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() in Corroboration.values:
            return queryset.filter(corroboration=self.value())
        return queryset


class SourceKindFilter(admin.SimpleListFilter):
    title = "claimant's kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(Source.Kind.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() in Source.Kind.values:
            return queryset.filter(claimant__kind=self.value())
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("me", "Me"), ("nobody", "Nobody")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() == "me":
            return queryset.filter(assignee_id=request.user.pk)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset


# --- Forms ----------------------------------------------------------------------------------
class ClaimForm(VersionedForm):
    # Only when adding: the claimant's own statement becomes its "asserts" attribution.
    url = forms.URLField(required=False, label="Link to the statement", max_length=500)
    quote = forms.CharField(required=False, label="Quote", widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Claim
        fields = CLAIM_FORM_FIELDS
        labels = {"count_text": "Count as written", "made_at": "Made at"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields.pop("url")
            self.fields.pop("quote")
        if "text" in self.fields:
            self.fields["text"].widget.attrs["rows"] = 3


class NewAttributionForm(DeskForm):
    class Meta:
        model = Attribution
        fields = ["source", "stance", "disputes", "count_text", "quote", "url"]
        labels = {"count_text": "Count as written", "disputes": "Disputes"}
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 2, "cols": 30}),
            "count_text": forms.TextInput(attrs={"size": 14}),
            "url": forms.URLInput(attrs={"size": 26}),
        }


class ReviewForm(forms.Form):
    """A review button's POST: which step, on which version, with what."""

    action = forms.ChoiceField(choices=[(name, t.label) for name, t in TRANSITIONS.items()])
    version = forms.IntegerField(min_value=1)
    verdict = forms.ChoiceField(
        required=False, choices=[("", "—"), *[(v.value, v.value) for v in Verdict]]
    )
    override_reason = forms.CharField(required=False, max_length=500)
    note = forms.CharField(required=False, max_length=200)


class CredibilityForm(forms.Form):
    credibility = forms.TypedChoiceField(
        choices=[("", "as proposed"), *Credibility.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(max_length=500)
    version = forms.IntegerField(min_value=1)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody (unassign)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()  # type: ignore[attr-defined]


# --- Inlines --------------------------------------------------------------------------------
class AttributionInline(admin.TabularInline):
    """Who said it and whether it has been checked. Edited on the attribution's page."""

    model = Attribution
    extra = 0
    can_delete = False
    verbose_name = "attribution"
    verbose_name_plural = "Attributions: who said it, and has it been checked"
    fields = readonly_fields = (
        "source_col",
        "stance",
        "quote_col",
        "link_col",
        "count_col",
        "verification_col",
    )
    classes = ["vf-attributions"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attribution]:
        return super().get_queryset(request).select_related("source", "verified_by").order_by("id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Source")
    def source_col(self, obj: Attribution) -> str:
        return format_html(
            '<a href="{}"><strong>{}</strong></a> {} <span class="vf-muted">{}</span>',
            reverse("admin:claims_attribution_change", args=[obj.pk]),
            obj.source.name,
            display.reliability_badge(obj.source),
            obj.source.origin,
        )

    @admin.display(description="Quote")
    def quote_col(self, obj: Attribution) -> str:
        return format_html('<span title="{}">{}</span>', obj.quote, Truncator(obj.quote).chars(140))

    @admin.display(description="Link")
    def link_col(self, obj: Attribution) -> str:
        return links_html(obj)

    @admin.display(description="Count")
    def count_col(self, obj: Attribution) -> str:
        return display.count_html(obj.count_text, obj.count_low, obj.count_high)

    @admin.display(description="Checked")
    def verification_col(self, obj: Attribution) -> str:
        return verification_html(obj)


def links_html(obj: Attribution) -> str:
    parts = []
    if obj.url:
        parts.append(
            format_html(
                '<a href="{}" rel="noopener noreferrer" target="_blank">link ↗</a>', obj.url
            )
        )
    if obj.archive_url:
        parts.append(
            format_html(
                '<a href="{}" rel="noopener noreferrer" target="_blank">archive ↗</a>',
                obj.archive_url,
            )
        )
    if not parts:
        return mark_safe('<span class="vf-muted">no link</span>')
    return format_html(" · ".join(["{}"] * len(parts)), *parts)


def verification_html(obj: Attribution) -> str:
    who = ""
    if obj.verification != Attribution.Verification.UNVERIFIED:
        who = format_html(
            '<div class="vf-muted">by {} · {}</div>',
            obj.verified_by.get_username() if obj.verified_by else "the system",
            display.when(obj.verified_at),
        )
    note = (
        format_html('<div class="vf-note">{}</div>', obj.verification_note)
        if obj.verification_note
        else ""
    )
    return format_html("{}{}{}", display.verification_badge(obj), who, note)


class NewAttributionInline(admin.TabularInline):
    """Add a source to the claim; saved through attribution_create."""

    model = Attribution
    form = NewAttributionForm
    formset = DeskInlineFormSet
    extra = 1
    can_delete = False
    formfield_overrides = DATE_WIDGETS
    verbose_name = "attribution"
    verbose_name_plural = "Add an attribution (link, archive and date on its own page)"
    autocomplete_fields = ["source"]
    classes = ["vf-new-attribution"]
    adds_rows = True

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

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        formset = super().get_formset(request, obj, **kwargs)
        attrs: dict[str, Any] = {"adds_rows": True}
        refusal = getattr(request, REFUSAL_ATTR, None)
        if refusal is not None:
            attrs["refusal"] = refusal
        return type(formset.__name__, (formset,), attrs)


# --- The queue ------------------------------------------------------------------------------
class ClaimChangeList(DeskChangeList):
    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        rows = list(self.result_list)
        for claim in rows:
            claim.desk_mine = claim.assignee_id == request.user.pk  # type: ignore[attr-defined]
        self.result_list = rows


def queue_rank() -> Case:
    # Unreviewed (new or in review) first, then judged, then published.
    return Case(
        When(status__in=[Claim.Status.NEW, Claim.Status.IN_REVIEW], then=Value(0)),
        When(status=Claim.Status.REVIEWED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


@admin.register(Claim)
class ClaimAdmin(DeskAdmin):
    form = ClaimForm
    list_display = [
        "claim_col",
        "event_col",
        "claimant_col",
        "topic_col",
        "count_col",
        "status_col",
        "corroboration_col",
        "assignee_col",
        "age_col",
    ]
    list_display_links = ["claim_col"]
    list_filter = [
        "status",
        CorroborationFilter,
        "measure",
        "group_class",
        "event",
        SourceKindFilter,
        AssignedFilter,
    ]
    search_fields = ["text", "claimant__name", "event__title", "group", "count_text"]
    search_help_text = "Search the claim's text, claimant, event, counted group or figure."
    autocomplete_fields = ["event", "claimant"]
    inlines = [AttributionInline, NewAttributionInline]
    actions = ["assign_to_me", "assign_to", "move_to_review"]
    readonly_fields = ["interval"]

    # --- Queue ---
    def get_ordering(self, request: HttpRequest) -> list[Any]:
        # The expression, not the name of get_queryset's annotation: other admins order
        # their claim pickers with this on a plain Claim queryset.
        return [queue_rank().asc(), "created_at", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        # Annotated before it is ordered (ModelAdmin.get_queryset orders first).
        return (
            Claim.objects.select_related("event", "claimant", "assignee")
            .annotate(queue_rank=queue_rank())
            .order_by(*self.get_ordering(request))
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ClaimChangeList

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return super().changelist_view(request, {"title": "Claims queue", **(extra_context or {})})

    @admin.display(description="Claim", ordering="id")
    def claim_col(self, obj: Claim) -> str:
        return format_html(
            '<strong>#{}</strong> <span class="vf-claim-text" title="{}">{}</span>',
            obj.pk,
            obj.text,
            Truncator(obj.text).chars(60) if obj.text else "(no text)",
        )

    @admin.display(description="Event", ordering="event__title")
    def event_col(self, obj: Claim) -> str:
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            reverse("admin:claims_event_change", args=[obj.event_id]),
            obj.event.title,
            Truncator(obj.event.title).chars(36),
        )

    @admin.display(description="Claimant", ordering="claimant__name")
    def claimant_col(self, obj: Claim) -> str:
        return format_html("{} {}", obj.claimant.name, display.reliability_badge(obj.claimant))

    @admin.display(description="Group · measure", ordering="measure")
    def topic_col(self, obj: Claim) -> str:
        return format_html(
            '{} <span class="vf-measure">{}</span> <span class="vf-muted">({})</span>',
            obj.group,
            obj.get_measure_display(),
            obj.get_group_class_display(),
        )

    @admin.display(description="Count as written", ordering="count_low")
    def count_col(self, obj: Claim) -> str:
        return display.count_html(obj.count_text, obj.count_low, obj.count_high)

    @admin.display(description="Review", ordering="queue_rank")
    def status_col(self, obj: Claim) -> str:
        return display.status_badge(obj)

    @admin.display(description="Corroboration", ordering="corroboration")
    def corroboration_col(self, obj: Claim) -> str:
        return format_html(
            '<div class="vf-stack">{} {}</div>',
            display.corroboration_badge(obj.corroboration),
            display.credibility_badge(obj),
        )

    @admin.display(description="Assigned", ordering="assignee__username")
    def assignee_col(self, obj: Claim) -> str:
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

    # --- Permissions ---
    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.assign_claim")

    # --- Bulk actions: the same services as the buttons ---
    def _bulk(self, request: HttpRequest, queryset: QuerySet[Claim], verb: str, call: Any) -> None:
        claims = list(queryset.order_by("id")[: MAX_BULK + 1])
        if len(claims) > MAX_BULK:
            messages.error(
                request, f"Select at most {MAX_BULK} claims at a time. Nothing was changed."
            )
            return
        done: list[str] = []
        failed: list[str] = []
        for claim in claims:
            try:
                call(claim)
            except (ServiceError, ValidationError) as exc:
                failed.append(f"Claim #{claim.pk}: {message_for(exc)}")
            else:
                done.append(f"#{claim.pk}")
        report(request, done, failed, verb)

    @admin.action(description="Assign to me", permissions=["assign"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._bulk(
            request,
            queryset,
            "Assigned to you",
            lambda claim: services.claim_assign(
                claim=claim, assignee=request.user, by=request.user
            ),
        )

    @admin.action(description="Assign to…", permissions=["assign"])
    def assign_to(self, request: HttpRequest, queryset: QuerySet[Claim]) -> HttpResponse | None:
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            assignee = form.cleaned_data["assignee"]
            self._bulk(
                request,
                queryset,
                f"Assigned to {assignee}" if assignee else "Unassigned",
                lambda claim: services.claim_assign(
                    claim=claim, assignee=assignee, by=request.user
                ),
            )
            return None
        claims = list(queryset.order_by("id")[: MAX_BULK + 1])
        context = {
            **self.admin_site.each_context(request),
            "title": "Assign claims",
            "opts": self.opts,
            "form": form,
            "claims": claims[:MAX_BULK],
            "too_many": len(claims) > MAX_BULK,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/claim/assign.html", context)

    @admin.action(description="Move to review", permissions=["change"])
    def move_to_review(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._bulk(
            request,
            queryset,
            "Moved to review",
            lambda claim: services.claim_transition(
                claim=claim, action="start_review", version=claim.version, by=request.user
            ),
        )

    # --- The claim page ---
    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # A new claim has only its claimant's attribution, made with it.
        return list(self.inlines) if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            ("event", "claimant"),
                            ("measure", "group", "group_class_override"),
                            "count_text",
                            "text",
                            "made_at",
                        ]
                    },
                ),
                ("The claimant's statement", {"fields": ["url", "quote"]}),
            ]
        fields: list[Any] = [
            ("event", "claimant"),
            ("measure", "group", "group_class_override"),
            ("count_text", "interval"),
            "text",
            "made_at",
        ]
        if self.has_change_permission(request, obj):
            fields += ["reason", "version"]
        return [(None, {"fields": fields})]

    @admin.display(description="Saved interval")
    def interval(self, obj: Claim) -> str:
        # The saved figures only: on a re-shown form the phrase may hold unsaved input.
        if obj.pk is None:
            return ""
        return format_html(
            '<span class="vf-interval">{}</span>', describe(obj.count_low, obj.count_high)
        )

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        self.save_through_services(
            request,
            obj,
            form,
            change,
            fields=CLAIM_FORM_FIELDS,
            create_fields=[
                "event", "claimant", "measure", "group", "group_class_override", "count_text",
                "text", "made_at", "url", "quote",
            ],
            create=services.claim_create,
            update=lambda obj, **kw: services.claim_update(claim=obj, **kw),
        )  # fmt: skip

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
                    archive_url=data.get("archive_url", ""),
                    published_at=data.get("published_at"),
                    count_text=data.get("count_text", ""),
                    reason="Added in the admin",
                )
            formset.new_objects.append(created)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Claim | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            context.update(self.desk_context(request, obj))
            # The saved claim, not the instance a refused form has filled with its input.
            context["subtitle"] = str(context["claim"])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def desk_context(self, request: HttpRequest, claim: Claim) -> dict[str, Any]:
        """Everything the claim page shows around the form, in a fixed number of queries."""
        user = request.user
        claim = Claim.objects.select_related("event", "claimant", "assignee").get(pk=claim.pk)
        prefetch_related_objects([claim], attributions_prefetch())
        analysis = selectors.event_analysis(claim.event_id)
        assessment = analysis.claims[claim.pk]
        event_flags = list(
            ConflictFlag.objects.open().filter(event_id=claim.event_id).order_by("measure", "group")
        )
        claim_flags = [
            f for f in event_flags if any(side.get("claim_id") == claim.pk for side in f.sides)
        ]
        steps = [t for t in available(claim.status) if user.has_perm(t.permission)]
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
            "steps": [s.name for s in steps],
            "verdicts": [(v.value, v.value.capitalize()) for v in Verdict],
            "can_confirm": assessment.corroboration == Corroboration.FIGURE_CORROBORATED,
            "claim_flags": [flag_card(f) for f in claim_flags],
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
            "timeline": claim_timeline(claim),
            "here": request.get_full_path(),
        }

    # --- Buttons: small POST views, each one service call ---
    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/review/", wrap(self.review_view), name="claims_claim_review"),
            path("<path:object_id>/assign/", wrap(self.assign_view), name="claims_claim_assign"),
            path(
                "<path:object_id>/credibility/",
                wrap(self.credibility_view),
                name="claims_claim_credibility",
            ),
            *super().get_urls(),
        ]

    def _claim_for_post(self, request: HttpRequest, object_id: str) -> Claim:
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404("No such claim.")
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        return claim

    def review_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = self._claim_for_post(request, object_id)
        back = self.change_url(claim)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, "That review step was not understood; nothing was changed.")
            return redirect_back(request, back)
        data = form.cleaned_data
        try:
            # PermissionDenied is not caught: a forged POST gets a 403.
            updated = services.claim_transition(
                claim=claim,
                action=data["action"],
                version=data["version"],
                by=request.user,
                verdict=data["verdict"],
                override_reason=data["override_reason"],
                note=data["note"],
            )
        except (ServiceError, ValidationError) as exc:
            messages.error(request, message_for(exc))
        else:
            messages.success(
                request, f"Claim #{updated.pk}: {done_message(data['action'], updated)}"
            )
        return redirect_back(request, back)

    def credibility_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """An editor's own credibility rating (or back to the proposed one), with a reason."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = self._claim_for_post(request, object_id)
        back = self.change_url(claim)
        form = CredibilityForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give a rating from 1 to 6 (or none) and a reason.")
            return redirect_back(request, back)
        try:
            # PermissionDenied is not caught: a forged POST gets a 403.
            services.claim_set_credibility(claim=claim, by=request.user, **form.cleaned_data)
        except (ServiceError, ValidationError) as exc:
            messages.error(request, message_for(exc))
        else:
            messages.success(request, f"Claim #{claim.pk}: credibility recorded.")
        return redirect_back(request, back)

    def assign_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = self._claim_for_post(request, object_id)
        back = self.change_url(claim)
        value = request.POST.get("assignee", "")
        assignee: Any
        if value == "me":
            assignee = request.user
        elif value == "":
            assignee = None
        else:
            assignee = assignable_users().filter(pk=value).first() if value.isdigit() else None
            if assignee is None:
                messages.error(request, "Choose someone who can see claims; nothing was changed.")
                return redirect_back(request, back)
        version = request.POST.get("version", "")
        try:
            updated = services.claim_assign(
                claim=claim,
                assignee=assignee,
                by=request.user,
                version=int(version) if version.isdigit() else None,
            )
        except (ServiceError, ValidationError) as exc:
            messages.error(request, message_for(exc))
        else:
            who = (
                "you" if updated.assignee_id == request.user.pk else (updated.assignee or "nobody")
            )
            messages.success(request, f"Claim #{updated.pk} is assigned to {who}.")
        return redirect_back(request, back)


def done_message(action: str, claim: Claim) -> str:
    if action == "give_verdict":
        return f"verdict given: {claim.get_verdict_display()}."
    return {
        "start_review": "review started.",
        "publish": "published.",
        "reopen": "back in review.",
    }.get(action, "done.")


def flag_card(flag: ConflictFlag) -> dict[str, Any]:
    """A flag as the claim, event and flag pages show it: who says what, side by side."""
    return {
        "flag": flag,
        "badge": display.flag_badge(flag),
        "sides": display.side_rows(flag.sides),
        "url": reverse("admin:claims_conflictflag_change", args=[flag.pk]),
        "close_url": reverse("admin:claims_conflictflag_close", args=[flag.pk]),
    }
