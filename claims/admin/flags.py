"""The conflict desk: every conflict flag, open ones first, with the sides side by side.

Flags are raised and updated only by the recheck; people close them. Resolving or
dismissing takes a written reason, from the list or from the flag's page, through
``flag_resolve`` / ``flag_dismiss`` (which refuse anyone without the permission).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.html import format_html

from claims import services
from claims.models import ConflictFlag
from claims.services import ServiceError

from . import display
from .base import DeskAdmin, message_for, redirect_back
from .claims import flag_card


def open_first() -> Case:
    return Case(
        When(status=ConflictFlag.Status.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


@admin.register(ConflictFlag)
class ConflictFlagAdmin(DeskAdmin):
    list_display = [
        "status_col",
        "event_col",
        "topic_col",
        "sides_col",
        "explanation",
        "opened_col",
        "closed_col",
        "row_actions",
    ]
    row_actions_permission = "claims.resolve_flag"
    list_display_links = ["status_col"]
    list_filter = ["status", "measure", "event"]
    search_fields = ["event__title", "group", "explanation"]
    search_help_text = "Search the event, the counted group or the explanation."
    # The card above the form shows the status, the explanation and the sides.
    fields = readonly_fields = ("event_col", "topic_col", "opened_col", "closed_col")

    def get_ordering(self, request: HttpRequest) -> list[str]:
        # An annotation (see get_queryset), which the class attribute cannot name.
        return ["open_rank", "-opened_at", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConflictFlag]:
        # Annotated before it is ordered (ModelAdmin.get_queryset orders first).
        return (
            ConflictFlag.objects.select_related("event", "closed_by")
            .annotate(open_rank=open_first())
            .order_by(*self.get_ordering(request))
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        context = {
            "title": "Conflict desk",
            "can_resolve": request.user.has_perm("claims.resolve_flag"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    # Flags are written by the recheck and closed through the buttons, never by a form.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- Columns ---
    @admin.display(description="Status", ordering="open_rank")
    def status_col(self, obj: ConflictFlag) -> str:
        return display.flag_badge(obj)

    @admin.display(description="Event", ordering="event__title")
    def event_col(self, obj: ConflictFlag) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:claims_event_change", args=[obj.event_id]),
            obj.event.title,
        )

    @admin.display(description="Measure · group", ordering="measure")
    def topic_col(self, obj: ConflictFlag) -> str:
        return format_html(
            '<span class="vf-measure">{}</span> · {}', obj.get_measure_display(), obj.group
        )

    @admin.display(description="Who says what")
    def sides_col(self, obj: ConflictFlag) -> str:
        return display.sides_html(obj.sides)

    @admin.display(description="Opened", ordering="opened_at")
    def opened_col(self, obj: ConflictFlag) -> str:
        return format_html(
            '<span title="{}">{} ago</span>',
            display.when(obj.opened_at),
            display.age(obj.opened_at),
        )

    @admin.display(description="Closed")
    def closed_col(self, obj: ConflictFlag) -> str:
        if obj.status == ConflictFlag.Status.OPEN:
            return ""
        who = obj.closed_by.get_username() if obj.closed_by else "the recheck"
        return format_html(
            '<div>{} by {}</div><div class="vf-note">{}</div>',
            display.when(obj.closed_at),
            who,
            obj.resolution_note,
        )

    @admin.display(description="Decide")
    def row_actions(self, obj: ConflictFlag) -> str:
        if obj.status != ConflictFlag.Status.OPEN:
            return ""
        # The inputs belong to a form rendered after the list (forms cannot nest).
        return format_html(
            '<div class="vf-close">'
            '<input type="text" name="reason" form="vf-close-{}" required maxlength="500" '
            'placeholder="Reason (required)" aria-label="Reason for closing flag {}">'
            '<button type="submit" name="decision" value="resolve" form="vf-close-{}" '
            'class="vf-btn vf-btn-ok">✓ Resolve</button>'
            '<button type="submit" name="decision" value="dismiss" form="vf-close-{}" '
            'class="vf-btn">– Dismiss</button></div>',
            obj.pk,
            obj.pk,
            obj.pk,
            obj.pk,
        )

    # --- The flag page ---
    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: ConflictFlag | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context.update(
                {
                    "desk": True,
                    "card": flag_card(obj),
                    "can_resolve": request.user.has_perm("claims.resolve_flag"),
                    "here": request.get_full_path(),
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Buttons ---
    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name="claims_conflictflag_close",
            ),
            *super().get_urls(),
        ]

    def close_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        flag = self.get_object(request, unquote(object_id))
        if flag is None:
            raise Http404("No such flag.")
        if not self.has_view_permission(request, flag):
            raise PermissionDenied
        back = self.change_url(flag)
        decision = request.POST.get("decision", "")
        reason = request.POST.get("reason", "")
        if decision not in {"resolve", "dismiss"}:
            messages.error(request, "Choose “Resolve” or “Dismiss”; nothing was changed.")
            return redirect_back(request, back)
        service = services.flag_resolve if decision == "resolve" else services.flag_dismiss
        try:
            # PermissionDenied is not caught: a forged POST gets a 403.
            closed = service(flag=flag, by=request.user, reason=reason)
        except (ServiceError, ValidationError) as exc:
            messages.error(request, f"Flag #{flag.pk}: {message_for(exc)}")
        else:
            messages.success(
                request,
                f"Flag #{closed.pk} ({closed.get_measure_display()} of {closed.group}, "
                f"{closed.event.title}) {closed.get_status_display()}: {closed.resolution_note}",
            )
        return redirect_back(request, back)
