"""The conflict desk: every conflict flag, open ones first, with the sides side by side.

Flags are raised and updated only by the recheck; people close them. Resolving (the
conflict is settled) or dismissing (it is not a real conflict) takes a written reason,
from the list or from the flag's page, through ``flag_resolve`` / ``flag_dismiss``
(which refuse anyone without the permission).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html

from claims import services
from claims.models import ConflictFlag

from . import display
from .base import EXPORT_CHUNK, DeskAdmin, button
from .filters import FlaggedEventPicker

# Open flags first, then the newest: a few thousand flags at most, sorted in memory.
OPEN_FIRST = Case(
    When(status=ConflictFlag.Status.OPEN, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


class CloseForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("resolve", "Resolve"), ("dismiss", "Dismiss")],
        error_messages={"required": "Choose “Resolve” or “Dismiss”.",
                        "invalid_choice": "Choose “Resolve” or “Dismiss”."},
    )  # fmt: skip
    reason = forms.CharField(required=False, max_length=500)


@admin.register(ConflictFlag)
class ConflictFlagAdmin(DeskAdmin):
    list_title = "Conflict desk"
    legend = ("decisions",)
    export_name = "conflict-flags"
    buttons = (("close", "close"),)
    list_display = [
        "status_col", "event_col", "topic_col", "sides_col", "explanation", "opened_col",
        "closed_col", "row_actions",
    ]  # fmt: skip
    row_actions_permission = "claims.resolve_flag"
    list_display_links = ["status_col"]
    list_filter = ["status", "measure", FlaggedEventPicker]
    ordering = [OPEN_FIRST.asc(), "-opened_at", "id"]
    search_fields = ["event__title", "group_label", "explanation"]
    search_help_text = "Search the event, the counted group or the explanation."
    # The card above the form shows the status, the explanation and the sides.
    fields = readonly_fields = ("event_col", "topic_col", "opened_col", "closed_col")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConflictFlag]:
        # Fetched after the page is cut, not joined: a join made PostgreSQL read every
        # event (50,000) before sorting the flags (78 ms of the conflict desk's 100).
        return super().get_queryset(request).prefetch_related("event", "closed_by")

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"can_resolve": request.user.has_perm("claims.resolve_flag")}

    # Flags are written by the recheck and closed through the buttons, never by a form.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- Columns ---
    status_col = display.column("Status", display.flag_badge, ordering="status")

    event_col = display.column(
        "Event", lambda flag: display.event_link(flag.event_id, flag.event.title), "event__title"
    )
    topic_col = display.column("Group · measure", display.flag_topic, ordering="group_label")
    sides_col = display.column("Who says what", lambda flag: display.sides_html(flag.sides))

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
            '<input type="text" name="reason" form="vf-close-{0}" required maxlength="500" '
            'placeholder="Reason (required)" aria-label="Reason for closing flag {0}">'
            '<button type="submit" name="decision" value="resolve" form="vf-close-{0}" '
            'class="vf-btn vf-btn-ok" title="Settled: one figure was found wrong or corrected">'
            "✓ Resolve</button>"
            '<button type="submit" name="decision" value="dismiss" form="vf-close-{0}" '
            'class="vf-btn" title="Not a real conflict: e.g. different engagements">'
            "– Dismiss</button></div>",
            obj.pk,
        )

    # --- The CSV download: the flags as filtered ---
    def export_rows(
        self, queryset: QuerySet[ConflictFlag]
    ) -> tuple[list[str], Iterable[Sequence[Any]]]:
        header = [
            "id", "status", "event", "measure", "group as written", "class", "explanation",
            "opened at", "closed at", "closed by", "reason",
        ]  # fmt: skip
        rows = queryset.values_list(
            "id", "status", "event__title", "measure", "group_label", "group_class",
            "explanation", "opened_at", "closed_at", "closed_by__username", "resolution_note",
        ).iterator(chunk_size=EXPORT_CHUNK)  # fmt: skip
        return header, rows

    # --- The flag page ---
    def page_context(self, request: HttpRequest, obj: ConflictFlag) -> dict[str, Any]:
        return {
            "desk": True,
            "card": display.flag_card(obj),
            "can_resolve": request.user.has_perm("claims.resolve_flag"),
            "here": request.get_full_path(),
        }

    # --- Buttons ---
    @button
    def close_view(self, request: HttpRequest, flag: ConflictFlag) -> HttpResponse:
        def close(data: dict[str, Any]) -> ConflictFlag:
            service = (
                services.flag_resolve if data["decision"] == "resolve" else services.flag_dismiss
            )
            # PermissionDenied is not caught: a forged POST gets a 403.
            return service(flag=flag, by=request.user, reason=data["reason"])

        return self.press(request, flag, CloseForm(request.POST), close, closed_message)


def closed_message(closed: ConflictFlag) -> str:
    return (
        f"Flag #{closed.pk} ({closed.group_label or closed.group} "
        f"{closed.get_measure_display()}, {closed.event.title}) "
        f"{closed.get_status_display()}: {closed.resolution_note}"
    )
